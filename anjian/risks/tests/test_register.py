"""services_register and the register pages: scope, permissions, assessments and their grades."""

from decimal import Decimal

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from anjian.risks import services_register as sr
from anjian.risks.grading import describe
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskEvent, RiskPolicy, RiskUnit
from anjian.testing import make_checklist

pytestmark = pytest.mark.django_db


def refused(status, call, *args, **kwargs):
    with pytest.raises(sr.RegisterError) as caught:
        call(*args, **kwargs)
    assert caught.value.status == status, caught.value.message
    return caught.value.message


def make_unit(world, who="enterprise", subject="ent_a", name="液氨储罐区"):
    return sr.create_unit(
        world.users[who], world.subjects[subject], name=name, kind="installation", department="储运车间"
    )


def make_event(world, unit=None, who="enterprise", name="液氨泄漏中毒"):
    unit = unit or make_unit(world, who)
    return sr.create_event(
        world.users[who], unit, name=name, accident_type="poisoning", consequence="多人中毒"
    )


def snapshot():
    return (
        list(RiskUnit.objects.values()),
        list(RiskEvent.objects.values()),
        list(RiskAssessment.objects.values()),
        list(ControlMeasure.objects.values()),
    )


# --- register records --------------------------------------------------------------------------


def test_enterprise_builds_its_own_register(world):
    unit = make_unit(world)
    event = make_event(world, unit)
    version = make_checklist("ammonia", items=2)
    item = version.items.get(key="T-1")
    measure = sr.create_measure(
        world.users["enterprise"],
        event,
        kind="engineering",
        text="设置氨气泄漏报警仪并与喷淋联锁",
        level="company",
        responsible_person="赵敏",
        checklist_item=item.pk,
    )
    assert unit.subject == world.subjects["ent_a"] and unit.department == "储运车间"
    assert event.subject == world.subjects["ent_a"] and event.is_active and event.grade == ""
    assert measure.subject == world.subjects["ent_a"] and measure.checklist_item == item
    sr.update_unit(world.users["enterprise"], unit, person_in_charge="钱工")
    unit.refresh_from_db()
    assert (unit.name, unit.person_in_charge) == ("液氨储罐区", "钱工")


def test_town_of_another_territory_cannot_touch_the_subject(world):
    unit = make_unit(world)
    event = make_event(world, unit)
    before = snapshot()
    town_b = world.users["town_b"]
    with pytest.raises(Http404):
        sr.create_unit(town_b, world.subjects["ent_a"], name="外来单元")
    with pytest.raises(Http404):
        sr.update_unit(town_b, unit, name="改名")
    with pytest.raises(Http404):
        sr.create_event(town_b, unit, name="x", accident_type="fire")
    with pytest.raises(Http404):
        sr.assess(town_b, event, "ls", 4, 5)
    with pytest.raises(Http404):
        sr.delete_event(town_b, event)
    assert snapshot() == before


def test_read_only_roles_cannot_edit(world):
    unit = make_unit(world)
    event = make_event(world, unit)
    before = snapshot()
    for who in ("grid", "inspector"):
        refused(403, sr.create_unit, world.users[who], world.subjects["ent_a"], name="网格单元")
        refused(403, sr.update_event, world.users[who], event, name="改名")
        refused(403, sr.assess, world.users[who], event, "ls", 4, 5)
        refused(403, sr.create_measure, world.users[who], event, kind="management", text="巡检")
    assert snapshot() == before


def test_town_and_office_may_correct_an_enterprise_register(world):
    unit = make_unit(world)
    sr.update_unit(world.users["town_a"], unit, name="液氨罐区（修正）")
    event = make_event(world, unit, who="city")
    assert RiskUnit.objects.get().name == "液氨罐区（修正）" and event.unit == unit


def test_enterprise_cannot_reach_another_subject(world):
    with pytest.raises(Http404):
        sr.create_unit(world.users["enterprise"], world.subjects["ent_c"], name="别人的单元")
    assert not RiskUnit.objects.exists()


@pytest.mark.parametrize(
    "data, words",
    [
        ({"name": "  ", "accident_type": "fire"}, "请填写风险事件"),
        ({"name": "火灾", "accident_type": "meteor"}, "事故类型“meteor”无效"),
        ({"name": "火灾", "accident_type": "fire", "colour": "red"}, "未知字段"),
    ],
)
def test_bad_event_input_saves_nothing(world, data, words):
    unit = make_unit(world)
    assert words in refused(422, sr.create_event, world.users["enterprise"], unit, **data)
    assert not RiskEvent.objects.exists()


