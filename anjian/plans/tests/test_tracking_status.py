"""Task status at the deadline boundary, status counts in a few queries, and the reminders list.

The reports are submitted through the service and then dated where a case needs them (the
deadline day late in the evening, or just after midnight)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.core import audit
from anjian.org.models import Unit
from anjian.plans import services_tracking as st
from anjian.plans.models import ProgressReport, ReportingPeriod, Task, TaskUnit, UnitRole, WorkPlan

from .tracking_helpers import build_tiny_plan, unit_user

TZ = ZoneInfo("Asia/Shanghai")
ON, RISK, DONE = "on_track", "at_risk", "done"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def tiny(world):
    return build_tiny_plan()


def report(tiny, user, task_key, status, when=None, consolidated=False):
    task = tiny.tasks[task_key]
    if consolidated:
        made = st.consolidate(user, task, tiny.half, status=status, text="汇总")
    else:
        made = st.submit_report(user, task, tiny.half, status=status, text="进展")
    if when is not None:
        audit.update(ProgressReport.objects.filter(pk=made.pk), submitted_at=when)
    return made


def evening_of(day):
    return datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=TZ)


def just_after(day):
    return datetime.datetime.combine(day + DAY, datetime.time(0, 10), tzinfo=TZ)


def status(tiny, key, today):
    return st.task_status(tiny.tasks[key], tiny.half, today=today)


def test_no_report_is_not_started_up_to_the_deadline_day_then_late(tiny):
    deadline = tiny.half.deadline
    assert status(tiny, "t1", deadline - DAY) == st.NOT_STARTED
    assert status(tiny, "t1", deadline) == st.NOT_STARTED
    assert status(tiny, "t1", deadline + DAY) == st.LATE


def test_all_units_on_time_on_the_deadline_evening_is_not_late(tiny, world):
    deadline = tiny.half.deadline
    for persona in ("town_a", "town_b"):
        report(tiny, world.users[persona], "t1", ON, evening_of(deadline))
    report(tiny, world.users["dept"], "t1", DONE, evening_of(deadline))
    assert status(tiny, "t1", deadline + DAY) == DONE  # the lead's report decides


def test_one_unit_reporting_just_after_the_deadline_makes_the_task_late(tiny, world):
    deadline = tiny.half.deadline
    report(tiny, world.users["town_a"], "t1", ON, evening_of(deadline))
    report(tiny, world.users["dept"], "t1", DONE, evening_of(deadline))
    late = report(tiny, world.users["town_b"], "t1", ON, just_after(deadline))
    assert st.is_late(ProgressReport.objects.get(pk=late.pk))
    assert status(tiny, "t1", deadline) == DONE  # on the deadline day nothing is late yet
    assert status(tiny, "t1", deadline + DAY) == st.LATE


def test_a_unit_missing_after_the_deadline_makes_the_task_late_even_if_consolidated(tiny, world):
    deadline = tiny.half.deadline
    report(tiny, world.users["town_a"], "t1", ON, evening_of(deadline))
    report(tiny, world.users["dept"], "t1", DONE, evening_of(deadline), consolidated=True)
    assert status(tiny, "t1", deadline) == DONE
    assert status(tiny, "t1", deadline + DAY) == st.LATE  # 大溪镇 never reported


def test_consolidated_report_decides_over_the_units(tiny, world):
    report(tiny, world.users["town_a"], "t1", RISK)
    report(tiny, world.users["town_b"], "t1", RISK)
    report(tiny, world.users["dept"], "t1", ON, consolidated=True)
    assert status(tiny, "t1", tiny.today) == ON


def test_lead_report_decides_without_consolidation(tiny, world):
    report(tiny, world.users["town_a"], "t1", RISK)
    report(tiny, world.users["dept"], "t1", ON)
    assert status(tiny, "t1", tiny.today) == ON
    report(tiny, world.users["dept"], "t1", RISK)
    assert status(tiny, "t1", tiny.today) == RISK


def test_without_a_lead_the_worst_report_decides(tiny, world):
    zj = unit_user(tiny, "zj")
    report(tiny, zj, "t2", DONE)
    # 应急局 has not reported yet: not done until every unit says so.
    assert status(tiny, "t2", tiny.today) == ON
    report(tiny, world.users["dept"], "t2", DONE)
    assert status(tiny, "t2", tiny.today) == DONE
    report(tiny, zj, "t2", RISK)
    assert status(tiny, "t2", tiny.today) == RISK


def test_sub_point_without_units_has_no_status_of_its_own_its_item_is_late(tiny, world):
    # 2.一是 is reported on under 2.: 2. is late when one of its units misses the deadline.
    report(tiny, unit_user(tiny, "zj"), "t2", DONE)
    assert tiny.tasks["p1"].pk not in st.plan_statuses(tiny.plan, tiny.half, tiny.half.deadline + DAY)
    assert status(tiny, "t2", tiny.half.deadline) == ON
    assert status(tiny, "t2", tiny.half.deadline + DAY) == st.LATE  # 应急局 has not reported
    report(tiny, world.users["dept"], "t2", DONE)
    assert status(tiny, "t2", tiny.half.deadline + DAY) == DONE


def test_plan_statuses_agree_with_task_status(tiny, world):
    report(tiny, world.users["dept"], "t1", RISK)
    report(tiny, world.users["city"], "t3", DONE)
    for today in (tiny.today, tiny.half.deadline + DAY):
        bulk = st.plan_statuses(tiny.plan, tiny.half, today)
        # 2.一是 names no unit: not a task of its own.
        assert set(bulk) == {tiny.tasks[k].pk for k in ("t1", "t2", "p2", "t3")}
        for key in ("t1", "t2", "p2", "t3"):
            assert bulk[tiny.tasks[key].pk] == status(tiny, key, today)
    counts = st.status_counts(tiny.plan, tiny.half, tiny.today)
    assert counts == {st.NOT_STARTED: 2, st.ON_TRACK: 0, st.AT_RISK: 1, st.DONE: 1, st.LATE: 0}
    after = st.status_counts(tiny.plan, tiny.half, tiny.half.deadline + DAY)
    # 1 misses its towns, 2 and 2.二是 have no report; 3 (the office alone) is done on time.
    assert (after[st.LATE], after[st.DONE]) == (3, 1)


def test_status_counts_take_a_few_queries_for_a_large_plan(world):
    plan = WorkPlan.objects.create(
        title="大计划", year=2023, status=WorkPlan.Status.ACCEPTED, source_text="…"
    )
    period = ReportingPeriod.objects.create(
        plan=plan, kind="half_year", name="半年度", deadline=datetime.date(2023, 6, 15)
    )
    units = list(Unit.objects.order_by("pk")[:40])
    assert len(units) == 40
    tasks = audit.bulk_create(
        Task,
        (
            Task(plan=plan, level=Task.Level.ITEM, number=str(n), title=f"任务{n}", order=n)
            for n in range(100)
        ),
    )
    audit.bulk_create(
        TaskUnit,
        (
            TaskUnit(task=t, name=u.name, unit=u, role=UnitRole.LEAD if i == 0 else UnitRole.COOPERATE)
            for t in tasks
            for i, u in enumerate(units)
        ),
    )
    audit.bulk_create(
        ProgressReport,
        (
            ProgressReport(
                task=t,
                unit=units[0],
                period=period,
                status=DONE,
                text="完成",
                submitted_at=evening_of(period.deadline),
            )
            for t in tasks[:30]
        ),
    )
    with CaptureQueriesContext(connection) as queries:
        counts = st.status_counts(plan, period, today=period.deadline)
    assert len(queries) <= 4
    assert counts[DONE] == 30 and counts[st.NOT_STARTED] == 70


# --- reminders ------------------------------------------------------------------------------------


def by_unit(rows):
    return {(r.unit.name, r.period.name): r for r in rows}


def test_reminders_for_a_period_due_within_n_days(world):
    tiny = build_tiny_plan(half_in_days=5)
    st.submit_report(world.users["dept"], tiny.tasks["t1"], tiny.half, status=ON, text="x")
    rows = by_unit(st.due_reminders(tiny.plan, days=7))
    assert {name for name, _p in rows} == {
        "市应急管理局",
        "泽国镇",
        "大溪镇",
        "市住房和城乡建设局",
        "市消防救援支队",
        "市安委办",
    }
    assert {p for _n, p in rows} == {"半年度"}  # 全年 is months away
    yjj = rows[("市应急管理局", "半年度")]
    # 2. only: 1. is reported, and 2.一是 is reported on under 2.
    assert (yjj.missing, yjj.days_left, yjj.days_late, yjj.overdue) == (1, 5, 0, False)
    assert rows[("市住房和城乡建设局", "半年度")].missing == 1
    assert st.due_reminders(tiny.plan, days=4) == []


def test_reminders_for_an_overdue_period_and_units_that_reported_everything(world):
    tiny = build_tiny_plan(half_in_days=-4)
    st.submit_report(world.users["city"], tiny.tasks["t3"], tiny.half, status=DONE, text="x")
    rows = by_unit(st.due_reminders(tiny.plan, days=0))
    assert ("市安委办", "半年度") not in rows
    daxi = rows[("大溪镇", "半年度")]
    assert (daxi.missing, daxi.days_left, daxi.days_late, daxi.overdue) == (1, -4, 4, True)


def test_reminder_counts_a_late_report_as_reported(world):
    tiny = build_tiny_plan(half_in_days=-1)
    st.submit_report(world.users["town_b"], tiny.tasks["t1"], tiny.half, status=ON, text="补报")
    assert ("大溪镇", "半年度") not in by_unit(st.due_reminders(tiny.plan))
