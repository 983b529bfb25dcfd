"""Telling people: `notify` is the platform's one way to send a message (docs/adr/0007-notifications.md).

A rule in a domain app calls `notify(...)` inside the transaction of the event that causes the message.
That writes the inbox entries and, per person and channel, the deliveries; after commit the dispatcher
(anjian.notifications.dispatch) sends them. A channel that fails never undoes the event or the inbox
entry: it only retries, then logs the failure for the office.

Who gets which channel:
- in-app, always;
- the kind's default channels (kinds.py), changed per person by `Preference` rows; SMS only where the
  kind lists it (urgent kinds) or the person turned it on;
- a group robot when one is configured for the person's unit;
- non-urgent messages outside the inbox wait for the person's daily digest when they take it (the
  default), else they leave at once — but not in their quiet hours, which hold them until the end.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from anjian.core.context import actor_function
from anjian.org.models import Person

from . import kinds as kinds_module
from .models import (
    PERSONAL_CHANNELS,
    ROBOT_CHANNELS,
    Channel,
    ChannelKind,
    Delivery,
    Notification,
    NotificationSettings,
    Preference,
    Rule,
)

DEFAULT_SETTINGS = NotificationSettings(digest=True, digest_hour=8)


def rule_for(code):
    """The office's rule for a kind, with the kind's defaults where the office set nothing."""
    kind = kinds_module.kind(code)
    rule = Rule.objects.filter(kind=code).first()
    if rule is None:
        return Rule(kind=code, enabled=True, lead_days=kind.lead_days, escalate_days=kind.escalate_days)
    if rule.lead_days is None:
        rule.lead_days = kind.lead_days
    if rule.escalate_days is None:
        rule.escalate_days = kind.escalate_days
    return rule


@dataclass(frozen=True)
class Message:
    """One message for `notify_many`: the same arguments as `notify`."""

    recipients: tuple
    kind: str
    text: str
    about: object = None
    url: str = ""
    urgent: bool | None = None
    dedup_key: str = ""


def notify(recipients, *, kind, text, about=None, url="", urgent=None, dedup_key="", now=None):
    """Tell each of `recipients` (users) `text` about `about` (a model instance, or None).

    Returns the notifications created. A recipient who already has a message with `dedup_key` gets
    nothing new: that is how a sweep that runs twice, or two schedulers at once, tell a person once.
    Must be called inside the transaction of the event (it uses the caller's atomic block)."""
    message = Message(tuple(recipients), kind, text, about, url, urgent, dedup_key)
    return notify_many([message], now=now)


def notify_many(messages, now=None):
    """`notify` for many messages at once (a sweep's batch): one dedup read, one insert and one look
    at the recipients' channels for all of them. Returns the notifications created."""
    now = now or timezone.now()
    rules, rows, kind_of = {}, [], {}
    for message in messages:
        kind_def = kinds_module.kind(message.kind)
        if message.kind not in rules:
            rules[message.kind] = rule_for(message.kind).enabled
        if not rules[message.kind]:
            continue
        users = _distinct_active(message.recipients)
        if not users:
            continue
        content_type, object_id = _about(message.about)
        url = message.url
        if not url and message.about is not None and hasattr(message.about, "get_absolute_url"):
            url = message.about.get_absolute_url()
        urgent = kind_def.urgent if message.urgent is None else message.urgent
        kind_of[message.kind] = kind_def
        rows.extend(
            Notification(
                recipient=user,
                kind=message.kind,
                text=message.text[:500],
                url=url,
                content_type=content_type,
                object_id=object_id,
                urgent=urgent,
                dedup_key=message.dedup_key,
                created_at=now,
            )
            for user in users
        )
    if not rows:
        return []
    with transaction.atomic():
        created = _insert_once(rows)
        if created:
            plan_deliveries(created, kind_of, now)
    return created


def _distinct_active(recipients):
    seen, users = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def _about(about):
    if about is None:
        return None, None
    return ContentType.objects.get_for_model(about), about.pk


def _insert_once(rows):
    keyed = [row for row in rows if row.dedup_key]
    if keyed:
        already = set(
            Notification.objects.filter(
                recipient_id__in={row.recipient.pk for row in keyed},
                dedup_key__in={row.dedup_key for row in keyed},
            ).values_list("recipient_id", "dedup_key")
        )
        seen = set()
        kept = []
        for row in rows:
            key = (row.recipient.pk, row.dedup_key)
            if row.dedup_key and (key in already or key in seen):
                continue
            seen.add(key)
            kept.append(row)
        rows = kept
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        # Another process inserted some of them between our read and our write: one by one, keeping
        # whichever the other did not.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                created.append(row)
            except IntegrityError:
                continue
        return created


class Audience:
    """What `plan_deliveries` needs to know of the recipients, loaded in a few queries."""

    def __init__(self, users):
        ids = [user.pk for user in users]
        self.settings = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=ids)}
        self.preferences = defaultdict(dict)
        for pref in Preference.objects.filter(user_id__in=ids):
            self.preferences[pref.user_id][(pref.kind, pref.channel)] = pref.enabled
        self.people = {}
        for person in Person.objects.filter(user_id__in=ids):
            self.people[person.user_id] = person
        channels = list(Channel.objects.filter(enabled=True))
        self.personal = {}
        for channel in channels:
            if channel.kind in PERSONAL_CHANNELS and channel.unit_id is None:
                self.personal.setdefault(channel.kind, channel)
        self.robots = defaultdict(list)
        for channel in channels:
            if channel.kind in ROBOT_CHANNELS and channel.unit_id:
                self.robots[channel.unit_id].append(channel)

    def settings_of(self, user):
        return self.settings.get(user.pk, DEFAULT_SETTINGS)

    def wants(self, user, kind_def, channel_kind):
        choices = self.preferences.get(user.pk, {})
        for key in ((kind_def.code, channel_kind), ("*", channel_kind)):
            if key in choices:
                return choices[key]
        return channel_kind in kind_def.channels

    def address(self, user, channel_kind):
        person = self.people.get(user.pk)
        if channel_kind == ChannelKind.EMAIL:
            return user.email
        if channel_kind == ChannelKind.SMS:
            return person.phone if person else ""
        if channel_kind == ChannelKind.WORK_NOTICE:
            return self.settings_of(user).work_notice_id
        # Robots post into the group and @-mention the person by phone where known.
        return person.phone if person else ""

    def routes(self, user, kind_def):
        """(channel, address) pairs this person is reached on for this kind, in-app aside."""
        out = []
        for channel_kind in PERSONAL_CHANNELS:
            channel = self.personal.get(channel_kind)
            address = self.address(user, channel_kind)
            if channel and address and self.wants(user, kind_def, channel_kind):
                out.append((channel, address))
        person = self.people.get(user.pk)
        for channel in self.robots.get(person.unit_id if person else None, ()):
            if self.wants(user, kind_def, channel.kind):
                out.append((channel, self.address(user, channel.kind)))
        return out