def test_bad_measure_input_saves_nothing(world):
    event = make_event(world)
    draft = make_checklist("draft-list", items=1)
    draft.status = "draft"
    draft.save()
    actor = world.users["enterprise"]
    assert "措施类别" in refused(422, sr.create_measure, actor, event, kind="magic", text="x")
    assert "管控措施" in refused(422, sr.create_measure, actor, event, kind="management", text=" ")
    message = refused(
        422, sr.create_measure, actor, event, kind="management", text="x", checklist_item=draft.items.get().pk
    )
    assert "未发布" in message
    assert "未发布" in refused(
        422, sr.create_measure, actor, event, kind="management", text="x", checklist_item="abc"
    )
    assert not ControlMeasure.objects.exists()


# --- assessments -------------------------------------------------------------------------------


def test_assess_stores_the_snapshot_and_grades_event_and_subject(world):
    event = make_event(world)
    actor = world.users["enterprise"]
    assessment = sr.assess(actor, event, "lec", "6", "40", e_value="6", note="现场评价")
    assert (assessment.l_value, assessment.e_value, assessment.c_value) == (6, 6, 40)
    assert assessment.score == Decimal("1440") and assessment.grade == "red"
    assert assessment.bands == RiskPolicy.current().bands and assessment.assessed_by == actor
    assert "D = L × E × C = 6 × 6 × 40 = 1440" in assessment.explanation
    assert assessment.note == "现场评价"
    event.refresh_from_db()
    subject = world.subjects["ent_a"]
    subject.refresh_from_db()
    assert event.grade == "red"
    assert (subject.risk_grade, subject.dynamic_grade) == ("red", "red")
    assert subject.grade_reasons[0] == {"code": "assessed", "grade": "red", "event": "液氨泄漏中毒"}
    assert "液氨泄漏中毒" in describe(subject.grade_reasons[0])


def test_the_snapshot_keeps_the_bands_it_was_assessed_with(world):
    event = make_event(world)
    policy = RiskPolicy.current()
    policy.bands = {
        **policy.bands,
        "lec": {"compare": "gt", "bands": [[320, "red"], [180, "orange"], [70, "yellow"]]},
    }
    policy.save()
    # D = 6 × 2 × 15 = 180: on the orange edge of these bands, which is not above it: yellow.
    assessment = sr.assess(world.users["enterprise"], event, "lec", 6, 15, e_value=2)
    assert assessment.grade == "yellow" and assessment.bands["lec"]["bands"][1] == [180, "orange"]
    policy.bands = RiskPolicy._meta.get_field("bands").get_default()
    policy.save()
    assessment.refresh_from_db()
    assert assessment.bands["lec"]["bands"][1] == [180, "orange"]


@pytest.mark.parametrize(
    "method, l_value, e_value, c_value, score, grade",
    [
        ("lec", 1, 10, 7, "70", "blue"),  # on the yellow edge, which is open below: blue
        ("lec", "0.5", 2, 7, "7", "blue"),
        ("lec", 6, 2, 7, "84", "yellow"),
        ("lec", 10, 1, 15, "150", "yellow"),
        ("lec", 6, 2, 15, "180", "orange"),
        ("lec", 3, 3, 40, "360", "red"),
        ("ls", 4, None, 5, "20", "red"),
        ("ls", 4, None, 4, "16", "orange"),
        ("ls", 3, None, 5, "15", "orange"),
        ("ls", 3, None, 4, "12", "yellow"),
        ("ls", 3, None, 3, "9", "yellow"),
        ("ls", 2, None, 4, "8", "blue"),
    ],
)
def test_band_edges_through_the_service(world, method, l_value, e_value, c_value, score, grade):
    event = make_event(world)
    assessment = sr.assess(world.users["enterprise"], event, method, l_value, c_value, e_value=e_value)
    assert assessment.score == Decimal(score) and assessment.grade == grade
    assert RiskEvent.objects.get().grade == grade


@pytest.mark.parametrize(
    "method, l_value, c_value, e_value, words",
    [
        ("lec", 6, 40, None, "E 的取值应为"),
        ("lec", 6, 41, 6, "C 的取值应为"),
        ("lec", 7, 40, 6, "L 的取值应为"),
        ("ls", 6, 2, None, "L 的取值应为"),
        ("ls", 2, "x", None, "S 的取值应为"),
        ("abc", 1, 1, 1, "评价方法“abc”无效"),
    ],
)
def test_bad_assessment_input_changes_nothing(world, method, l_value, c_value, e_value, words):
    event = make_event(world)
    sr.assess(world.users["enterprise"], event, "ls", 2, 2)  # blue, the grade on record
    before = snapshot()
    subject = world.subjects["ent_a"]
    subject.refresh_from_db()
    grades = (subject.risk_grade, subject.dynamic_grade)
    message = refused(
        422, sr.assess, world.users["enterprise"], event, method, l_value, c_value, e_value=e_value
    )
    assert words in message
    assert snapshot() == before
    subject.refresh_from_db()
    assert (subject.risk_grade, subject.dynamic_grade) == grades == ("blue", "blue")


