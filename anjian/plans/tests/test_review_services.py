"""Review edits on a hand-made parse: units, split, merge, targets, periods, acceptance, who may."""

from datetime import date
from decimal import Decimal

import pytest

from anjian.org.models import Unit
from anjian.plans import services
from anjian.plans.models import ReportingPeriod, Target, Task, TaskUnit, WorkPlan
from anjian.plans.services import PlanError

from .review_helpers import ITEM1, TEXT, small_parse, small_plan

pytestmark = pytest.mark.django_db


def refused(fn, *args, status=422, **kwargs):
    with pytest.raises(PlanError) as caught:
        fn(*args, **kwargs)
    assert caught.value.status == status
    return caught.value.message


def items(plan):
    return list(plan.tasks.filter(level="item").order_by("order"))


def snapshot(plan):
    """Everything review may change, to prove a refused step changed nothing."""
    return (
        list(plan.tasks.order_by("pk").values_list("pk", "number", "text", "order", "parent_id")),
        list(TaskUnit.objects.filter(task__plan=plan).order_by("pk").values_list("pk", "task_id", "unit_id")),
        list(Target.objects.filter(task__plan=plan).order_by("pk").values()),
        list(plan.periods.order_by("pk").values_list("name", "kind", "deadline")),
    )


def test_a_parse_becomes_the_tree_with_units_targets_and_default_periods(world):
    plan = small_plan(world.users["city"])
    assert (plan.title, plan.year, plan.status) == ("2023年某市安全生产工作要点", 2023, "review")
    assert plan.source_text == TEXT and plan.unplaced[0]["text"] == "附件：联系人名单"
    chapter = plan.tasks.get(level="chapter")
    assert [t.number for t in items(plan)] == ["1", "2", "3"]
    assert all(t.parent_id == chapter.pk for t in items(plan))
    first = items(plan)[0]
    assert first.text == ITEM1 and TEXT[first.source_start : first.source_end].startswith("1.开展燃气整治")
    assert sorted((u.name, u.role, u.unit_id is None) for u in first.units.all()) == [
        ("市应急管理局", "lead", False),
        ("市某某局", "cooperate", True),
    ]
    assert [(t.quantity, t.unit, t.what) for t in first.targets.all()] == [
        (Decimal("5.40"), "公里", "城镇燃气老旧管道更新改造"),
        (Decimal("95.00"), "艘", "安全示范渔船"),
    ]
    periods = list(plan.periods.values_list("kind", "deadline"))
    assert periods == [("half_year", date(2023, 6, 15)), ("full_year", date(2023, 12, 15))]


def test_an_unmatched_unit_blocks_acceptance_until_it_is_fixed(world):
    city = world.users["city"]
    plan = small_plan(city)
    message = refused(services.accept_plan, city, plan)
    assert "市某某局" in message and "1 个" in message
    assert WorkPlan.objects.get(pk=plan.pk).status == "review"
    loose = TaskUnit.objects.get(task__plan=plan, unit=None)
    services.set_unit(city, loose, Unit.objects.get(name="市住房和城乡建设局"))
    accepted = services.accept_plan(city, plan)
    assert accepted.status == "accepted" and accepted.accepted_at is not None
    # Once accepted the tree is fixed.
    assert "已确认" in refused(services.remove_unit, city, loose, status=409)
    assert "已确认" in refused(services.accept_plan, city, plan, status=409)


def test_a_plan_without_tasks_cannot_be_accepted(world):
    plan = WorkPlan.objects.create(title="空", year=2023, source_text="x")
    assert "没有任何任务" in refused(services.accept_plan, world.users["city"], plan)


