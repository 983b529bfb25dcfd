"""Who is told what about a hazard, and when (issue 11, point 6).

At the events, inside the transaction of the transition (services.transition calls these):
- `notify_assigned(hazard, actor)`: a hazard is assigned (交办) → the rectifying enterprise's accounts
  and the supervising unit's people (`hazard.assigned`).
- `notify_supervised(hazard, actor)`: listed for 督办 → the enterprise and the town (`hazard.supervised`,
  urgent).

By the sweep (`sweep(now)`, run by the scheduler every 15 minutes, see schedule.py), for the hazards
still running (reported, assigned, being rectified):
- due soon: from the N-th working day before the deadline (N = the rule's lead_days, default 3) →
  the enterprise (`hazard.due_soon`);
- overdue: from the day after the deadline → the enterprise and the supervising unit
  (`hazard.overdue`);
- a major hazard overdue, escalated (`hazard.escalated`, urgent): step 1 → the town's leaders once
  E working days of overdue have passed (E = the rule's escalate_days, default 3: on the (E+1)-th
  working day after the deadline), step 2 → the city office after E more (the (2E+1)-th);
- 督办: the 督办 deadline within N working days, or passed → the enterprise and the town
  (`hazard.supervision_due`).

The responsible person of a hazard is a name (`responsible_person`), not an account: the people
reached for the enterprise are the accounts with the enterprise role on the hazard's subject or on
its parent (an equipment's owner), as scope grants them. The supervisor is every person of the
hazard's supervising unit; the town's leaders are the accounts with the town role on the hazard's
town; the city office, the accounts with the city-office role.

Each message carries a dedup key that names its hazard, its rule and the deadline it is about, so
notify() tells a person once however often the sweep runs, two schedulers included, and a moved
deadline reminds again.

**Someone acts** when the hazard's timeline gets an event after the deadline has passed (from the
start of the day after it, local time): any transition — accepted, handed in, rejected back, listed
for 督办 — and whatever else the services record on the timeline (a comment, a new deadline). Each
of those is a `HazardEvent` with its time, so "acts" is read from the data and needs no new field.

**The escalation's state is derived, not stored**: the step a hazard is due for follows from its
deadline and the working-day table, whether it was sent follows from the notification with the key
`hazard:{pk}:escalated:{step}:{deadline}`, and whether it must stop follows from the timeline. Once
anyone has acted after the deadline passed, no further step is sent for that deadline — the step
not yet sent is never sent; a new deadline starts over with new keys. Storing a level on the hazard
(or a `HazardEscalation` row) would add a second record of the same facts to keep in step.

Cost at city scale: one indexed query per rule picks the candidates (deadline ranges computed here
from working days, over the `(status, deadline, …)` index), a few queries resolve every candidate's
recipients at once, one query per batch finds what was already sent, and notify() runs only for the
messages still owed, a batch per transaction. A rule's window looks back `LOOKBACK_DAYS`, so a
scheduler that was down catches up without re-reading every old overdue hazard on every run.
"""

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.notifications.models import Notification
from anjian.notifications.services import Message as Outgoing
from anjian.notifications.services import notify_many, rule_for
from anjian.org.models import Person, Role, RoleAssignment
from anjian.registry.models import Subject
from anjian.workdays.services import add_working_days

from .models import RUNNING_STATES, Hazard, HazardEvent, Level, SupervisionLevel

# How far back a rule looks for deadlines it may still owe a message for (calendar days).
LOOKBACK_DAYS = 14
# Messages sent per transaction, and ids per IN (…) list.
BATCH = 500
CHUNK = 2000
# The columns a rule reads of each candidate.
FIELDS = ("id", "code", "title", "subject_id", "deadline", "supervising_unit_id", "town_id")
SUPERVISION_FIELDS = (*FIELDS[:4], "supervision_deadline", "supervising_unit_id", "town_id")
# The kinds the sweep sends (assigned and supervised are sent at their events).
SWEPT_KINDS = ("hazard.due_soon", "hazard.overdue", "hazard.escalated", "hazard.supervision_due")