def test_taking_an_event_out_of_control_regrades_the_subject(world):
    unit = make_unit(world)
    actor = world.users["enterprise"]
    fire = make_event(world, unit, name="储罐火灾")
    leak = make_event(world, unit, name="液氨泄漏中毒")
    sr.assess(actor, fire, "ls", 2, 4)  # 8 blue
    sr.assess(actor, leak, "ls", 4, 5)  # 20 red
    subject = world.subjects["ent_a"]
    subject.refresh_from_db()
    assert subject.risk_grade == "red"
    sr.set_event_active(actor, leak, False)
    subject.refresh_from_db()
    assert subject.risk_grade == "blue" and subject.grade_reasons[0]["event"] == "储罐火灾"
    sr.set_event_active(actor, leak, True)
    subject.refresh_from_db()
    assert subject.risk_grade == "red"


def test_deleting_an_unassessed_event_regrades_and_an_assessed_one_is_kept(world):
    actor = world.users["enterprise"]
    unit = make_unit(world)
    event = make_event(world, unit)
    sr.assess(actor, event, "ls", 4, 5)
    assert "不能删除" in refused(409, sr.delete_event, actor, event)
    assert "不能删除" in refused(409, sr.delete_unit, actor, unit)
    assert RiskEvent.objects.filter(pk=event.pk).exists()
    spare = make_event(world, unit, name="临时事件")
    sr.delete_event(actor, spare)
    assert not RiskEvent.objects.filter(pk=spare.pk).exists()
    # A unit with no assessed event may go.
    empty = make_unit(world, name="空单元")
    sr.delete_unit(actor, empty)
    assert not RiskUnit.objects.filter(pk=empty.pk).exists()


def test_measure_update_and_delete(world):
    event = make_event(world)
    actor = world.users["enterprise"]
    measure = sr.create_measure(actor, event, kind="management", text="每班巡检两次")
    sr.update_measure(actor, measure, level="team", responsible_person="孙班长")
    measure.refresh_from_db()
    assert (measure.text, measure.level, measure.responsible_person) == ("每班巡检两次", "team", "孙班长")
    sr.delete_measure(actor, measure)
    assert not ControlMeasure.objects.exists()


# --- pages -------------------------------------------------------------------------------------


def login(client, world, who):
    client.force_login(world.users[who])
    return client


@pytest.fixture
def register(world):
    actor = world.users["enterprise"]
    unit = make_unit(world)
    event = make_event(world, unit)
    sr.assess(actor, event, "lec", 6, 40, e_value=6)
    measure = sr.create_measure(actor, event, kind="emergency", text="配备正压式空气呼吸器", level="post")
    return unit, event, measure


