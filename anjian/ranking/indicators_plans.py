"""The work-plan indicator's data: the reports each town's government unit owes on the tasks of the
accepted work plans (工作要点) whose reporting period falls due in the month (see indicators.py)."""

from collections import defaultdict

from django.utils import timezone

from anjian.org.models import Unit
from anjian.plans.models import ProgressReport, ReportingPeriod, WorkPlan
from anjian.plans.services_tracking import plan_roles

from .permissions import can_view_ranking


def town_units(towns):
    """{town_id: unit id}: each town's government unit (its territory, else the same name)."""
    by_name = {t.name: t.pk for t in towns}
    ids = {t.pk for t in towns}
    units = {}
    for unit_id, territory_id, name in Unit.objects.filter(kind=Unit.Kind.TOWN).values_list(
        "id", "territory_id", "name"
    ):
        town = territory_id if territory_id in ids else by_name.get(name)
        if town is not None:
            units.setdefault(town, unit_id)
    return units


def periods_due(month):
    return ReportingPeriod.objects.filter(
        plan__status=WorkPlan.Status.ACCEPTED, deadline__gte=month.start, deadline__lte=month.end
    )


def plan_reports(month):
    """{town_id: {"due", "on_time"}}: the (task, period) pairs each town's unit answers for whose
    period falls due in the month, and those reported by the deadline (the deadline day is on time)."""
    units = town_units(month.towns)
    town_of = {unit: town for town, unit in units.items()}
    periods = list(periods_due(month).select_related("plan"))
    reports = ProgressReport.objects.filter(period__in=periods, unit_id__in=town_of).values_list(
        "task_id", "unit_id", "period_id", "submitted_at"
    )
    submitted = {(task, unit, period): at for task, unit, period, at in reports}
    result = defaultdict(lambda: {"due": 0, "on_time": 0})
    roles_by_plan = {}
    for period in periods:
        roles = roles_by_plan.setdefault(period.plan_id, plan_roles(period.plan))
        for task_id, task_units in roles.items():
            for unit_id in task_units:
                if unit_id not in town_of:
                    continue
                counts = result[town_of[unit_id]]
                counts["due"] += 1
                at = submitted.get((task_id, unit_id, period.pk))
                if at is not None and timezone.localdate(at) <= period.deadline:
                    counts["on_time"] += 1
    return result


def plan_report_records(user, town, month_start, month_end):
    """The town unit's reports for the periods due in the month (reports are not subject records:
    every government reader of the ranking sees them, as the work-plan pages show them)."""
    unit = town_units([town]).get(town.pk)
    if unit is None or not can_view_ranking(user):
        return ProgressReport.objects.none()
    month = _Bounds(month_start, month_end)
    return ProgressReport.objects.filter(unit_id=unit, period__in=periods_due(month))


class _Bounds:
    def __init__(self, month_start, month_end):
        self.start, self.end = month_start, month_end