def plan_deliveries(notifications, kinds_by_code, now):
    """The deliveries of new notifications (`kinds_by_code`: their kinds' definitions by code)."""
    if not Channel.objects.filter(enabled=True).exists():
        return []  # in-app only: nothing to plan, and no need to look at anyone's addresses
    audience = Audience([n.recipient for n in notifications])
    deliveries, digest_ids = [], []
    for note in notifications:
        kind_def = kinds_by_code[note.kind]
        user = note.recipient
        routes = audience.routes(user, kind_def)
        if not routes:
            continue
        prefs = audience.settings_of(user)
        if not note.urgent and prefs.digest:
            digest_ids.append(note.pk)
            continue
        when = now if note.urgent else end_of_quiet_hours(prefs, now)
        for channel, address in routes:
            deliveries.append(
                Delivery(
                    notification=note,
                    recipient=user,
                    channel=channel,
                    address=address,
                    subject=str(kind_def.label),
                    body=note.text,
                    url=note.url,
                    urgent=note.urgent,
                    next_attempt_at=when,
                )
            )
    if digest_ids:
        Notification.objects.filter(pk__in=digest_ids).update(digest_pending=True)
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        transaction.on_commit(_kick_dispatcher)
    return deliveries


def _kick_dispatcher():
    from .dispatch import kick  # noqa: PLC0415 (the dispatcher imports this module)

    kick()


def end_of_quiet_hours(prefs, now):
    """`now`, or the end of the person's quiet hours when `now` falls inside them (local time)."""
    start, end = prefs.quiet_start, prefs.quiet_end
    if start is None or end is None or start == end:
        return now
    local = timezone.localtime(now)
    t = local.time()
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return now
    end_day = local.date() if t < end else local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(end_day, end))


# ---- the reader's side ---------------------------------------------------------------------------


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, notification_ids=None, now=None):
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    return rows.update(read_at=now or timezone.now())


@actor_function
def save_settings(actor, *, digest, digest_hour, quiet_start, quiet_end, work_notice_id, choices):
    """A person's own settings and their channel choices by kind (`choices`: {(kind, channel): bool})."""
    with transaction.atomic():
        NotificationSettings.objects.update_or_create(
            user=actor,
            defaults={
                "digest": digest,
                "digest_hour": digest_hour,
                "quiet_start": quiet_start,
                "quiet_end": quiet_end,
                "work_notice_id": work_notice_id,
            },
        )
        for (kind, channel), enabled in choices.items():
            Preference.objects.update_or_create(
                user=actor, kind=kind, channel=channel, defaults={"enabled": enabled}
            )


@actor_function
def save_rule(actor, kind, *, enabled, lead_days, escalate_days):
    kinds_module.kind(kind)
    Rule.objects.update_or_create(
        kind=kind, defaults={"enabled": enabled, "lead_days": lead_days, "escalate_days": escalate_days}
    )


def unreachable_users():
    """Active users whom no channel but the inbox reaches: no e-mail, no phone, no work-notice id."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, email="")
        .exclude(person__phone__gt="")
        .exclude(notify_settings__work_notice_id__gt="")
        .select_related("person", "person__unit")
        .order_by("username")
    )
