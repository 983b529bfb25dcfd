"""Messages of inspections (issue 11, rules): inspections assigned by a plan or a draw, and the
head-led monthly check missed.

- `notify_assigned(plan, assigned)`: each inspector named on the new planned inspections is told, in
  the transaction that creates them, how many and which subjects, and the plan's dates (the visit
  window). One message per plan and inspector (dedup `inspection-assigned:<plan>:<user>`): a plan is
  issued once, or drawn once.
- `head_check_sweep(now)`: 主要负责人每月至少带队检查1次, by the rule of `services_plans.head_checks`
  (a finished head-led self-inspection in the month, local time), for the month before `now`'s:
  each enterprise that missed it → its accounts (dedup `head-check:<subject>:<YYYY-MM>`); each
  town → its leaders, one count with the link to the month's list of those that missed
  (dedup `head-check:town:<town>:<YYYY-MM>`). Runs as the system actor over the whole city.
"""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.notifications.services import notify
from anjian.org.models import Role, RoleAssignment, Territory
from anjian.registry.models import Subject
from anjian.risks.reminders import enterprise_users

from .models import Inspection

NAMED = 3  # subjects named in an assignment message before "等"


# --- assigned ---------------------------------------------------------------------------------------


def notify_assigned(plan, assigned):
    """`assigned`: [(inspection, inspector ids)] just created for `plan`. Returns the messages."""
    by_user = defaultdict(list)
    for inspection, inspector_ids in assigned:
        for uid in inspector_ids:
            by_user[uid].append(inspection)
    if not by_user:
        return []
    users = get_user_model().objects.in_bulk(list(by_user))
    named = {i.subject_id for rows in by_user.values() for i in rows[:NAMED]}
    names = dict(Subject.objects.filter(pk__in=named).values_list("pk", "name"))
    sent = []
    for uid, rows in sorted(by_user.items()):
        sent += notify(
            [users[uid]],
            kind="inspections.assigned",
            text=_assigned_text(plan, rows, names),
            about=rows[0] if len(rows) == 1 else plan,
            url=_assigned_url(rows),
            dedup_key=f"inspection-assigned:{plan.pk}:{uid}",
        )
    return sent


def _assigned_text(plan, rows, names):
    listed = "、".join(names.get(i.subject_id, "") for i in rows[:NAMED])
    more = _("等") if len(rows) > NAMED else ""
    return _(
        "检查任务：《%(plan)s》分派您检查%(n)s家单位（%(names)s%(more)s），检查时间%(start)s至%(end)s。"
    ) % {
        "plan": plan.name,
        "n": len(rows),
        "names": listed,
        "more": more,
        "start": f"{plan.starts_on:%Y-%m-%d}",
        "end": f"{plan.ends_on:%Y-%m-%d}",
    }


def _assigned_url(rows):
    if len(rows) == 1:
        return reverse("inspections:detail", args=[rows[0].pk])
    return reverse("inspections:list") + "?tab=todo"


# --- the head-led monthly check -----------------------------------------------------------------


def previous_month(today):
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month_bounds(first):
    """The month's start and end as aware datetimes in local time (as services_plans.month_bounds)."""
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))


def missed_enterprises(first):
    """Enterprises with no finished head-led self-inspection in the month starting `first`."""
    start, end = _month_bounds(first)
    # unscoped: the scheduler's sweep reads every enterprise of the city
    done = Inspection.objects.filter(
        is_self=True,
        led_by_head=True,
        status=Inspection.Status.DONE,
        finished_at__gte=start,
        finished_at__lt=end,
    ).values("subject_id")
    return Subject.objects.filter(kind=Subject.Kind.ENTERPRISE).exclude(pk__in=done)


def town_leaders(town_ids):
    """{town id: [users]} of the town-role users on each town's own node."""
    leaders = defaultdict(list)
    rows = RoleAssignment.objects.filter(
        role=Role.TOWN, territory_id__in=list(town_ids), user__is_active=True
    ).select_related("user")
    for assignment in rows.order_by("user_id"):
        leaders[assignment.territory_id].append(assignment.user)
    return leaders


def head_check_sweep(now):
    """Tell the enterprises that missed last month's head-led check, and their towns. Returns the
    messages created."""
    first = previous_month(timezone.localdate(now))
    missed = missed_enterprises(first)
    return _tell_enterprises(missed, first, now) + _tell_towns(missed, first, now)


def _tell_enterprises(missed, first, now):
    with_accounts = RoleAssignment.objects.filter(role=Role.ENTERPRISE, subject__isnull=False).values(
        "subject_id"
    )
    subjects = list(
        missed.filter(Q(pk__in=with_accounts) | Q(parent_id__in=with_accounts)).only(
            "id", "name", "parent_id"
        )
    )
    accounts = enterprise_users(subjects)
    sent = []
    for subject in subjects:
        text = _("%(subject)s %(month)s未开展主要负责人带队检查（每月至少1次），请及时开展并在平台记录。") % {
            "subject": subject.name,
            "month": f"{first.year}年{first.month}月",
        }
        sent += notify(
            accounts[subject.pk],
            kind="risks.head_check_missed",
            text=text,
            about=subject,
            url=reverse("inspections:self_log"),
            dedup_key=f"head-check:{subject.pk}:{first:%Y-%m}",
            now=now,
        )
    return sent


def _tell_towns(missed, first, now):
    counts = dict(
        missed.exclude(town=None).values("town_id").annotate(n=Count("id")).values_list("town_id", "n")
    )
    leaders = town_leaders(counts)
    towns = Territory.objects.in_bulk(list(counts))
    url = reverse("inspections:head_checks") + f"?month={first:%Y-%m}&missed=1"
    sent = []
    for town_id, count in sorted(counts.items()):
        text = _("%(month)s，%(town)s有%(n)s家企业未开展主要负责人带队检查。") % {
            "month": f"{first.year}年{first.month}月",
            "town": towns[town_id].name,
            "n": count,
        }
        sent += notify(
            leaders.get(town_id, []),
            kind="risks.head_check_missed",
            text=text,
            about=towns[town_id],
            url=url,
            dedup_key=f"head-check:town:{town_id}:{first:%Y-%m}",
            now=now,
        )
    return sent
