"""一级一册: what a town's and a department's manual holds, the closed-loop status, who may open
which manual, and the Word export."""

import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from anjian.core import audit
from anjian.hazards import services as hazard_services
from anjian.hazards.models import Hazard, Status
from anjian.org.models import Unit
from anjian.risks import manual as mn
from anjian.risks.manual_docx import chinese_number, manual_docx
from anjian.risks.methods import assess
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskEvent, RiskPolicy, RiskUnit

# LS inputs giving each grade under the default bands (R ≥ 20 red, ≥ 15 orange, ≥ 9 yellow).
LS_INPUTS = {"red": (5, 4), "orange": (4, 4), "yellow": (3, 3), "blue": (1, 2)}


def make_event(subject, name, grade, unit=None, active=True, measures=(("engineering", "设置可燃气体报警"),)):
    unit = unit or RiskUnit.objects.create(
        subject=subject, name=f"{name}单元", department="生产部", person_in_charge="周建华"
    )
    event = RiskEvent.objects.create(unit=unit, name=name, accident_type="fire", is_active=active)
    bands = RiskPolicy.current().bands
    l_value, s_value = LS_INPUTS[grade]
    result = assess("ls", bands, l_value, s_value)
    assert result.grade == grade
    RiskAssessment.objects.create(
        event=event,
        method="ls",
        l_value=l_value,
        c_value=s_value,
        score=result.score,
        grade=result.grade,
        bands=bands,
        explanation=result.explanation,
    )
    event.grade = result.grade
    event.save()
    for kind, text in measures:
        ControlMeasure.objects.create(
            event=event, kind=kind, text=text, level="company", responsible_person="王志强"
        )
    return event


@pytest.fixture
def register(world):
    ent_a, ent_b, ent_c = (world.subjects[k] for k in ("ent_a", "ent_b", "ent_c"))
    return {
        "red": make_event(
            ent_a,
            "储罐区泄漏火灾",
            "red",
            measures=(("management", "执行动火作业审批"), ("engineering", "设置可燃气体报警")),
        ),
        "orange": make_event(ent_a, "反应釜超压爆炸", "orange"),
        "yellow": make_event(ent_a, "叉车伤害", "yellow"),
        "inactive": make_event(ent_a, "已拆除锅炉爆炸", "red", active=False),
        "ent_c": make_event(ent_c, "脚手架坍塌", "orange"),
        "ent_b": make_event(ent_b, "商场火灾", "red"),
    }


def town_owner(world, user="city", town="town_a"):
    return mn.find_owner(world.users[user], mn.TOWN, getattr(world, town).pk)


def names(manual):
    return {e.event.name for s in manual.subjects for e in s.events}


def open_hazard(world, measure):
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    hazard = hazard_services.report_hazard(
        world.users["inspector"], world.subjects["ent_a"].pk, "可燃气体报警器失效", deadline=deadline
    )
    measure.hazards.add(hazard)
    return hazard


def test_town_manual_holds_only_active_red_and_orange_events_of_the_town(world, register):
    manual = mn.build_manual(world.users["city"], town_owner(world))
    assert names(manual) == {"储罐区泄漏火灾", "反应釜超压爆炸", "脚手架坍塌"}
    assert (manual.red, manual.orange, manual.unclosed) == (1, 2, 0)
    first = manual.subjects[0]
    # The subject with a red risk comes first, its red event before its orange one.
    assert first.subject == world.subjects["ent_a"]
    assert [e.event.name for e in first.events] == ["储罐区泄漏火灾", "反应釜超压爆炸"]
    red = first.events[0]
    assert [label for label, _rows in red.kinds] == ["工程技术", "管理措施"]
    assert "R = L × S = 5 × 4 = 20" in red.explanation
    assert red.closed and all(not m.failed for m in red.measures)


def test_measure_with_open_linked_hazard_fails_until_the_hazard_is_closed(world, register):
    measure = register["red"].measures.get(kind="engineering")
    hazard = open_hazard(world, measure)
    manual = mn.build_manual(world.users["town_a"], town_owner(world, "town_a"))
    red = manual.subjects[0].events[0]
    assert not red.closed and [m.measure for m in red.failed_measures] == [measure]
    assert red.failed_measures[0].open_hazards == [hazard]
    assert (
        mn.hazard_note(red.failed_measures[0]) == f"{hazard.code}（整改期限 {hazard.deadline.isoformat()}）"
    )
    assert (manual.unclosed, manual.failed_measures) == (1, 1)

    audit.update(Hazard.objects.filter(pk=hazard.pk), status=Status.CLOSED)
    manual = mn.build_manual(world.users["town_a"], town_owner(world, "town_a"))
    assert manual.subjects[0].events[0].closed and manual.unclosed == 0


