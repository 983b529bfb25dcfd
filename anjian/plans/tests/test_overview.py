"""Overview numbers on the small hand-made plan of overview_helpers (numbers worked out by hand),
and every drill list agreeing with the number it explains."""

from decimal import Decimal

import pytest

from anjian.core import audit
from anjian.plans import overview as ov
from anjian.plans.models import ProgressReport, Target, TargetProgress, Task, TaskUnit

from .overview_helpers import AFTER_HALF, BEFORE_HALF, HALF_DEADLINE, at, build_small_plan


@pytest.fixture
def small(world):
    return build_small_plan()


def counts(row):
    return {k: v for k, v in row["counts"].items() if v}


def test_status_per_task_after_the_deadline(small):
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    t = small.tasks
    # The chapter and the item split into sub-points are not tasks of their own.
    assert [task.pk for task in snap.tracked] == [t["t1"].pk, t["t2"].pk, t["p1"].pk, t["p2"].pk]
    # Late comes first: a unit that has not reported on time makes the task late, whatever the
    # others reported.
    assert snap.status == {
        t["t1"].pk: ov.LATE,  # 大溪镇 never reported, though the lead consolidated "done"
        t["t2"].pk: ov.LATE,  # 港航局 reported on 20 June, after the 15 June deadline
        t["p1"].pk: ov.AT_RISK,  # reported on the deadline day: in time; the lead's report decides
        t["p2"].pk: ov.LATE,  # nothing reported and the deadline has passed
    }
    # On the deadline day nothing is late yet: the reports decide.
    assert ov.load(small.plan, small.half, today=HALF_DEADLINE).status == {
        t["t1"].pk: ov.DONE,  # the lead's consolidated report decides
        t["t2"].pk: ov.ON_TRACK,  # no lead: the worst of the two sharing units' reports
        t["p1"].pk: ov.AT_RISK,
        t["p2"].pk: ov.NOT_STARTED,
    }


def test_before_the_deadline_nothing_is_late(small):
    snap = ov.load(small.plan, small.half, today=BEFORE_HALF)
    assert snap.status[small.tasks["p2"].pk] == ov.NOT_STARTED
    assert all(row["late"] == 0 for row in ov.by_unit(snap) if row["unit"].name != "市港航口岸和渔业管理局")


def test_missing_lead_after_the_deadline_is_late(small):
    # Both cooperating units report in time, but without the consolidated report the lead has not
    # reported.
    ProgressReport.objects.create(
        task=small.tasks["t1"],
        unit=small.units["daxi"],
        period=small.half,
        status=ProgressReport.Status.ON_TRACK,
        text="大溪镇组织学习2次。",
        submitted_at=at(6, 13),
    )
    small.reports["t1_yjj"].delete()
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    assert snap.status[small.tasks["t1"].pk] == ov.LATE
    assert ov.load(small.plan, small.half, today=BEFORE_HALF).status[small.tasks["t1"].pk] == ov.ON_TRACK


def test_all_units_done_is_done(small):
    # 港航局 reports in time too; one sharing unit still on track keeps the task on track.
    audit.update(ProgressReport.objects.filter(pk=small.reports["t2_gh"].pk), submitted_at=at(6, 15))
    audit.update(
        ProgressReport.objects.filter(pk=small.reports["t2_yjj"].pk), status=ProgressReport.Status.DONE
    )
    assert ov.load(small.plan, small.half, today=AFTER_HALF).status[small.tasks["t2"].pk] == ov.ON_TRACK
    audit.update(ProgressReport.objects.filter(task=small.tasks["t2"]), status=ProgressReport.Status.DONE)
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    assert snap.status[small.tasks["t2"].pk] == ov.DONE


def test_by_chapter(small):
    rows = ov.by_chapter(ov.load(small.plan, small.half, today=AFTER_HALF))
    assert [row["chapter"].number for row in rows] == ["一", "二"]
    assert counts(rows[0]) == {ov.LATE: 2}  # 1. (大溪镇 missing) and 2. (港航局 after the deadline)
    assert counts(rows[1]) == {ov.AT_RISK: 1, ov.LATE: 1}
    assert [row["total"] for row in rows] == [2, 2]