def test_units_set_add_and_remove_with_their_refusals(world):
    city = world.users["city"]
    plan = small_plan(city)
    first = items(plan)[0]
    loose = first.units.get(unit=None)
    bureau = Unit.objects.get(name="市应急管理局")
    before = snapshot(plan)
    assert "已是该任务的责任单位" in refused(services.set_unit, city, loose, bureau)
    assert "请选择" in refused(services.set_unit, city, loose, None)
    assert "已是该任务的责任单位" in refused(services.add_unit, city, first, bureau, "lead")
    assert "职责" in refused(services.add_unit, city, first, Unit.objects.get(name="泽国镇"), "boss")
    assert snapshot(plan) == before
    added = services.add_unit(city, first, Unit.objects.get(name="泽国镇"), "cooperate")
    assert (added.name, added.role) == ("泽国镇", "cooperate")
    services.remove_unit(city, loose)
    assert sorted(first.units.values_list("name", flat=True)) == ["市应急管理局", "泽国镇"]


def test_split_keeps_units_and_sends_each_target_to_the_part_that_states_it(world):
    city = world.users["city"]
    plan = small_plan(city)
    first = items(plan)[0]
    at = ITEM1.index("高质量")
    new = services.split_task(city, first, at)
    first.refresh_from_db()
    assert [t.number for t in items(plan)] == ["1", "1-2", "2", "3"]
    assert (new.parent_id, new.level) == (first.parent_id, "item")
    assert first.text == ITEM1[:at] and new.text == ITEM1[at:]
    assert new.title == "高质量培育建设安全示范渔船95艘。"
    assert list(first.targets.values_list("what", flat=True)) == ["城镇燃气老旧管道更新改造"]
    assert list(new.targets.values_list("what", flat=True)) == ["安全示范渔船"]
    assert sorted(new.units.values_list("name", "role")) == sorted(first.units.values_list("name", "role"))
    # The two parts' source spans meet where the text was split.
    assert first.source_end == new.source_start and TEXT[new.source_start :].startswith("高质量")
    # A second split of the same item numbers the next part 1-3.
    assert services.split_task(city, first, ITEM1.index("完成")).number == "1-3"


def test_split_at_a_bad_offset_changes_nothing(world):
    city = world.users["city"]
    plan = small_plan(city)
    first = items(plan)[0]
    before = snapshot(plan)
    for at in (0, len(ITEM1), -3, 999, "x", None):
        assert "拆分" in refused(services.split_task, city, first, at)
    assert snapshot(plan) == before


def test_merge_unites_text_units_and_targets_of_adjacent_siblings(world):
    city = world.users["city"]
    plan = small_plan(city)
    one, two, three = items(plan)
    assert "相邻" in refused(services.merge_tasks, city, one, three)
    assert "同一层级" in refused(services.merge_tasks, city, one, plan.tasks.get(level="chapter"))
    assert "自身" in refused(services.merge_tasks, city, one, one)
    # Either order: the earlier one stays.
    merged = services.merge_tasks(city, two, one)
    assert merged.pk == one.pk and not Task.objects.filter(pk=two.pk).exists()
    assert merged.text.startswith("开展燃气整治") and merged.text.endswith("组织安全生产月活动。")
    # 市应急管理局 was on both: once; 泽国镇 and the unmatched name come along.
    assert sorted(merged.units.values_list("name", flat=True)) == ["市应急管理局", "市某某局", "泽国镇"]
    assert merged.targets.count() == 2
    assert [t.number for t in items(plan)] == ["1", "3"]
    assert merged.source_end == two.source_end


def test_target_edits_check_quantity_and_what(world):
    city = world.users["city"]
    plan = small_plan(city)
    target = Target.objects.get(task__plan=plan, what="安全示范渔船")
    before = snapshot(plan)
    assert "正数" in refused(services.edit_target, city, target, quantity="-3")
    assert "正数" in refused(services.edit_target, city, target, quantity="0")
    assert "不是数字" in refused(services.edit_target, city, target, quantity="九十五")
    assert "指标内容" in refused(services.edit_target, city, target, what="  ")
    assert "没有字段" in refused(services.edit_target, city, target, colour="red")
    assert snapshot(plan) == before
    services.edit_target(city, target, quantity="96", comparison="以上", deadline="年底前")
    target.refresh_from_db()
    assert (target.quantity, target.what, target.comparison, target.deadline) == (
        Decimal("96"),
        "安全示范渔船",
        "以上",
        "年底前",
    )
    task = items(plan)[1]
    added = services.add_target(city, task, quantity="90", unit="%", what="覆盖率")
    assert (added.quantity, added.unit) == (Decimal("90"), "%")
    assert "指标内容" in refused(services.add_target, city, task, quantity="1", what="")
    services.delete_target(city, added)
    assert not task.targets.exists()


