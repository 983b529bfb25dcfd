"""Installations: services (all-or-nothing inventory, guarantors, checks, overdue), scope and pages."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.risks import services_installations as si
from anjian.risks.models import Guarantor, GuarantorCheck, Installation

D = Decimal
# 液氯 31.25 t (Q 5, β 4) + 甲醇 100 t (Q 500, W5.3 β 1), 60 people (α 1.5):
# S = 6.25 + 0.2 = 6.45; Σβq/Q = 25 + 0.2 = 25.2; R = 1.5 × 25.2 = 37.8 → 三级.
MAJOR = [("液氯", "31.25", ""), ("甲醇", "100", "W5.3")]


def make(world, user="enterprise", subject="ent_a", lines=MAJOR, people=60, name="液氯储罐区"):
    return si.save_installation(
        world.users[user],
        subject=world.subjects[subject],
        name=name,
        kind="storage",
        exposed_people=people,
        lines=lines,
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(name="液氯储罐区", people="60", rows=(("液氯", "31.25", ""), ("甲醇", "100", "W5.3"))):
    data = {
        "name": name,
        "kind": "storage",
        "exposed_people": people,
        "record_no": "",
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, (substance, quantity, category) in enumerate(rows):
        data[f"lines-{index}-substance"] = substance
        data[f"lines-{index}-quantity_t"] = quantity
        data[f"lines-{index}-category"] = category
    return data


# --- services ------------------------------------------------------------------------------------


def test_save_stores_the_evaluation_and_resolved_lines(world):
    installation = make(world)
    installation.refresh_from_db()
    assert installation.s_value == D("6.45") and installation.is_major
    assert installation.alpha == D("1.5") and installation.r_value == D("37.8") and installation.grade == 3
    assert installation.evaluated_at is not None
    chlorine, methanol = installation.lines.order_by("id")
    assert (chlorine.name_cn, chlorine.cas, chlorine.critical_t, chlorine.beta) == ("氯", "7782-50-5", 5, 4)
    assert chlorine.basis == "Q：表1第12项；β：表3"
    assert (methanol.category, methanol.beta, methanol.basis) == ("W5.3", 1, "Q：表1第65项；β：表4 W5.3")


def test_update_replaces_every_line(world):
    installation = make(world)
    si.save_installation(
        world.users["enterprise"],
        installation=installation,
        name="甲醇罐区",
        kind="storage",
        exposed_people=0,
        lines=[("甲醇", "100", "W5.3")],
    )
    installation.refresh_from_db()
    assert installation.name == "甲醇罐区"
    assert [line.substance for line in installation.lines.all()] == ["甲醇"]
    # 100/500 = 0.2 < 1: no longer major; R and grade cleared.
    assert installation.s_value == D("0.2") and not installation.is_major
    assert installation.r_value is None and installation.grade is None


def test_a_bad_line_leaves_the_saved_inventory_untouched(world):
    installation = make(world)
    before = list(installation.lines.values_list("substance", "quantity_t"))
    with pytest.raises(si.InstallationError) as caught:
        si.save_installation(
            world.users["enterprise"],
            installation=installation,
            name="改名",
            kind="storage",
            exposed_people=60,
            lines=[("甲醇", "100", "W5.3"), ("67-56-2", "5", "W5.3")],
        )
    assert caught.value.status == 422
    assert "第2行：CAS号“67-56-2”校验位错误" in caught.value.message
    installation.refresh_from_db()
    assert installation.name == "液氯储罐区" and installation.grade == 3
    assert list(installation.lines.values_list("substance", "quantity_t")) == before


def test_a_bad_new_installation_creates_nothing(world):
    with pytest.raises(si.InstallationError):
        make(world, lines=[("液氨", "-1", "")])
    assert not Installation.objects.exists()


def test_blank_name_and_bad_kind(world):
    with pytest.raises(si.InstallationError, match="请填写单元名称"):
        make(world, name=" ")
    with pytest.raises(si.InstallationError, match="单元类型“tank”无效"):
        si.save_installation(
            world.users["city"],
            subject=world.subjects["ent_a"],
            name="x",
            kind="tank",
            exposed_people=0,
            lines=MAJOR,
        )


def test_out_of_scope_subject_is_404_and_reader_role_is_403(world):
    with pytest.raises(si.InstallationError) as caught:
        make(world, user="town_b", subject="ent_a")
    assert caught.value.status == 404
    with pytest.raises(si.InstallationError) as caught:
        make(world, user="enterprise", subject="ent_b")
    assert caught.value.status == 404
    with pytest.raises(si.InstallationError) as caught:
        make(world, user="grid")
    assert caught.value.status == 403
    assert not Installation.objects.exists()


def test_town_b_cannot_change_or_delete_town_a_installation(world):
    installation = make(world)
    with pytest.raises(si.InstallationError) as caught:
        si.save_installation(
            world.users["town_b"],
            installation=installation,
            name="x",
            kind="storage",
            exposed_people=0,
            lines=MAJOR,
        )
    assert caught.value.status == 404
    with pytest.raises(si.InstallationError) as caught:
        si.delete_installation(world.users["town_b"], installation)
    assert caught.value.status == 404
    assert Installation.objects.filter(pk=installation.pk, name="液氯储罐区").exists()


def test_delete(world):
    installation = make(world)
    si.delete_installation(world.users["town_a"], installation)
    assert not Installation.objects.exists()


def test_guarantors_default_intervals_and_limits(world):
    installation = make(world)
    user = world.users["enterprise"]
    roles = {"principal": 90, "technical": 30, "operational": 7}
    for role, days in roles.items():
        guarantor = si.set_guarantor(user, installation, role=role, name=f"{role}人")
        assert guarantor.check_interval_days == days
    # Naming the role again replaces the person; a shorter interval is allowed, a longer one is not.
    si.set_guarantor(user, installation, role="technical", name="新技术负责人", check_interval_days=14)
    assert installation.guarantors.get(role="technical").name == "新技术负责人"
    assert installation.guarantors.count() == 3
    with pytest.raises(si.InstallationError, match="操作负责人的检查周期应为1–7天"):
        si.set_guarantor(user, installation, role="operational", name="x", check_interval_days=10)
    with pytest.raises(si.InstallationError, match="请填写包保责任人姓名"):
        si.set_guarantor(user, installation, role="operational", name="")
    with pytest.raises(si.InstallationError, match="包保职责“boss”无效"):
        si.set_guarantor(user, installation, role="boss", name="x")


def test_checks_and_overdue(world):
    installation = make(world)
    user = world.users["enterprise"]
    today = timezone.localdate()
    principal = si.set_guarantor(user, installation, role="principal", name="主要负责人")
    operational = si.set_guarantor(user, installation, role="operational", name="操作负责人")
    technical = si.set_guarantor(user, installation, role="technical", name="技术负责人")
    si.record_check(user, principal, done_on=today - datetime.timedelta(days=90), note="季度检查")
    si.record_check(user, operational, done_on=today - datetime.timedelta(days=8))
    # principal: 90 days ago, due today → not overdue; operational: 8 > 7 days → overdue;
    # technical: never checked → overdue.
    overdue = {s.guarantor.pk for s in si.overdue_guarantors(user, today)}
    assert overdue == {operational.pk, technical.pk}
    assert si.overdue_guarantors(world.users["town_b"], today) == []
    si.record_check(user, operational, done_on=today)
    assert {s.guarantor.pk for s in si.overdue_guarantors(user, today)} == {technical.pk}
    with pytest.raises(si.InstallationError, match="晚于今天"):
        si.record_check(user, technical, done_on=today + datetime.timedelta(days=1))
    with pytest.raises(si.InstallationError) as caught:
        si.record_check(world.users["town_b"], technical, done_on=today)
    assert caught.value.status == 404
    assert GuarantorCheck.objects.count() == 3


# --- pages ---------------------------------------------------------------------------------------


def test_enterprise_creates_its_own_installation_through_the_page(world):
    client = client_for(world.users["enterprise"])
    url = reverse("risks:installation_new") + f"?subject={world.subjects['ent_a'].pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data())
    installation = Installation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "risks:installation_detail", args=[installation.pk]
    )
    assert installation.grade == 3 and installation.subject == world.subjects["ent_a"]
    page = client.get(response["Location"]).content.decode()
    assert "三级重大危险源" in page and "37.8" in page and "表1第12项" in page


def test_enterprise_without_subject_parameter_gets_its_own(world):
    client = client_for(world.users["enterprise"])
    response = client.get(reverse("risks:installation_new"))
    assert response.status_code == 200
    assert world.subjects["ent_a"].name in response.content.decode()


def test_enterprise_edits_own_and_cannot_reach_others(world):
    own = make(world)
    other = make(world, user="city", subject="ent_b", name="他人罐区")
    client = client_for(world.users["enterprise"])
    page = client.get(reverse("risks:installation_edit", args=[own.pk])).content.decode()
    assert 'value="液氯"' in page and 'value="31.25"' in page and 'id="line-template"' in page
    rows = (("甲醇", "100", "W5.3"),)
    response = client.post(reverse("risks:installation_edit", args=[own.pk]), form_data(rows=rows))
    assert response.status_code == 302
    assert [line.substance for line in own.lines.all()] == ["甲醇"]
    for name in ("installation_detail", "installation_edit"):
        assert client.get(reverse(f"risks:{name}", args=[other.pk])).status_code == 404
    new_other = reverse("risks:installation_new") + f"?subject={world.subjects['ent_b'].pk}"
    assert client.get(new_other).status_code == 404


def test_form_errors_per_row_and_nothing_saved(world):
    installation = make(world)
    client = client_for(world.users["town_a"])
    rows = (("液氯", "31.25", ""), ("神秘液体", "abc", ""), ("", "", ""), ("甲醇", "10", ""))
    response = client.post(reverse("risks:installation_edit", args=[installation.pk]), form_data(rows=rows))
    assert response.status_code == 422
    page = response.content.decode()
    assert "第2行：最大存量“abc”不是数字" in page
    assert "第2行：表1中没有“神秘液体”" in page
    # Row 3 was left blank and skipped; row 4 keeps its number in the message.
    assert "第4行：“甲醇”不在表3中" in page
    assert list(installation.lines.values_list("substance", flat=True)) == ["液氯", "甲醇"]


def test_town_b_gets_404_on_town_a_installation_pages(world):
    installation = make(world)
    client = client_for(world.users["town_b"])
    for name in ("installation_detail", "installation_edit"):
        assert client.get(reverse(f"risks:{name}", args=[installation.pk])).status_code == 404
    assert (
        client.post(reverse("risks:installation_edit", args=[installation.pk]), form_data()).status_code
        == 404
    )
    for name in ("installation_delete", "installation_guarantor", "installation_check"):
        assert client.post(reverse(f"risks:{name}", args=[installation.pk]), {}).status_code == 404
    assert "液氯储罐区" not in client.get(reverse("risks:installation_list")).content.decode()


def test_office_without_subject_picks_one(world):
    client = client_for(world.users["town_b"])
    page = client.get(reverse("risks:installation_new"), {"q": "大溪"}).content.decode()
    assert f'data-subject="{world.subjects["ent_b"].pk}"' in page
    assert world.subjects["ent_a"].name not in page


def test_grid_may_read_but_not_edit(world):
    installation = make(world)
    client = client_for(world.users["grid"])
    assert client.get(reverse("risks:installation_detail", args=[installation.pk])).status_code == 200
    assert client.get(reverse("risks:installation_edit", args=[installation.pk])).status_code == 403


def test_list_orders_major_first_by_grade_and_filters(world):
    # 液氯 62.5 t, 100 people: R = 2 × 4 × 12.5 = 100 → 一级; MAJOR above is 三级; 甲醇 10 t is not major.
    minor = make(world, lines=[("甲醇", "10", "W5.3")], name="小罐")
    third = make(world, name="三级罐区")
    first = make(
        world, user="city", subject="ent_b", lines=[("液氯", "62.5", "")], people=100, name="一级罐区"
    )
    client = client_for(world.users["city"])
    page = client.get(reverse("risks:installation_list")).content.decode()
    positions = [page.index(f'data-installation="{i.pk}"') for i in (first, third, minor)]
    assert positions == sorted(positions)
    major_only = client.get(reverse("risks:installation_list"), {"major": "1"}).content.decode()
    assert "小罐" not in major_only and "三级罐区" in major_only
    by_grade = client.get(reverse("risks:installation_list"), {"grade": "1"}).content.decode()
    assert "一级罐区" in by_grade and "三级罐区" not in by_grade
    by_town = client.get(reverse("risks:installation_list"), {"town": world.town_b.pk}).content.decode()
    assert "一级罐区" in by_town and "三级罐区" not in by_town


def test_detail_guarantor_and_check_forms(world):
    installation = make(world)
    client = client_for(world.users["enterprise"])
    url = reverse("risks:installation_guarantor", args=[installation.pk])
    response = client.post(
        url, {"role": "operational", "name": "操作员刘洋", "position": "班长", "phone": ""}
    )
    assert response.status_code == 302
    guarantor = Guarantor.objects.get()
    assert guarantor.check_interval_days == 7
    page = client.get(reverse("risks:installation_detail", args=[installation.pk])).content.decode()
    assert "逾期（从未检查）" in page
    check_url = reverse("risks:installation_check", args=[installation.pk])
    today = timezone.localdate().isoformat()
    assert (
        client.post(check_url, {"guarantor": guarantor.pk, "done_on": today, "note": "巡检"}).status_code
        == 302
    )
    page = client.get(reverse("risks:installation_detail", args=[installation.pk])).content.decode()
    assert "逾期（从未检查）" not in page and "巡检" in page
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(check_url, {"guarantor": guarantor.pk, "done_on": tomorrow})
    assert response.status_code == 422 and "晚于今天" in response.content.decode()


# --- demo ----------------------------------------------------------------------------------------


def test_demo_builds_three_graded_majors_once(world):
    from anjian.demo.installations import build_installations
    from anjian.testing import make_subject

    villages_b = list(world.town_b.children.order_by("path"))
    for n in range(5):
        territory = world.grid.parent if n % 2 == 0 else villages_b[0]
        make_subject(f"演示化工{n}有限公司", territory, "hazardous_chemicals", n=100 + n, is_synthetic=True)
    make_subject("非演示化工", world.grid.parent, "hazardous_chemicals", n=200)
    assert build_installations(progress=lambda *_: None) == 5
    majors = Installation.objects.filter(is_major=True)
    assert sorted(majors.values_list("grade", flat=True)) == [2, 3, 4]
    assert {i.subject.town.name for i in majors if i.grade in (2, 3)} == {"泽国镇", "大溪镇"}
    assert Installation.objects.filter(is_major=False, is_synthetic=True).count() == 2
    assert Guarantor.objects.count() == 9 and GuarantorCheck.objects.exists()
    # The 四级 one's operational guarantor last checked 9 days ago (weekly duty): overdue.
    overdue = si.overdue_guarantors(world.users["city"])
    assert [(s.guarantor.role, s.guarantor.installation.grade) for s in overdue] == [("operational", 4)]
    assert build_installations(progress=lambda *_: None) == 0
    assert Installation.objects.count() == 5
