"""services_plans: creating, validating and issuing plans; scope of plans; the rule pools."""

import datetime

import pytest
from django.utils import timezone

from anjian.checklists.models import ChecklistVersion
from anjian.core.audit import verify_chain
from anjian.core.models import AuditEntry
from anjian.inspections import services_plans as sp
from anjian.inspections.errors import InspectionError
from anjian.inspections.models import Inspection, InspectionPlan, PlanUnit
from anjian.inspections.targets import plan_pool
from anjian.org.models import Territory, Unit
from anjian.testing import make_checklist, make_subject

TODAY = datetime.date(2025, 3, 10)


@pytest.fixture
def version(db):
    return make_checklist()


def unit(name):
    return Unit.objects.get(name=name)


def fields(world, version, **extra):
    base = {
        "name": "泽国镇工贸企业综合检查",
        "kind": "comprehensive",
        "starts_on": TODAY,
        "ends_on": TODAY + datetime.timedelta(days=30),
        "organiser": unit("泽国镇"),
        "checklist_version": version,
        "target_mode": "rule",
        "target_territories": [world.town_a],
    }
    return {**base, **extra}


def counts():
    return (InspectionPlan.objects.count(), PlanUnit.objects.count(), Inspection.objects.count())


def test_town_creates_a_plan_in_its_town(world, version):
    plan = sp.create_plan(world.users["town_a"], **fields(world, version, target_sectors=["industry_trade"]))
    assert plan.status == "draft" and plan.territory == world.town_a and plan.sector_id == "industry_trade"
    assert list(plan.units.all()) == [unit("泽国镇")]
    assert plan.created_by == world.users["town_a"]
    assert list(plan_pool(plan)) == [world.subjects["ent_a"]]


def test_city_office_plan_sits_at_the_city(world, version):
    plan = sp.create_plan(
        world.users["city"], **fields(world, version, organiser=unit("市应急管理局"), target_territories=[])
    )
    assert plan.territory.level == Territory.Level.CITY
    assert set(plan_pool(plan)) == set(world.subjects.values())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": TODAY - datetime.timedelta(days=1)}, "结束日期不能早于开始日期"),
        ({"name": "  "}, "请填写计划名称"),
        ({"kind": "raid"}, "检查类型“raid”无效"),
        ({"target_mode": "lottery"}, "检查对象的确定方式“lottery”无效"),
        ({"kind": "joint"}, "联合检查须有组织单位以外至少一个参加单位"),
        ({"kind": "joint", "units": ["ORGANISER"]}, "联合检查须有组织单位以外至少一个参加单位"),
        ({"target_mode": "hand"}, "逐个指定检查对象时须至少选择一个对象"),
        ({"target_mode": "hand", "target_subjects": ["ent_b"]}, "所选检查对象不存在或不在您的管辖范围内"),
        ({"target_territories": ["TOWN_B"]}, "辖区“大溪镇”不在您的管辖范围内"),
        ({"target_territories": []}, "请选择检查的辖区（只能在您的管辖范围内）"),
        ({"target_risk_grades": ["red", "purple"]}, "风险等级“purple”无效"),
        ({"not_inspected_months": 0}, "“超过N个月未检查”须为1到120之间的整数"),
        ({"organiser": "BUREAU"}, "组织单位须为您所在的单位：“市应急管理局”不是"),
        ({"checklist_version": "DRAFT"}, "尚未发布，不能用于检查"),
        ({"target_sectors": ["no_such_sector"]}, "行业领域“no_such_sector”不存在"),
    ],
)
def test_bad_plans_are_refused_with_a_message_and_nothing_made(world, version, change, message):
    before = counts()
    draft = ChecklistVersion.objects.create(checklist=version.checklist, number=2)
    names = {
        "ent_b": world.subjects["ent_b"],
        "TOWN_B": world.town_b,
        "BUREAU": unit("市应急管理局"),
        "ORGANISER": unit("泽国镇"),
        "DRAFT": draft,
    }
    resolved = {
        k: ([names.get(v, v) for v in value] if isinstance(value, list) else names.get(value, value))
        for k, value in change.items()
    }
    with pytest.raises(InspectionError) as error:
        sp.create_plan(world.users["town_a"], **fields(world, version, **resolved))
    assert message in error.value.message
    assert counts() == before


@pytest.mark.parametrize("persona", ["grid", "inspector", "enterprise"])
def test_only_planners_plan(world, version, persona):
    with pytest.raises(InspectionError) as error:
        sp.create_plan(world.users[persona], **fields(world, version))
    assert error.value.status == 403 and "您的角色不能制定检查计划" in error.value.message
    assert InspectionPlan.objects.count() == 0


def test_joint_plan_with_another_unit(world, version):
    plan = sp.create_plan(
        world.users["town_a"], **fields(world, version, kind="joint", units=[unit("市应急管理局")])
    )
    assert set(plan.units.values_list("name", flat=True)) == {"泽国镇", "市应急管理局"}
    # The participating bureau sees the plan; the other town does not; an enterprise sees none.
    assert InspectionPlan.objects.visible_to(world.users["dept"]).filter(pk=plan.pk).exists()
    assert not InspectionPlan.objects.visible_to(world.users["town_b"]).exists()
    assert not InspectionPlan.objects.visible_to(world.users["enterprise"]).exists()
    assert InspectionPlan.objects.visible_to(world.users["city"]).filter(pk=plan.pk).exists()