def test_by_unit(small):
    rows = {row["unit"].name: row for row in ov.by_unit(ov.load(small.plan, small.half, today=AFTER_HALF))}
    as_tuple = {name: (r["responsible"], r["reported"], r["missing"], r["late"]) for name, r in rows.items()}
    assert as_tuple == {
        "市应急管理局": (2, 2, 0, 0),
        "泽国镇": (1, 1, 0, 0),
        "大溪镇": (1, 0, 1, 1),  # never reported, deadline passed
        "市港航口岸和渔业管理局": (1, 1, 0, 1),  # reported on 20 June, after 15 June
        "市住房和城乡建设局": (1, 1, 0, 0),  # on the deadline day is in time
        "市消防救援支队": (1, 0, 1, 1),
    }
    # The most late first.
    assert [r["late"] for r in ov.by_unit(ov.load(small.plan, small.half, today=AFTER_HALF))][:3] == [1, 1, 1]


def test_by_target_sums_units_and_averages_percentages(small):
    rows = {
        row["target"].what: row for row in ov.by_target(ov.load(small.plan, small.half, today=AFTER_HALF))
    }
    boats = rows["安全示范渔船"]
    assert boats["reported"] == Decimal(61) and boats["source"] == "units"
    assert boats["percent"] == 64.2  # 61 / 95
    assert rows["规上企业标准化建设"]["reported"] == Decimal(85)  # mean of 80 % and 90 %
    assert rows["城镇燃气老旧管道更新改造"]["reported"] == Decimal(2)
    assert rows["城镇燃气老旧管道更新改造"]["percent"] == 37.0  # 2 / 5.4


def test_consolidated_figure_replaces_the_sum(small):
    consolidated = small.reports["t2_gh"]
    consolidated.consolidated = True
    consolidated.save()
    audit.update(TargetProgress.objects.filter(report=consolidated, target=small.targets["boats"]), value=70)
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    row, contributors = ov.target_drill(snap, small.targets["boats"].pk)
    assert (row["reported"], row["source"]) == (Decimal(70), "consolidated")
    assert [(r.pk, v) for r, v in contributors] == [(consolidated.pk, Decimal(70))]


def test_summary(small):
    summary = ov.summary(ov.load(small.plan, small.half, today=AFTER_HALF))
    assert summary["tasks"] == 4
    assert summary["reports"] == 5
    assert summary["units"] == 6 and summary["units_late"] == 3
    assert summary["counts"] == {ov.DONE: 0, ov.ON_TRACK: 0, ov.AT_RISK: 1, ov.LATE: 3, ov.NOT_STARTED: 0}


def test_chapter_drill_matches_counts(small):
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    for row in ov.by_chapter(snap):
        for status, n in row["counts"].items():
            lines = ov.chapter_drill(snap, row["chapter"].pk, status)
            assert len(lines) == n
            assert all(line.status == status and line.chapter == row["chapter"] for line in lines)
    late = ov.chapter_drill(snap, small.tasks["ch2"].pk, ov.LATE)
    assert [line.task for line in late] == [small.tasks["p2"]]
    assert [u.name for u in late[0].missing] == ["市消防救援支队"]
    first, second = ov.chapter_drill(snap, small.tasks["ch1"].pk, ov.LATE)
    assert (first.task, second.task) == (small.tasks["t1"], small.tasks["t2"])
    assert {r.pk for r in first.reports} == {small.reports["t1_yjj"].pk, small.reports["t1_zeguo"].pk}
    assert [u.name for u in first.missing] == ["大溪镇"]
    # 2. is late for a report after the deadline, not a missing one.
    assert second.missing == [] and [r.is_late for r in second.reports] == [False, True]