@dataclass(frozen=True)
class Row:
    """What a message needs of one hazard (a candidate row, or a hazard just changed)."""

    id: int
    code: str
    title: str
    subject_id: int
    deadline: datetime.date | None
    supervising_unit_id: int | None
    town_id: int | None


@dataclass
class Message:
    kind: str
    key: str
    # The text, or a function of nothing that writes it: the sweep writes only the texts still owed.
    text: object
    hazard_id: int
    user_ids: list
    urgent: bool | None = None

    def render(self):
        return self.text() if callable(self.text) else self.text


# ---- candidate selection: one indexed query per rule ------------------------------------------------


def due_soon_window(today, lead_days):
    """The deadlines a due-soon reminder is owed for today: from today to the `lead_days`-th working
    day after it. (A deadline's reminder day is the `lead_days`-th working day before it; it has come
    exactly when fewer than `lead_days` working days lie strictly between today and the deadline.)"""
    return today, add_working_days(today, lead_days)


def overdue_window(today):
    return today - datetime.timedelta(days=LOOKBACK_DAYS), today - datetime.timedelta(days=1)


def escalation_due_on(deadline, step, escalate_days):
    """The day step `step` falls due: once `step` × E working days of overdue have passed, i.e. on
    the (step·E + 1)-th working day after the deadline."""
    return add_working_days(deadline, step * escalate_days + 1)


def latest_deadline_for(today, working_days):
    """The latest deadline whose `working_days`-th working day after it is today or earlier."""
    day = today - datetime.timedelta(days=1)
    while add_working_days(day, working_days) > today:
        day -= datetime.timedelta(days=1)
    return day


def escalation_window(today, escalate_days):
    """Deadlines owed some step today: up to the latest one due for step 1, back to LOOKBACK_DAYS
    before the latest one due for step 2."""
    last = latest_deadline_for(today, escalate_days + 1)
    first = latest_deadline_for(today, 2 * escalate_days + 1) - datetime.timedelta(days=LOOKBACK_DAYS)
    return first, last


def due_soon_candidates(today, lead_days):
    start, end = due_soon_window(today, lead_days)
    # unscoped: the sweep runs for the whole city as the scheduler
    return Hazard.objects.filter(status__in=RUNNING_STATES, deadline__gte=start, deadline__lte=end)


def overdue_candidates(today):
    start, end = overdue_window(today)
    # unscoped: the sweep runs for the whole city as the scheduler
    return Hazard.objects.filter(status__in=RUNNING_STATES, deadline__gte=start, deadline__lte=end)


def escalation_candidates(today, escalate_days):
    start, end = escalation_window(today, escalate_days)
    # unscoped: the sweep runs for the whole city as the scheduler
    return Hazard.objects.filter(
        status__in=RUNNING_STATES, level=Level.MAJOR, deadline__gte=start, deadline__lte=end
    )


def supervision_candidates(today, lead_days):
    """Listed hazards whose 督办 deadline is near (as for due soon) or passed within LOOKBACK_DAYS."""
    end = add_working_days(today, lead_days)
    start = today - datetime.timedelta(days=LOOKBACK_DAYS)
    # unscoped: the sweep runs for the whole city as the scheduler
    return Hazard.objects.filter(
        ~Q(supervision_level=SupervisionLevel.NONE),
        status__in=RUNNING_STATES,
        supervision_deadline__gte=start,
        supervision_deadline__lte=end,
    )


def rows_of(queryset, fields=FIELDS):
    return [Row(*values) for values in queryset.values_list(*fields).iterator(chunk_size=CHUNK)]


# ---- recipients, resolved in bulk ------------------------------------------------------------------


