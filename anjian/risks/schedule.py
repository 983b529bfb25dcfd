"""The risks app's periodic jobs (registered for `anjian scheduler`, see anjian.jobs.registry).

- "risks.regrade", 01:30 each night: every subject re-graded under the policy in force
  (`grading.regrade_subjects`, as `anjian risks regrade` does), since hazards become overdue by the
  calendar with no service call. Each subject that moved has its change-log entry naming the system
  actor, and one `bulk` entry says which run moved them. A second run the same night changes nothing.
- "risks.reminders", hourly: guarantor checks overdue (reminders.guarantor_sweep).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from anjian.core.audit import record
from anjian.core.context import current_actor, system_actor
from anjian.jobs.registry import periodic

from . import reminders
from .grading import regrade_subjects


def regrade_all(now, actor=None):
    """Re-grade every subject as `actor` (the scheduler's system actor by default). Returns the
    number of subjects whose grade or reasons changed."""
    actor = actor or current_actor()[0] or system_actor("scheduler:risks.regrade")
    with transaction.atomic():
        changed = regrade_subjects(today=timezone.localdate(now), actor=actor)
        if changed:
            record(
                "bulk",
                "registry.subject",
                object_repr="risks.regrade",
                actor=actor,
                after={"subjects": "all", "subjects_regraded": changed},
            )
    return changed


@periodic("risks.regrade", cron="30 1 * * *", description="每晚重新评定全部监管对象的风险等级")
def nightly_regrade(now):
    regrade_all(now)


@periodic("risks.reminders", every=timedelta(hours=1), description="包保责任人检查逾期提醒")
def guarantor_reminders(now):
    reminders.guarantor_sweep(now)
