"""The plans' periodic job (registered for `anjian scheduler`, see anjian.jobs.registry)."""

from datetime import timedelta

from anjian.jobs.registry import periodic

from . import reminders


@periodic("plans.reminders", every=timedelta(hours=1), description="工作要点报送提醒与逾期提示函")
def plan_reminders(now):
    reminders.due_sweep(now)
    reminders.late_sweep(now)