def _chunks(ids):
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class Directory:
    """The subjects' names and the people of the enterprises, units and towns of `rows`, in a few
    queries for any number of hazards."""

    def __init__(self, rows, *, units=False, towns=False, city=False):
        self.subjects = {}  # id → (name, parent id)
        for chunk in _chunks(row.subject_id for row in rows):
            for pk, name, parent_id in Subject.objects.filter(pk__in=chunk).values_list(
                "id", "name", "parent_id"
            ):
                self.subjects[pk] = (name, parent_id)
        owners = set(self.subjects) | {parent for _name, parent in self.subjects.values() if parent}
        self.enterprise = self._grouped(
            RoleAssignment.objects.filter(role=Role.ENTERPRISE), "subject_id", owners
        )
        self.units = self._grouped(
            Person.objects.filter(user__isnull=False),
            "unit_id",
            {row.supervising_unit_id for row in rows if units and row.supervising_unit_id},
        )
        self.towns = self._grouped(
            RoleAssignment.objects.filter(role=Role.TOWN),
            "territory_id",
            {row.town_id for row in rows if towns and row.town_id},
        )
        self.city = (
            list(RoleAssignment.objects.filter(role=Role.CITY_OFFICE).values_list("user_id", flat=True))
            if city
            else []
        )

    @staticmethod
    def _grouped(queryset, key, ids):
        grouped = defaultdict(list)
        for chunk in _chunks(ids):
            for group, user_id in queryset.filter(**{f"{key}__in": chunk}).values_list(key, "user_id"):
                grouped[group].append(user_id)
        return grouped

    def subject_name(self, row):
        return self.subjects.get(row.subject_id, ("", None))[0]

    def enterprise_of(self, row):
        _name, parent = self.subjects.get(row.subject_id, ("", None))
        return self.enterprise.get(row.subject_id, []) + (self.enterprise.get(parent, []) if parent else [])

    def unit_of(self, row):
        return self.units.get(row.supervising_unit_id, [])

    def town_of(self, row):
        return self.towns.get(row.town_id, [])


# ---- the texts -------------------------------------------------------------------------------------


def _about(row, directory):
    return {
        "code": row.code,
        "title": row.title,
        "subject": directory.subject_name(row),
        "deadline": f"{row.deadline:%Y-%m-%d}" if row.deadline else "—",
    }


def assigned_text(row, directory):
    return _("隐患交办：%(code)s %(title)s（%(subject)s），请于 %(deadline)s 前完成整改。") % _about(
        row, directory
    )


def due_soon_text(row, directory):
    return _("隐患整改即将到期：%(code)s %(title)s（%(subject)s），整改期限 %(deadline)s。") % _about(
        row, directory
    )


def overdue_text(row, directory):
    return _(
        "隐患整改已逾期：%(code)s %(title)s（%(subject)s），整改期限 %(deadline)s 已过，尚未完成整改。"
    ) % _about(row, directory)


def escalated_text(row, directory, step):
    about = _about(row, directory)
    if step == 1:
        return (
            _(
                "重大隐患逾期升级（报镇街）：%(code)s %(title)s（%(subject)s），整改期限 %(deadline)s，"
                "逾期无人处置，请督促整改。"
            )
            % about
        )
    return (
        _(
            "重大隐患逾期升级（报市安委办）：%(code)s %(title)s（%(subject)s），整改期限 %(deadline)s，"
            "镇街提醒后仍无人处置。"
        )
        % about
    )


def supervised_text(row, directory, level_label):
    about = _about(row, directory) | {"level": level_label}
    return _("隐患%(level)s：%(code)s %(title)s（%(subject)s），督办期限 %(deadline)s。") % about


def supervision_due_text(row, directory, passed):
    about = _about(row, directory)
    if passed:
        return (
            _("督办期限已过：%(code)s %(title)s（%(subject)s），督办期限 %(deadline)s，尚未完成整改。")
            % about
        )
    return _("督办期限临近：%(code)s %(title)s（%(subject)s），督办期限 %(deadline)s。") % about


