"""The accident signal of the dynamic risk grade: a subject that had an accident in the past year is
raised by the office's `RiskPolicy.accident` rule. `risks.grading.SIGNALS` names this function;
accidents.services asks for a re-grade (anjian.registry.grades) after every change."""

import datetime

from django.db.models import Count
from django.utils import timezone

from .models import Accident

WINDOW_DAYS = 365


def accident_counts(subject_ids, today):
    """{subject_id: accidents of that subject from 365 days before `today` up to the end of `today`}.
    subject_ids None means every subject."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(today - datetime.timedelta(days=WINDOW_DAYS), datetime.time.min, tz)
    end = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tz)
    rows = Accident.objects.filter(subject__isnull=False, occurred_at__gte=start, occurred_at__lt=end)
    if subject_ids is not None:
        rows = rows.filter(subject_id__in=subject_ids)
    grouped = rows.order_by().values("subject_id").annotate(n=Count("id"))
    return {row["subject_id"]: row["n"] for row in grouped}