@pytest.mark.parametrize("who", ["city", "dept", "town_a", "grid", "inspector", "enterprise"])
def test_pages_render_for_everyone_in_scope(client, world, register, who):
    unit, event, measure = register
    login(client, world, who)
    listing = client.get(reverse("risks:list"))
    assert listing.status_code == 200 and "液氨泄漏中毒" in listing.content.decode()
    page = client.get(reverse("risks:subject", args=[event.subject_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "液氨储罐区" in html and "D = L × E × C = 6 × 6 × 40 = 1440" in html
    assert "风险评价：最高在管风险事件“液氨泄漏中毒”为重大风险（红）" in html
    detail = client.get(reverse("risks:event", args=[event.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and "配备正压式空气呼吸器" in html and "应急处置" in html
    editor = who in ("city", "dept", "town_a", "enterprise")
    assert ('id="assess-form"' in html) == editor
    assert (reverse("risks:measure_edit", args=[measure.pk]) in html) == editor


@pytest.mark.parametrize("who", ["town_b"])
def test_pages_out_of_scope_are_404(client, world, register, who):
    unit, event, measure = register
    login(client, world, who)
    assert "液氨泄漏中毒" not in client.get(reverse("risks:list")).content.decode()
    for url in (
        reverse("risks:subject", args=[event.subject_id]),
        reverse("risks:event", args=[event.pk]),
        reverse("risks:unit_new", args=[event.subject_id]),
        reverse("risks:event_new", args=[unit.pk]),
        reverse("risks:measure_edit", args=[measure.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("risks:event_assess", args=[event.pk]), {"method": "ls"}).status_code == 404


def test_read_only_users_get_403_on_forms(client, world, register):
    unit, event, measure = register
    login(client, world, "grid")
    assert client.get(reverse("risks:unit_new", args=[event.subject_id])).status_code == 403
    answer = client.post(
        reverse("risks:event_assess", args=[event.pk]), {"method": "ls", "ls_l": "1", "ls_s": "1"}
    )
    assert answer.status_code == 403 and RiskAssessment.objects.count() == 1


def test_list_filters(client, world, register):
    unit, event, measure = register
    other = sr.create_event(
        world.users["city"],
        sr.create_unit(world.users["city"], world.subjects["ent_b"], name="商场"),
        name="商场火灾",
        accident_type="fire",
    )
    login(client, world, "city")
    html = client.get(reverse("risks:list"), {"grade": "red"}).content.decode()
    assert "液氨泄漏中毒" in html and "商场火灾" not in html
    html = client.get(reverse("risks:list"), {"grade": "none"}).content.decode()
    assert "商场火灾" in html and "液氨泄漏中毒" not in html
    html = client.get(reverse("risks:list"), {"town": world.town_b.pk}).content.decode()
    assert "商场火灾" in html and "液氨泄漏中毒" not in html
    html = client.get(reverse("risks:list"), {"sector": "industry_trade"}).content.decode()
    assert "液氨泄漏中毒" in html and "商场火灾" not in html
    sr.set_event_active(world.users["city"], other, False)
    html = client.get(reverse("risks:list"), {"active": "1"}).content.decode()
    assert "液氨泄漏中毒" in html and "商场火灾" not in html
    assert client.get(reverse("risks:list"), {"grade": "purple"}).status_code == 400


def test_town_filter_offers_only_towns_in_scope(client, world, register):
    login(client, world, "town_a")
    assert client.get(reverse("risks:list"), {"town": world.town_b.pk}).status_code == 400


def test_assessment_form_saves_and_shows_the_result(client, world, register):
    unit, event, measure = register
    login(client, world, "enterprise")
    answer = client.post(
        reverse("risks:event_assess", args=[event.pk]),
        {"method": "ls", "ls_l": "3", "ls_s": "4"},
        follow=True,
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "风险值 12" in html and "R = L × S = 3 × 4 = 12" in html
    event.refresh_from_db()
    assert event.grade == "yellow"
    bad = client.post(
        reverse("risks:event_assess", args=[event.pk]), {"method": "lec", "lec_l": "6", "lec_c": "40"}
    )
    assert bad.status_code == 422 and "请选择E的取值" in bad.content.decode()
    assert RiskAssessment.objects.filter(event=event).count() == 2


def test_forms_create_unit_event_and_measure(client, world):
    login(client, world, "enterprise")
    subject = world.subjects["ent_a"]
    answer = client.post(
        reverse("risks:unit_new", args=[subject.pk]), {"name": "反应釜", "kind": "installation"}
    )
    assert answer.status_code == 302
    unit = RiskUnit.objects.get()
    answer = client.post(
        reverse("risks:event_new", args=[unit.pk]),
        {"name": "反应釜超压爆炸", "accident_type": "vessel", "is_active": "on"},
    )
    event = RiskEvent.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("risks:event", args=[event.pk])
    item = make_checklist("reactor", items=1).items.get()
    form = client.get(reverse("risks:measure_new", args=[event.pk])).content.decode()
    assert "T-1 检查条目1" in form
    answer = client.post(
        reverse("risks:measure_new", args=[event.pk]),
        {"kind": "engineering", "text": "安全阀定期校验", "level": "workshop", "checklist_item": item.pk},
    )
    assert answer.status_code == 302 and ControlMeasure.objects.get().checklist_item == item
    bad = client.post(reverse("risks:event_new", args=[unit.pk]), {"name": "", "accident_type": "vessel"})
    assert bad.status_code == 422 and RiskEvent.objects.count() == 1


def test_an_enterprise_finds_its_own_register_from_the_list(world):
    client = Client()
    client.force_login(world.users["enterprise"])
    body = client.get(reverse("risks:list")).content.decode()
    assert f'href="{reverse("risks:subject", args=[world.subjects["ent_a"].pk])}"' in body
    client.force_login(world.users["town_a"])
    assert 'id="own-register"' not in client.get(reverse("risks:list")).content.decode()