# ---- sending ---------------------------------------------------------------------------------------


def hazard_url(pk):
    return reverse("hazards:detail", args=[pk])


def _already_sent(messages):
    """{(user id, key)} of the messages' notifications that exist: one query per chunk, on the
    (recipient, dedup_key) index."""
    sent = set()
    for start in range(0, len(messages), BATCH):
        part = messages[start : start + BATCH]
        users = {user_id for m in part for user_id in m.user_ids}
        keys = {m.key for m in part}
        if users:
            sent.update(
                Notification.objects.filter(recipient_id__in=users, dedup_key__in=keys).values_list(
                    "recipient_id", "dedup_key"
                )
            )
    return sent


def send(messages, now=None):
    """notify() each message's recipients who do not have it yet, a batch per transaction; returns
    {kind: notifications created}."""
    sent = _already_sent(messages)
    owed = []
    for message in messages:
        user_ids = [pk for pk in dict.fromkeys(message.user_ids) if (pk, message.key) not in sent]
        if user_ids:
            owed.append((message, user_ids))
    users = {}
    for chunk in _chunks(pk for _message, ids in owed for pk in ids):
        users.update(get_user_model().objects.filter(pk__in=chunk, is_active=True).in_bulk())
    counts = defaultdict(int)
    prefix = hazard_url(0).removesuffix("0/")  # reverse() once, not once per message
    for start in range(0, len(owed), BATCH):
        batch = [
            Outgoing(
                recipients=tuple(users[pk] for pk in user_ids if pk in users),
                kind=message.kind,
                text=message.render(),
                about=Hazard(pk=message.hazard_id),
                url=f"{prefix}{message.hazard_id}/",
                urgent=message.urgent,
                dedup_key=message.key,
            )
            for message, user_ids in owed[start : start + BATCH]
        ]
        # One transaction, one insert and one look at the channels for the whole batch.
        with transaction.atomic():
            for note in notify_many(batch, now=now):
                counts[note.kind] += 1
    return counts


# ---- the events ------------------------------------------------------------------------------------


def _row(hazard):
    return Row(*(getattr(hazard, field) for field in FIELDS))


def _others(user_ids, actor):
    return [pk for pk in user_ids if pk != getattr(actor, "pk", None)]


def notify_assigned(hazard, actor=None):
    """Tell the enterprise and the supervising unit that `hazard` was assigned (the actor aside).
    Call inside the transition's transaction: the messages stand or fall with it."""
    row = _row(hazard)
    directory = Directory([row], units=True)
    message = Message(
        "hazard.assigned",
        f"hazard:{row.id}:assigned:{row.deadline.isoformat() if row.deadline else ''}",
        assigned_text(row, directory),
        row.id,
        _others(directory.enterprise_of(row) + directory.unit_of(row), actor),
    )
    return send([message])["hazard.assigned"]


def notify_supervised(hazard, actor=None):
    """Tell the enterprise and the town that `hazard` was listed for 督办 (urgent). A listing at
    another level, or with another 督办 deadline, is a new message."""
    deadline = hazard.supervision_deadline
    row = dataclasses.replace(_row(hazard), deadline=deadline)
    directory = Directory([row], towns=True)
    message = Message(
        "hazard.supervised",
        f"hazard:{row.id}:supervised:{hazard.supervision_level}:{deadline.isoformat() if deadline else ''}",
        supervised_text(row, directory, hazard.get_supervision_level_display()),
        row.id,
        _others(directory.enterprise_of(row) + directory.town_of(row), actor),
    )
    return send([message])["hazard.supervised"]


# ---- the sweep -------------------------------------------------------------------------------------


def due_soon_messages(today, lead_days):
    rows = rows_of(due_soon_candidates(today, lead_days))
    directory = Directory(rows)
    return [
        Message(
            "hazard.due_soon",
            f"hazard:{row.id}:due_soon:{row.deadline.isoformat()}",
            partial(due_soon_text, row, directory),
            row.id,
            users,
        )
        for row in rows
        if (users := directory.enterprise_of(row))
    ]