def test_manual_page_shows_failed_measure_and_open_loop(world, register):
    open_hazard(world, register["red"].measures.get(kind="engineering"))
    client = Client()
    client.force_login(world.users["town_a"])
    response = client.get(reverse("risks:manual", args=["town", world.town_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "泽国镇重大（较大）安全风险管控手册（一级一册）" in body
    assert "失效" in body and "未闭环" in body and "储罐区泄漏火灾" in body
    assert "叉车伤害" not in body and "已拆除锅炉爆炸" not in body and "商场火灾" not in body


def test_manual_takes_a_fixed_number_of_queries(world, register):
    owner = town_owner(world)
    user = world.users["city"]
    with CaptureQueriesContext(connection) as few:
        mn.build_manual(user, owner)
    for n in range(5):
        make_event(
            world.subjects["ent_c"],
            f"高处坠落{n}",
            "red",
            measures=(("training", "培训"), ("emergency", "演练")),
        )
    with CaptureQueriesContext(connection) as many:
        manual = mn.build_manual(user, owner)
    assert manual.red == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_department_manual_takes_its_sectors(world, register):
    bureau = Unit.objects.get(name="市应急管理局")  # industry_trade among its sectors; not construction
    owner = mn.find_owner(world.users["city"], mn.UNIT, bureau.pk)
    manual = mn.build_manual(world.users["city"], owner)
    assert names(manual) == {"储罐区泄漏火灾", "反应釜超压爆炸"}
    housing = Unit.objects.get(name="市住房和城乡建设局")
    manual = mn.build_manual(world.users["city"], mn.find_owner(world.users["city"], mn.UNIT, housing.pk))
    assert names(manual) == {"脚手架坍塌"}


def test_owners_follow_the_role(world, register):
    bureau = Unit.objects.get(name="市应急管理局")
    towns, units = mn.owners_for(world.users["city"], with_counts=True)
    assert len(towns) == 17 and bureau.pk in {u.pk for u in units}
    zeguo = next(t for t in towns if t.pk == world.town_a.pk)
    assert (zeguo.red, zeguo.orange) == (1, 2)
    assert next(u for u in units if u.pk == bureau.pk).red == 1
    towns, units = mn.owners_for(world.users["town_a"])
    assert [t.pk for t in towns] == [world.town_a.pk] and units == []
    towns, units = mn.owners_for(world.users["dept"])
    assert [u.pk for u in units] == [bureau.pk] and len(towns) == 17
    # The sector office: the departments of its sectors, here the bureau (and the 经信局 for 民爆).
    _towns, units = mn.owners_for(world.users["sector"])
    assert bureau.pk in {u.pk for u in units}
    assert mn.owners_for(world.users["grid"]) == ([], [])
    assert mn.owners_for(world.users["enterprise"]) == ([], [])


def test_department_user_sees_only_its_sectors_in_a_town_manual(world, register):
    manual = mn.build_manual(world.users["dept"], town_owner(world, "dept"))
    assert names(manual) == {"储罐区泄漏火灾", "反应釜超压爆炸"}


@pytest.mark.parametrize("view", ["risks:manual", "risks:manual_docx"])
def test_scope_and_roles(world, register, view):
    client = Client()
    client.force_login(world.users["town_b"])
    assert client.get(reverse(view, args=["town", world.town_a.pk])).status_code == 404
    assert client.get(reverse(view, args=["town", world.town_b.pk])).status_code == 200
    bureau = Unit.objects.get(name="市应急管理局")
    assert client.get(reverse(view, args=["unit", bureau.pk])).status_code == 404
    assert client.get(reverse(view, args=["planet", world.town_b.pk])).status_code == 404
    client.force_login(world.users["enterprise"])
    # No owner to pick: a manual answers as if out of scope.
    assert client.get(reverse(view, args=["town", world.town_a.pk])).status_code == 404
    client.force_login(world.users["dept"])
    assert client.get(reverse(view, args=["unit", bureau.pk])).status_code == 200
    other = Unit.objects.get(name="市住房和城乡建设局")
    assert client.get(reverse(view, args=["unit", other.pk])).status_code == 404


def test_picker_lists_owners_with_counts(world, register):
    client = Client()
    client.force_login(world.users["town_a"])
    body = client.get(reverse("risks:manuals")).content.decode()
    assert f'data-owner="town-{world.town_a.pk}"' in body and "大溪镇" not in body
    assert "红 1" in body and "橙 2" in body
    client.force_login(world.users["enterprise"])
    assert client.get(reverse("risks:manuals")).status_code == 403


def test_docx_opens_with_title_and_events(world, register):
    open_hazard(world, register["red"].measures.get(kind="engineering"))
    client = Client()
    client.force_login(world.users["city"])
    response = client.get(reverse("risks:manual_docx", args=["town", world.town_a.pk]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "泽国镇重大（较大）安全风险管控手册（一级一册）"
    assert "泽国镇人民政府" in paragraphs[1]
    assert "重大风险（红色）1个、较大风险（橙色）2个" in paragraphs[2] and "未形成闭环" in paragraphs[2]
    assert "一、泽国精工机械有限公司" in paragraphs
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert cells[:5] == ["风险事件", "等级", "管控措施", "责任人", "闭环状态"]
    text = "\n".join(cells)
    for name in ("储罐区泄漏火灾", "反应釜超压爆炸", "脚手架坍塌", "【失效】", "未闭环", "闭环"):
        assert name in text
    assert "叉车伤害" not in text
    run = doc.paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )


def test_docx_of_an_empty_manual_still_opens(world):
    owner = town_owner(world, town="town_b")
    doc = Document(io.BytesIO(manual_docx(mn.build_manual(world.users["city"], owner))))
    assert doc.paragraphs[0].text == "大溪镇重大（较大）安全风险管控手册（一级一册）"
    assert "已形成闭环" in doc.paragraphs[2].text


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 10, 12, 20, 23, 100)] == [
        "一",
        "十",
        "十二",
        "二十",
        "二十三",
        "100",
    ]
