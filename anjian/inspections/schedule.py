"""The inspections' periodic job (registered for `anjian scheduler`, see anjian.jobs.registry).

"inspections.reminders", 08:00 on the 1st: the head-led monthly check missed in the month just ended
(reminders.head_check_sweep; once per enterprise, town and month, so a second run sends nothing).
Inspections assigned by a plan or a draw are told by the services that create them, not by a sweep.
"""

from anjian.jobs.registry import periodic

from . import reminders


@periodic("inspections.reminders", cron="0 8 1 * *", description="上月主要负责人带队检查未开展提醒")
def head_check_reminders(now):
    reminders.head_check_sweep(now)