def test_unit_drill_matches_counts(small):
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    for row in ov.by_unit(snap):
        unit = row["unit"].pk
        assert len(ov.unit_drill(snap, unit)) == row["responsible"]
        assert len(ov.unit_drill(snap, unit, ov.UNIT_REPORTED)) == row["reported"]
        assert len(ov.unit_drill(snap, unit, ov.UNIT_MISSING)) == row["missing"]
        assert len(ov.unit_drill(snap, unit, ov.UNIT_LATE)) == row["late"]
    # A unit's drill shows only its own report.
    lines = ov.unit_drill(snap, small.units["yjj"].pk)
    assert [[r.pk for r in line.reports] for line in lines] == [
        [small.reports["t1_yjj"].pk],
        [small.reports["t2_yjj"].pk],
    ]


def test_target_drill_adds_up(small):
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    for row in ov.by_target(snap):
        drilled, contributors = ov.target_drill(snap, row["target"].pk)
        assert drilled["reported"] == row["reported"]
        if row["target"].unit != "%" and contributors:
            assert sum(v for _r, v in contributors) == row["reported"]
    _row, contributors = ov.target_drill(snap, small.targets["boats"].pk)
    assert sorted(r.unit.name for r, _v in contributors) == ["市应急管理局", "市港航口岸和渔业管理局"]
    assert ov.target_drill(snap, 10**9) == (None, [])


def test_other_period_is_empty(small):
    snap = ov.load(small.plan, small.full, today=AFTER_HALF)
    assert set(snap.status.values()) == {ov.NOT_STARTED}
    assert all(row["reported"] is None for row in ov.by_target(snap))


def test_a_few_queries_whatever_the_size(small, django_assert_max_num_queries):
    chapter = small.tasks["ch2"]
    for n in range(10):
        task = Task.objects.create(
            plan=small.plan, parent=chapter, level="item", number=str(10 + n), order=50 + n
        )
        TaskUnit.objects.create(task=task, name="市消防救援支队", unit=small.units["xf"], role="lead")
        report = ProgressReport.objects.create(
            task=task,
            unit=small.units["xf"],
            period=small.half,
            status="on_track",
            text="…",
            submitted_at=at(6, 1),
        )
        TargetProgress.objects.create(report=report, target=small.targets["pipe"], value=1)
    with django_assert_max_num_queries(5):
        snap = ov.load(small.plan, small.half, today=AFTER_HALF)
        ov.summary(snap), ov.by_chapter(snap), ov.by_target(snap), ov.chart_data(snap)
        for row in ov.by_unit(snap):
            ov.unit_drill(snap, row["unit"].pk)
        for row in ov.by_chapter(snap):
            ov.chapter_drill(snap, row["chapter"].pk)
    assert len(snap.tracked) == 14


def test_default_period(small):
    assert ov.default_period(small.plan, today=AFTER_HALF) == small.half  # the latest with reports
    ProgressReport.objects.all().delete()
    assert ov.default_period(small.plan, today=AFTER_HALF) == small.full  # the next one due
    assert ov.default_period(small.plan, today=BEFORE_HALF) == small.half


def test_sub_point_without_units_is_counted_under_its_item(small):
    # A sub-point of 2. naming no unit: not a task of its own; its target's figure comes with 2.'s
    # reports (3 and 4 km from the two sharing units).
    point = Task.objects.create(
        plan=small.plan, parent=small.tasks["t2"], level="point", number="一是", title="渔港改造", order=4
    )
    quay = Target.objects.create(task=point, quantity=Decimal(10), unit="公里", what="渔港岸线改造", order=1)
    TargetProgress.objects.create(report=small.reports["t2_gh"], target=quay, value=3)
    TargetProgress.objects.create(report=small.reports["t2_yjj"], target=quay, value=4)
    snap = ov.load(small.plan, small.half, today=AFTER_HALF)
    assert point.pk not in snap.status and len(snap.tracked) == 4
    row = next(r for r in ov.by_target(snap) if r["target"] == quay)
    assert (row["reported"], row["source"], row["percent"], row["task"]) == (Decimal(7), "units", 70.0, point)
