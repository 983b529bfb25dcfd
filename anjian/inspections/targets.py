"""Which subjects a plan is about: picked by hand, or the pool its rule defines (also the pool a
double-random draw draws from)."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from anjian.org.scope import NOTHING
from anjian.registry.models import Subject

from .models import Inspection, InspectionPlan, TargetMode


def months_ago(today, months):
    """The same day `months` months before `today` (clamped to the month's last day)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def rule_q(plan: InspectionPlan, today=None):
    """The plan's rule as a filter on Subject."""
    q = Q()
    sectors = [s.pk for s in plan.target_sectors.all()]
    if sectors:
        q &= Q(sector_id__in=sectors)
    territories = list(plan.target_territories.all())
    if territories:
        paths_q = NOTHING
        for territory in territories:
            paths_q |= Q(territory_path__pathprefix=territory.path)
        q &= paths_q
    if plan.target_risk_grades:
        q &= Q(risk_grade__in=plan.target_risk_grades)
    if plan.not_inspected_months:
        since = months_ago(today or timezone.localdate(), plan.not_inspected_months)
        recent = Inspection.objects.filter(
            subject=OuterRef("pk"), is_self=False, status=Inspection.Status.DONE, finished_at__date__gte=since
        )
        q &= ~Exists(recent)
    return q


def plan_pool(plan: InspectionPlan, today=None):
    """The subjects a plan targets: its hand-picked ones, else those its rule selects."""
    if plan.target_mode == TargetMode.HAND:
        return Subject.objects.filter(pk__in=plan.target_subjects.values("pk"))
    return Subject.objects.filter(rule_q(plan, today))
