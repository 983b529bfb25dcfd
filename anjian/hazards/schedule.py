"""The hazards' periodic job, run by `anjian scheduler` (anjian/jobs/registry.py)."""

from datetime import timedelta

from anjian.jobs.registry import periodic

from . import reminders


@periodic(
    "hazards.reminders",
    every=timedelta(minutes=15),
    description="隐患整改到期提醒、逾期提醒、重大隐患逾期升级与督办期限提醒",
)
def hazard_reminders(now):
    """The sweep of anjian.hazards.reminders: every reminder owed at `now`, each told once."""
    return reminders.sweep(now)
