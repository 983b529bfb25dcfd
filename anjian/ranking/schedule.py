"""The ranking's periodic jobs (registered for `anjian scheduler`, see anjian.jobs.registry).

- "ranking.draft", 06:00 on the 1st: the draft run of the month just ended, under the year's scheme,
  unless the month already has a run (a draft the office computed early, or one published): the
  office checks and publishes it. A second call in the same month does nothing.
- "ranking.reminders", hourly: the 约谈 commitments due soon or overdue (reminders.commitment_sweep).
"""

import datetime
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from anjian.core.context import current_actor, system_actor
from anjian.jobs.registry import periodic

from . import reminders
from .models import RankingRun, Scheme
from .services import compute_run, ensure_scheme


def previous_month(today):
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def draft_for_previous_month(now):
    """The new draft run of the month before `now`'s, or None when that month has a run already."""
    today = timezone.localdate(now)
    month = previous_month(today)
    actor = current_actor()[0] or system_actor("scheduler:ranking.draft")
    with transaction.atomic():
        # Two schedulers at once: the scheme row is the lock both take before looking for a run, so
        # the second sees the first's run and stops.
        scheme = ensure_scheme(month.year)
        Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
        if RankingRun.objects.filter(month=month).exists():
            return None
        return compute_run(actor, month, today=today)


@periodic("ranking.draft", cron="0 6 1 * *", description="每月1日生成上月镇街晾晒草稿")
def monthly_draft(now):
    draft_for_previous_month(now)


@periodic("ranking.reminders", every=timedelta(hours=1), description="约谈整改承诺到期与逾期提醒")
def commitment_reminders(now):
    reminders.commitment_sweep(now)