def test_update_plan_only_while_draft(world, version):
    town_a = world.users["town_a"]
    plan = sp.create_plan(town_a, **fields(world, version))
    sp.update_plan(town_a, plan, name="改名后的计划", target_risk_grades=["red"])
    plan.refresh_from_db()
    assert plan.name == "改名后的计划" and plan.target_risk_grades == ["red"]
    sp.update_plan(town_a, plan, target_risk_grades=[])
    with pytest.raises(InspectionError):
        sp.update_plan(town_a, plan, ends_on=TODAY - datetime.timedelta(days=5))
    plan.refresh_from_db()
    assert plan.ends_on == TODAY + datetime.timedelta(days=30)
    with pytest.raises(InspectionError) as error:
        sp.update_plan(world.users["town_b"], plan, name="别人的")
    assert error.value.status == 404
    sp.issue_plan(town_a, plan)
    with pytest.raises(InspectionError) as error:
        sp.update_plan(town_a, plan, name="下达后")
    assert error.value.status == 409


def finished(subject, when, *, is_self=False, version):
    inspection = Inspection.objects.create(
        subject=subject, checklist_version=version, is_self=is_self, status="done", finished_at=when
    )
    return inspection


def test_rule_pools_by_sector_territory_grade_and_months(world, version):
    city = world.users["city"]
    village = world.town_a.children.first()
    red = make_subject("泽国红色化工", village, "hazardous_chemicals", n=11, risk_grade="red")
    blue = make_subject("泽国蓝色化工", village, "hazardous_chemicals", n=12, risk_grade="blue")
    far = make_subject(
        "大溪红色化工", world.town_b.children.first(), "hazardous_chemicals", n=13, risk_grade="red"
    )
    base = fields(world, version, organiser=unit("市安委办"), target_territories=[])

    def pool(**rule):
        plan = sp.create_plan(city, **{**base, **rule})
        return set(plan_pool(plan, today=TODAY))

    assert pool(target_sectors=["hazardous_chemicals"]) == {red, blue, far}
    assert pool(target_sectors=["hazardous_chemicals"], target_territories=[world.town_a]) == {red, blue}
    assert pool(target_risk_grades=["red"]) == {red, far}
    now = timezone.make_aware(datetime.datetime(2025, 3, 1, 10))
    finished(red, now - datetime.timedelta(days=30), version=version)  # inspected a month ago
    finished(blue, now - datetime.timedelta(days=240), version=version)  # eight months ago
    finished(far, now - datetime.timedelta(days=10), is_self=True, version=version)  # self-checks don't count
    assert pool(target_sectors=["hazardous_chemicals"], not_inspected_months=6) == {blue, far}
    # The live preview of the form computes the same rule without a plan.
    preview = sp.rule_pool(target_sectors=["hazardous_chemicals"], target_risk_grades=["red"])
    assert set(preview) == {red, far}


def test_issue_plan_creates_one_inspection_per_target(world, version):
    town_a = world.users["town_a"]
    plan = sp.create_plan(town_a, **fields(world, version))
    inspector, grid = world.users["inspector"], world.users["grid"]
    sp.issue_plan(town_a, plan, inspectors=[inspector, grid])
    plan.refresh_from_db()
    assert plan.status == "issued" and plan.issued_at is not None
    inspections = Inspection.objects.filter(plan=plan)
    assert {i.subject for i in inspections} == {world.subjects["ent_a"], world.subjects["ent_c"]}
    for inspection in inspections:
        assert inspection.status == "planned" and inspection.town == world.town_a
        assert inspection.checklist_version == version and inspection.unit == unit("泽国镇")
        assert set(inspection.inspectors.all()) == {inspector, grid}
        assert inspection.code.startswith("JC")
    # Inserted in bulk through audit.bulk_create: one `create` entry per inspection, naming the
    # actor, and the chain holds.
    entries = AuditEntry.objects.filter(action="create", model="inspections.inspection")
    assert sorted(int(e.object_id) for e in entries) == sorted(i.pk for i in inspections)
    assert {(e.actor_id, e.after["plan_id"]) for e in entries} == {(town_a.pk, plan.pk)}
    assert not AuditEntry.objects.filter(action="bulk").exists()
    assert verify_chain() == AuditEntry.objects.count()
    with pytest.raises(InspectionError) as error:
        sp.issue_plan(town_a, plan)
    assert error.value.status == 409 and Inspection.objects.count() == 2


def test_issue_refuses_an_empty_pool_and_bad_inspectors(world, version):
    town_a = world.users["town_a"]
    empty = sp.create_plan(town_a, **fields(world, version, target_sectors=["mining"]))
    with pytest.raises(InspectionError) as error:
        sp.issue_plan(town_a, empty)
    assert "没有检查对象" in error.value.message
    plan = sp.create_plan(town_a, **fields(world, version))
    with pytest.raises(InspectionError) as error:
        sp.issue_plan(town_a, plan, inspectors=[world.users["enterprise"]])
    assert "没有检查人员的角色" in error.value.message
    assert Inspection.objects.count() == 0
    assert set(InspectionPlan.objects.values_list("status", flat=True)) == {"draft"}


def test_issue_a_draw_plan_only_marks_it(world, version):
    town_a = world.users["town_a"]
    plan = sp.create_plan(town_a, **fields(world, version, target_mode="draw"))
    sp.issue_plan(town_a, plan)
    plan.refresh_from_db()
    assert plan.status == "issued" and Inspection.objects.count() == 0