def overdue_messages(today):
    rows = rows_of(overdue_candidates(today))
    directory = Directory(rows, units=True)
    return [
        Message(
            "hazard.overdue",
            f"hazard:{row.id}:overdue:{row.deadline.isoformat()}",
            partial(overdue_text, row, directory),
            row.id,
            users,
        )
        for row in rows
        if (users := directory.enterprise_of(row) + directory.unit_of(row))
    ]


def overdue_start(deadline):
    """The moment a deadline has passed: the start of the next local day."""
    return timezone.make_aware(
        datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time())
    )


def acted_after_deadline(rows):
    """Ids of the hazards whose timeline has an event since their deadline passed."""
    if not rows:
        return set()
    deadlines = {row.id: row.deadline for row in rows}
    earliest = overdue_start(min(deadlines.values()))
    acted = set()
    for chunk in _chunks(deadlines):
        events = HazardEvent.objects.filter(hazard_id__in=chunk, at__gte=earliest).values_list(
            "hazard_id", "at"
        )
        acted.update(pk for pk, at in events if at >= overdue_start(deadlines[pk]))
    return acted


def escalation_steps_due(deadline, today, escalate_days):
    """The steps (1, 2) whose day has come, within the look-back window."""
    steps = []
    for step in (1, 2):
        due_on = escalation_due_on(deadline, step, escalate_days)
        if due_on <= today <= due_on + datetime.timedelta(days=LOOKBACK_DAYS):
            steps.append(step)
    return steps


def escalation_messages(today, escalate_days):
    rows = rows_of(escalation_candidates(today, escalate_days))
    acted = acted_after_deadline(rows)
    rows = [row for row in rows if row.id not in acted]
    directory = Directory(rows, towns=True, city=True)
    messages = []
    for row in rows:
        for step in escalation_steps_due(row.deadline, today, escalate_days):
            users = directory.town_of(row) if step == 1 else directory.city
            if users:
                key = f"hazard:{row.id}:escalated:{step}:{row.deadline.isoformat()}"
                text = partial(escalated_text, row, directory, step)
                messages.append(Message("hazard.escalated", key, text, row.id, users, urgent=True))
    return messages


def supervision_messages(today, lead_days):
    # The 督办 deadline rides in the rows' deadline slot.
    rows = rows_of(supervision_candidates(today, lead_days), SUPERVISION_FIELDS)
    directory = Directory(rows, towns=True)
    messages = []
    for row in rows:
        users = directory.enterprise_of(row) + directory.town_of(row)
        if not users:
            continue
        passed = row.deadline < today
        what = "supervision_overdue" if passed else "supervision_due"
        key = f"hazard:{row.id}:{what}:{row.deadline.isoformat()}"
        text = partial(supervision_due_text, row, directory, passed)
        messages.append(Message("hazard.supervision_due", key, text, row.id, users))
    return messages


def sweep(now=None):
    """Send every reminder owed at `now`; returns {kind: notifications created}. Safe to run twice
    for the same moment, or from two schedulers at once: the dedup keys tell each person once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    messages = []
    due_rule, escalate_rule = rule_for("hazard.due_soon"), rule_for("hazard.escalated")
    supervision_rule = rule_for("hazard.supervision_due")
    if due_rule.enabled:
        messages += due_soon_messages(today, due_rule.lead_days or 0)
    if rule_for("hazard.overdue").enabled:
        messages += overdue_messages(today)
    if escalate_rule.enabled and escalate_rule.escalate_days:
        messages += escalation_messages(today, escalate_rule.escalate_days)
    if supervision_rule.enabled:
        messages += supervision_messages(today, supervision_rule.lead_days or 0)
    counts = dict.fromkeys(SWEPT_KINDS, 0)
    counts.update(send(messages, now))
    return counts