def test_only_the_office_may_import_or_review(world):
    city = world.users["city"]
    plan = small_plan(city)
    first = items(plan)[0]
    target = first.targets.first()
    for persona in ("town_a", "dept", "sector", "grid", "enterprise"):
        user = world.users[persona]
        assert "市安委办" in refused(services.create_plan, user, TEXT, small_parse(), status=403)
        refused(services.import_plan, user, TEXT, status=403)
        refused(services.edit_target, user, target, quantity="1", status=403)
        refused(services.split_task, user, first, 3, status=403)
        refused(services.accept_plan, user, plan, status=403)
        refused(services.set_periods, user, plan, [], status=403)
    assert WorkPlan.objects.count() == 1


def test_create_refuses_a_parse_without_chapters_or_year_and_saves_nothing(world):
    city = world.users["city"]
    empty = small_parse() | {"nodes": []}
    assert "章节" in refused(services.create_plan, city, TEXT, empty)
    yearless = small_parse() | {"year": None, "title": "某市安全生产工作要点"}
    assert "年度" in refused(services.create_plan, city, TEXT, yearless)
    assert "年度" in refused(services.create_plan, city, TEXT, small_parse(), year="二零二三")
    assert WorkPlan.objects.count() == 0 and Task.objects.count() == 0 and TaskUnit.objects.count() == 0
    # A year given, or one written in the title, is enough.
    assert services.create_plan(city, TEXT, yearless, year=2024).year == 2024
    assert services.create_plan(city, TEXT, yearless, title="2025年某市安全生产工作要点").year == 2025


def test_a_bad_target_in_the_parse_leaves_no_half_plan(world):
    parse = small_parse()
    parse["nodes"][0]["children"][2]["targets"] = [{"quantity": 0, "unit": "个", "what": "x"}]
    refused(services.create_plan, world.users["city"], TEXT, parse)
    assert (
        WorkPlan.objects.count() == 0 and Task.objects.count() == 0 and ReportingPeriod.objects.count() == 0
    )


def test_periods_are_configured_and_bad_ones_refused(world):
    city = world.users["city"]
    plan = small_plan(city)
    half, full = plan.periods.order_by("deadline")
    before = snapshot(plan)
    bad_date = [{"id": half.pk, "name": "半年度", "kind": "half_year", "deadline": "2023-02-30"}]
    assert "截止日期" in refused(services.set_periods, city, plan, bad_date)
    assert "重复" in refused(
        services.set_periods,
        city,
        plan,
        [{"name": "全年", "kind": "full_year", "deadline": "2023-12-15"}] * 2,
    )
    assert "至少" in refused(services.set_periods, city, plan, [])
    assert "类型" in refused(
        services.set_periods, city, plan, [{"name": "a", "kind": "x", "deadline": "2023-01-01"}]
    )
    assert snapshot(plan) == before
    services.set_periods(
        city,
        plan,
        [
            {"id": half.pk, "name": "半年度", "kind": "half_year", "deadline": "2023-06-20"},
            {"name": "第三季度", "kind": "other", "deadline": date(2023, 9, 30)},
        ],
    )
    assert list(plan.periods.values_list("name", "deadline")) == [
        ("半年度", date(2023, 6, 20)),
        ("第三季度", date(2023, 9, 30)),
    ]
    assert plan.periods.get(name="半年度").pk == half.pk
