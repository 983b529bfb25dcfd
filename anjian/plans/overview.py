"""Completion of a work plan for one reporting period: by chapter, by unit and by target, and the
tasks and reports behind every number (the drill-down).

Everything is computed from one `Snapshot`, loaded in a fixed handful of queries (tasks, their
units, the period's reports, their figures, the targets) whatever the size of the plan; the
summaries and drill lists are then plain Python over it, so a number and its drill list can never
disagree.

Which tasks count: an item or sub-point with at least one matched responsible unit (a chapter is a
heading, not work). The status of a task in a period is the tracking pages' own
(`rules.status_of`), so the overview and the tracking pages never disagree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ProgressReport, ReportingPeriod, Target, TargetProgress, Task, TaskUnit, UnitRole
from .rules import status_of

NOT_STARTED, ON_TRACK, AT_RISK, DONE, LATE = "not_started", "on_track", "at_risk", "done", "late"
STATUSES = (DONE, ON_TRACK, AT_RISK, LATE, NOT_STARTED)
STATUS_LABELS = {
    DONE: _("已完成"),
    ON_TRACK: _("按计划推进"),
    AT_RISK: _("存在风险"),
    LATE: _("逾期"),
    NOT_STARTED: _("未报送"),
}
# Unit-level drill filters (a unit's own reports, not the task's status).
UNIT_REPORTED, UNIT_MISSING, UNIT_LATE = "reported", "missing", "late"
ROLE_RANK = {UnitRole.LEAD: 0, UnitRole.SHARE: 1, UnitRole.COOPERATE: 2}


@dataclass
class Snapshot:
    plan: object
    period: object
    today: object
    tasks: dict  # id → Task, every node of the plan
    tracked: list  # the tasks that count, in plan order
    roles: dict  # task id → {unit id: role}, the strongest role when a unit is named twice
    units: dict  # unit id → Unit
    reports: dict  # task id → [ProgressReport]
    figures: dict  # report id → {target id: value}
    targets: list
    status: dict = field(default_factory=dict)  # task id → status

    @property
    def past_deadline(self):
        return self.today > self.period.deadline

    def chapter_of(self, task):
        node = task
        while node.parent_id and node.level != Task.Level.CHAPTER:
            node = self.tasks[node.parent_id]
        return node if node.level == Task.Level.CHAPTER else None

    def is_late_report(self, report):
        return report.is_late  # set by load(): submitted after the period's deadline

    def reported_under(self, task_id):
        """The task whose reports carry the figures of `task_id`'s targets: itself, or for a sub-point
        that is not a task of its own, its item (services_tracking.report_targets)."""
        if task_id in self.roles:
            return task_id
        task = self.tasks[task_id]
        if task.level == Task.Level.POINT and task.parent_id in self.roles:
            return task.parent_id
        return task_id

    def unit_report(self, task_id, unit_id):
        for report in self.reports.get(task_id, ()):
            if report.unit_id == unit_id:
                return report
        return None


def default_period(plan, today=None):
    """The period to show when none is asked for: the latest one with reports, else the next one
    due, else the last one."""
    today = today or timezone.localdate()
    periods = list(plan.periods.order_by("deadline"))
    if not periods:
        return None
    with_reports = set(
        ProgressReport.objects.filter(period__plan=plan).values_list("period_id", flat=True).distinct()
    )
    reported = [p for p in periods if p.pk in with_reports]
    if reported:
        return reported[-1]
    upcoming = [p for p in periods if p.deadline >= today]
    return upcoming[0] if upcoming else periods[-1]


def load(plan, period, today=None):
    """Read what the overview needs for `plan` in `period` (five queries)."""
    if period.plan_id != plan.pk:
        raise ReportingPeriod.DoesNotExist("period of another plan")
    tasks = {t.pk: t for t in Task.objects.filter(plan=plan).order_by("order", "id")}
    roles, units = defaultdict(dict), {}
    for tu in TaskUnit.objects.filter(task__plan=plan, unit__isnull=False).select_related("unit"):
        have = roles[tu.task_id].get(tu.unit_id)
        if have is None or ROLE_RANK[tu.role] < ROLE_RANK[have]:
            roles[tu.task_id][tu.unit_id] = tu.role
        units[tu.unit_id] = tu.unit
    reports = defaultdict(list)
    rows = ProgressReport.objects.filter(task__plan=plan, period=period).select_related(
        "unit", "submitted_by"
    )
    for report in rows.order_by("submitted_at", "id"):
        report.is_late = timezone.localdate(report.submitted_at) > period.deadline
        reports[report.task_id].append(report)
        units.setdefault(report.unit_id, report.unit)
    figures = defaultdict(dict)
    for tp in TargetProgress.objects.filter(report__period=period, report__task__plan=plan):
        figures[tp.report_id][tp.target_id] = tp.value
    targets = list(Target.objects.filter(task__plan=plan).order_by("task__order", "order", "id"))
    tracked = [t for t in tasks.values() if t.level != Task.Level.CHAPTER and roles.get(t.pk)]
    snap = Snapshot(
        plan=plan,
        period=period,
        today=today or timezone.localdate(),
        tasks=tasks,
        tracked=tracked,
        roles=dict(roles),
        units=units,
        reports=dict(reports),
        figures=dict(figures),
        targets=targets,
    )
    snap.status = {
        t.pk: status_of(snap.roles[t.pk], snap.reports.get(t.pk, []), period.deadline, snap.today)
        for t in tracked
    }
    return snap


# --- summaries ---------------------------------------------------------------------------------


def summary(snap):
    counts = {s: 0 for s in STATUSES}
    for status in snap.status.values():
        counts[status] += 1
    unit_rows = by_unit(snap)
    return {
        "tasks": len(snap.tracked),
        "counts": counts,
        "reports": sum(len(v) for v in snap.reports.values()),
        "units": len(unit_rows),
        "units_late": sum(1 for row in unit_rows if row["late"]),
    }


def by_chapter(snap):
    """One row per chapter (in plan order): its tracked tasks counted by status."""
    rows, index = [], {}
    for task in snap.tracked:
        chapter = snap.chapter_of(task)
        key = chapter.pk if chapter else None
        if key not in index:
            index[key] = len(rows)
            rows.append({"chapter": chapter, "counts": {s: 0 for s in STATUSES}, "total": 0})
        row = rows[index[key]]
        row["counts"][snap.status[task.pk]] += 1
        row["total"] += 1
    rows.sort(key=lambda row: row["chapter"].order if row["chapter"] else -1)
    return rows


def by_unit(snap):
    """One row per responsible unit: tasks it answers for, how many it reported on, how many it
    missed or reported after the deadline (late), sorted with the most late first."""
    rows = {}
    for task in snap.tracked:
        for unit_id in snap.roles[task.pk]:
            row = rows.setdefault(
                unit_id, {"unit": snap.units[unit_id], "responsible": 0, "reported": 0, "late": 0}
            )
            row["responsible"] += 1
            report = snap.unit_report(task.pk, unit_id)
            if report:
                row["reported"] += 1
            if unit_late(snap, report):
                row["late"] += 1
    for row in rows.values():
        row["missing"] = row["responsible"] - row["reported"]
    return sorted(rows.values(), key=lambda r: (-r["late"], -r["missing"], r["unit"].name))


def unit_late(snap, report):
    return snap.is_late_report(report) if report else snap.past_deadline


def by_target(snap):
    """One row per target: the reported figure (the latest consolidated one if any, else the sum
    of the units' figures; for a percentage, their mean) and the share of the target reached."""
    return [_target_row(snap, target)[0] for target in snap.targets]


def _target_row(snap, target):
    value, source, contributors = _target_value(snap, target)
    row = {
        "target": target,
        "task": snap.tasks[target.task_id],
        "reported": value,
        "source": source,
        "percent": percent_of(value, target.quantity),
        "quantity_text": format_number(target.quantity),
        "reported_text": format_number(value),
    }
    return row, contributors


def _target_value(snap, target):
    """(value, source, [(report, value)]) for a target: source is "consolidated", "units" or ""."""
    with_figure = [
        (r, snap.figures[r.pk][target.pk])
        for r in snap.reports.get(snap.reported_under(target.task_id), ())
        if target.pk in snap.figures.get(r.pk, {})
    ]
    consolidated = [(r, v) for r, v in with_figure if r.consolidated]
    if consolidated:
        return consolidated[-1][1], "consolidated", [consolidated[-1]]
    if not with_figure:
        return None, "", []
    values = [v for _r, v in with_figure]
    total = sum(values, Decimal(0))
    if target.unit == "%":
        # Percentages of different units cannot be added up; their mean is the city's figure.
        total = (total / len(values)).quantize(Decimal("0.01"))
    return total, "units", with_figure


def percent_of(value, quantity):
    if value is None or not quantity:
        return None
    return round(float(value) / float(quantity) * 100, 1)


# --- drill-down --------------------------------------------------------------------------------


@dataclass
class Line:
    """A task behind a number, with the reports that make it and the units still missing."""

    task: object
    status: str
    reports: list
    missing: list  # units responsible that have not reported
    chapter: object = None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def _line(snap, task, reports=None, missing=None):
    all_reports = snap.reports.get(task.pk, [])
    if missing is None:
        reported = {r.unit_id for r in all_reports}
        missing = sorted(
            (snap.units[u] for u in snap.roles[task.pk] if u not in reported), key=lambda u: u.name
        )
    return Line(
        task=task,
        status=snap.status[task.pk],
        reports=all_reports if reports is None else reports,
        missing=missing,
        chapter=snap.chapter_of(task),
    )


def chapter_drill(snap, chapter_id=None, status=None):
    """The tasks of a chapter (all chapters when None) with a status (any when None)."""
    lines = []
    for task in snap.tracked:
        chapter = snap.chapter_of(task)
        if chapter_id is not None and (chapter is None or chapter.pk != chapter_id):
            continue
        if status and snap.status[task.pk] != status:
            continue
        lines.append(_line(snap, task))
    return lines


def unit_drill(snap, unit_id, which=None):
    """The tasks a unit answers for, each with that unit's own report; `which` narrows to the
    ones it reported on, missed, or reported late (the numbers of `by_unit`)."""
    lines = []
    for task in snap.tracked:
        if unit_id not in snap.roles[task.pk]:
            continue
        report = snap.unit_report(task.pk, unit_id)
        if which == UNIT_REPORTED and not report:
            continue
        if which == UNIT_MISSING and report:
            continue
        if which == UNIT_LATE and not unit_late(snap, report):
            continue
        own = ([report], []) if report else ([], [snap.units[unit_id]])
        lines.append(_line(snap, task, reports=own[0], missing=own[1]))
    return lines


def target_drill(snap, target_id):
    """(row of `by_target`, [(report, value)]) — the reports whose figures make the number."""
    target = next((t for t in snap.targets if t.pk == target_id), None)
    if target is None:
        return None, []
    return _target_row(snap, target)


def chart_data(snap):
    """What the page's charts draw (JSON-ready)."""
    chapters = by_chapter(snap)
    return {
        "statuses": [{"key": s, "label": str(STATUS_LABELS[s])} for s in STATUSES],
        "chapters": [
            {
                "id": row["chapter"].pk if row["chapter"] else None,
                "name": chapter_name(row["chapter"]),
                "counts": [row["counts"][s] for s in STATUSES],
            }
            for row in chapters
        ],
        "targets": [
            {
                "id": row["target"].pk,
                "name": f"{row['target'].what}（{format_number(row['target'].quantity)}{row['target'].unit}）",
                "percent": row["percent"] or 0,
            }
            for row in by_target(snap)
        ],
    }


def chapter_name(chapter):
    if chapter is None:
        return str(_("（未分章）"))
    return f"{chapter.number}、{chapter.title}" if chapter.title else chapter.number


def format_number(value):
    """95.00 → "95", 5.40 → "5.4": figures as a reader writes them."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"
