"""Reminders of plan reports (issue 11, rules): a period due in N working days, and a period closed
with tasks unreported — when the 提示函 is issued and sent.

- `due_sweep(now)`: each accepted plan's periods due within `rule_for("plan.report_due").lead_days`
  working days (default 3; today and the deadline day count as in `working_days_between`) → the users
  of each responsible unit with tasks still unreported. One message per period and unit
  (dedup `plan-due:<period>:<unit>`).
- `late_sweep(now)`: each period whose deadline has passed (within `LATE_WINDOW_DAYS`) → for each unit
  with tasks unreported, a 提示函 issued by the system and sent to the unit and the office with its
  download link (`services_tracking.send_late_letter`; once per period and unit: a letter already
  issued after the deadline is not issued again).

Both run as the scheduler's system actor over the whole city: the responsible units are every unit,
so nothing here is cut to a scope.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.context import current_actor, system_actor
from anjian.notifications.services import notify, rule_for
from anjian.org.models import Unit
from anjian.workdays.services import add_working_days

from . import services_tracking as st
from .letters import unit_users
from .models import ReportingPeriod, WorkPlan

DEFAULT_LEAD_DAYS = 3
# A period closed longer ago than this gets no automatic letter: switching the rule on must not
# send a year's worth of old letters at once (the office can still issue one by hand).
LATE_WINDOW_DAYS = 60


def _actor(name):
    actor = current_actor()[0]
    return actor if actor is not None else system_actor(f"scheduler:{name}")


def lead_days():
    lead = rule_for("plan.report_due").lead_days
    return DEFAULT_LEAD_DAYS if lead is None else lead


def _open_periods(first, last):
    return (
        ReportingPeriod.objects.filter(
            plan__status=WorkPlan.Status.ACCEPTED, deadline__gte=first, deadline__lte=last
        )
        .select_related("plan")
        .order_by("deadline", "pk")
    )


def due_sweep(now):
    """Tell each responsible unit with unreported tasks of a period due soon. Returns the messages."""
    today = timezone.localdate(now)
    horizon = add_working_days(today, lead_days())
    sent = []
    for period in _open_periods(today, horizon):
        missing = st.unreported(period.plan, period)
        units = Unit.objects.in_bulk(list(missing))
        for unit_id, task_ids in sorted(missing.items()):
            sent += _tell_due(period, units[unit_id], len(task_ids), now)
    return sent


def _tell_due(period, unit, count, now):
    text = _(
        "《%(plan)s》%(period)s报送将于%(deadline)s截止，%(unit)s尚有%(n)s项任务未报送，请按时报送。"
    ) % {
        "plan": period.plan.title,
        "period": period.name,
        "deadline": f"{period.deadline:%Y-%m-%d}",
        "unit": unit.name,
        "n": count,
    }
    url = reverse("plans:my_tasks", args=[period.plan_id]) + f"?period={period.pk}&unit={unit.pk}"
    return notify(
        unit_users([unit.pk]),
        kind="plan.report_due",
        text=text,
        about=period,
        url=url,
        dedup_key=f"plan-due:{period.pk}:{unit.pk}",
        now=now,
    )


def late_sweep(now):
    """Issue and send the 提示函 of each closed period to each unit still owing reports. Returns the
    letters issued."""
    today = timezone.localdate(now)
    actor = _actor("plans.reminders")
    first = today - datetime.timedelta(days=LATE_WINDOW_DAYS)
    letters = []
    for period in _open_periods(first, today - datetime.timedelta(days=1)):
        # Units already sent a late letter are skipped here; send_late_letter checks again under lock.
        missing = set(st.unreported(period.plan, period)) - st.units_with_late_letters(period)
        for unit in Unit.objects.filter(pk__in=missing).order_by("pk"):
            letter = st.send_late_letter(period.plan, period, unit, today, actor=actor)
            if letter is not None:
                letters.append(letter)
    return letters
