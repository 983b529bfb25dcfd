"""Sending deliveries: the outbox's one sender (docs/adr/0007-notifications.md).

`notify()` writes the deliveries in the event's transaction and, after commit, calls `kick()`, which
asks a worker to run `send_due()`; the scheduler also runs `send_due()` every minute, which catches up
whatever a lost kick (a restart, a broken task backend) left behind.

`send_due` claims each due delivery with a conditional UPDATE (state → sending, with a lease), so two
workers never send one delivery twice; a worker that dies mid-send leaves a lease that expires and the
delivery is tried again. Every try is logged (`DeliveryAttempt`); failures are retried with backoff,
then marked failed, and the channel's last error feeds the office's banner (`Channel.failing`).

Providers' limits are kept here, not in the adapters:
- a group robot takes 20 messages a minute: past that, the channel's waiting deliveries are merged
  into one digest delivery sent at the start of the next minute (never dropped, never blocking);
- an SMS number gets at most ANJIAN_SMS_DAILY_CAP messages a day (the inbox entry still stands).
"""

import datetime
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.context import acting_as, system_actor
from anjian.org.models import Role, RoleAssignment

from . import kinds as kinds_module
from .channels import adapter_for
from .channels.base import Outcome, absolute_url
from .models import ROBOT_CHANNELS, Channel, ChannelKind, Delivery, DeliveryAttempt, SendCounter
from .services import notify

logger = logging.getLogger(__name__)

ACTOR_NAME = "notifications.dispatch"
# Waits after the 1st, 2nd, … failed try; the 6th failure is final.
BACKOFF = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Longer than the slowest adapter (10 s timeout, a few round trips), so a live sender keeps its claim.
LEASE = datetime.timedelta(minutes=2)
ROBOT_PER_MINUTE = 20
DEFAULT_SMS_DAILY_CAP = 10
# The channel's health is written at most this often while it stays healthy (or failing with the same
# error): Channel is audited, and one change-log entry per message sent would drown the log.
HEALTH_REFRESH = datetime.timedelta(hours=1)
DIGEST_ITEMS_PER_KIND = 10
DUE_STATES = (Delivery.State.PENDING, Delivery.State.RETRY)


def kick():
    """Ask a worker to send what is due now. Never raises into the caller (it runs after the event's
    commit): a broken task backend is logged, and the scheduler's minute sweep sends the deliveries."""
    try:
        # Imported here: tasks.py imports this module for send_due.
        from .tasks import send_deliveries  # noqa: PLC0415

        send_deliveries.enqueue()
    except Exception:
        logger.exception("notifications: could not enqueue send_deliveries; the minute sweep will send")


def send_due(now=None, limit=500, only=None):
    """Send the deliveries due at `now` (at most `limit`; only those with ids in `only` when given).
    Returns how many were claimed and handled."""
    now = now or timezone.now()
    handled = 0
    with acting_as(system_actor(ACTOR_NAME)):
        for pk in due_ids(now, limit, only):
            delivery = claim(pk, now)
            if delivery is None:
                continue  # another worker has it, or it was merged into a digest meanwhile
            handled += 1
            try:
                process(delivery, now)
            except Exception:
                # Our own bookkeeping failed for this one: its lease expires and it is tried again.
                logger.exception("notifications: delivery %s could not be handled", pk)
        forget_old_counters(now)
    return handled


def due_q(now):
    return Q(state__in=DUE_STATES, next_attempt_at__lte=now) | Q(
        state=Delivery.State.SENDING, lease_until__lte=now
    )


def due_ids(now, limit, only=None):
    rows = Delivery.objects.filter(due_q(now))
    if only is not None:
        rows = rows.filter(pk__in=list(only))
    return list(rows.order_by("-urgent", "next_attempt_at", "id").values_list("pk", flat=True)[:limit])


def claim(pk, now):
    """The delivery, now ours to send, or None when it is no longer due (the UPDATE's condition is
    what keeps two workers apart)."""
    won = Delivery.objects.filter(due_q(now), pk=pk).update(
        state=Delivery.State.SENDING, lease_until=now + LEASE
    )
    if not won:
        return None
    return Delivery.objects.select_related("channel", "notification", "recipient").get(pk=pk)


def process(delivery, now):
    channel = delivery.channel
    if not channel.enabled:
        finish(delivery, Outcome(False, message=_("渠道已停用"), address_error=True), 0)
        return
    if channel.kind in ROBOT_CHANNELS and not take_robot_slot(channel, now):
        if delivery.is_digest:
            release(delivery, next_minute(now))
        else:
            merge_burst(channel, now, including=delivery)
        return
    if channel.kind == ChannelKind.SMS and not take_sms_slot(channel, delivery.address, now):
        finish(delivery, Outcome(False, message=_("已达该号码当日短信上限"), address_error=True), 0)
        return
    outcome, duration_ms = call_adapter(channel, delivery)
    finish(delivery, outcome, duration_ms, now=now)
    if outcome.rate_limited and channel.kind in ROBOT_CHANNELS:
        # The provider counts differently from us (another sender on the same robot): stop this
        # minute and merge what waits.
        saturate_robot(channel, now)
        merge_burst(channel, now)


def call_adapter(channel, delivery):
    adapter = adapter_for(channel.kind)
    if adapter is None:
        return Outcome(False, message=_("该渠道类型没有发送器")), 0
    start = time.perf_counter()
    try:
        outcome = adapter.send(channel, delivery)
    except Exception as error:
        logger.exception("notifications: adapter %s failed on delivery %s", channel.kind, delivery.pk)
        outcome = Outcome(
            False,
            retry=True,
            message=_("发送器异常：%(error)s") % {"error": f"{type(error).__name__}: {error}"},
        )
    return outcome, int((time.perf_counter() - start) * 1000)


# ---- the result of a try -------------------------------------------------------------------------


def next_try(delivery, outcome, attempts, now):
    """(state, next_attempt_at) after a try."""
    if outcome.ok:
        return Delivery.State.SENT, delivery.next_attempt_at
    if not outcome.retry or attempts >= MAX_ATTEMPTS:
        return Delivery.State.FAILED, delivery.next_attempt_at
    wait = BACKOFF[attempts - 1]
    if outcome.retry_after:
        wait = max(wait, datetime.timedelta(seconds=outcome.retry_after))
    when = now + wait
    if outcome.rate_limited and delivery.channel.kind in ROBOT_CHANNELS:
        when = max(when, next_minute(now))
    return Delivery.State.RETRY, when


def finish(delivery, outcome, duration_ms, now=None):
    at = timezone.now()
    now = now or at
    attempts = delivery.attempts + 1
    state, when = next_try(delivery, outcome, attempts, now)
    values = {"state": state, "attempts": attempts, "next_attempt_at": when, "lease_until": None}
    if outcome.ok:
        values.update(sent_at=at, provider_message_id=outcome.provider_message_id[:100], last_error="")
    else:
        values["last_error"] = outcome.message
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            at=at,
            ok=outcome.ok,
            status_code=outcome.status_code,
            provider_code=str(outcome.provider_code)[:50],
            message=str(outcome.message),
            duration_ms=max(0, duration_ms),
        )
        Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(**values)
        if outcome.ok or not (outcome.address_error or outcome.rate_limited):
            note_health(delivery.channel_id, outcome, at)
    return state


def release(delivery, when):
    """Give a claimed delivery back, untried, for `when`."""
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING).update(
        state=Delivery.State.PENDING, next_attempt_at=when, lease_until=None
    )


def note_health(channel_id, outcome, at):
    """Channel.last_ok_at / last_error_at / last_error, for the office's banner."""
    channel = Channel.objects.get(pk=channel_id)
    rows = Channel.objects.filter(pk=channel_id)
    if outcome.ok:
        stale = channel.last_ok_at is None or at - channel.last_ok_at >= HEALTH_REFRESH
        if channel.failing or stale:
            audit.update(rows, last_ok_at=at)
        return
    message = str(outcome.message)[:2000]
    if channel.last_ok_at and at <= channel.last_ok_at:
        at = channel.last_ok_at + datetime.timedelta(microseconds=1)  # the error is the newer news
    stale = channel.last_error_at is None or at - channel.last_error_at >= HEALTH_REFRESH
    if not channel.failing or channel.last_error != message or stale:
        audit.update(rows, last_error_at=at, last_error=message)
    if not channel.failing:
        tell_office_of_failure(channel, message, at)


def tell_office_of_failure(channel, message, at):
    """A channel that starts failing is news for the committee office: in its inbox at once (and by
    its other channels), once a day per channel however often it fails."""
    office = [a.user for a in RoleAssignment.objects.filter(role=Role.CITY_OFFICE).select_related("user")]
    text = _("通知渠道“%(name)s”发送失败：%(error)s。消息仍在站内，渠道恢复后自动重试。") % {
        "name": channel.name,
        "error": message[:200],
    }
    with transaction.atomic():
        notify(
            office,
            kind="system.channel_failed",
            text=text,
            url=reverse("notifications:channels"),
            dedup_key=f"channel:{channel.pk}:failed:{timezone.localdate(at).isoformat()}",
            now=at,
        )


# ---- limits --------------------------------------------------------------------------------------


def minute_start(now):
    return now.replace(second=0, microsecond=0)


def next_minute(now):
    return minute_start(now) + datetime.timedelta(minutes=1)


def day_start(now):
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def take_slot(channel, address, window_start, limit):
    """One more message in the window, if it is under `limit`: the conditional UPDATE is what keeps
    two workers from passing the limit together."""
    counter, _created = SendCounter.objects.get_or_create(
        channel=channel, address=address, window_start=window_start
    )
    return SendCounter.objects.filter(pk=counter.pk, count__lt=limit).update(count=F("count") + 1) == 1


def take_robot_slot(channel, now):
    return take_slot(channel, "", minute_start(now), channel.per_minute or ROBOT_PER_MINUTE)


def saturate_robot(channel, now):
    limit = channel.per_minute or ROBOT_PER_MINUTE
    SendCounter.objects.get_or_create(channel=channel, address="", window_start=minute_start(now))
    SendCounter.objects.filter(channel=channel, address="", window_start=minute_start(now)).update(
        count=limit
    )


def sms_daily_cap(channel):
    return channel.per_address_per_day or getattr(settings, "ANJIAN_SMS_DAILY_CAP", DEFAULT_SMS_DAILY_CAP)


def take_sms_slot(channel, address, now):
    return take_slot(channel, address, day_start(now), sms_daily_cap(channel))


def forget_old_counters(now):
    SendCounter.objects.filter(window_start__lt=now - datetime.timedelta(days=2)).delete()


# ---- a robot's burst merged into one message ---------------------------------------------------------


def merge_burst(channel, now, including=None):
    """Merge the channel's waiting deliveries (and `including`, claimed by us) into one digest
    delivery for the start of the next minute. Returns the digest, or None when nothing waits."""
    start = next_minute(now)
    with transaction.atomic():
        waiting = list(
            Delivery.objects.filter(
                channel=channel, is_digest=False, state=Delivery.State.PENDING, next_attempt_at__lt=start
            ).values_list("pk", flat=True)
        )
        if including is None and not waiting:
            return None
        digest = open_digest(channel, start, including or Delivery.objects.get(pk=waiting[0]))
        merged = {"state": Delivery.State.MERGED, "merged_into": digest, "lease_until": None}
        # Conditional on the state: a delivery another worker claimed meanwhile is sent by it.
        Delivery.objects.filter(pk__in=waiting, state=Delivery.State.PENDING).update(**merged)
        if including is not None:
            Delivery.objects.filter(pk=including.pk, state=Delivery.State.SENDING).update(**merged)
        compose_digest(digest)
    return digest


def open_digest(channel, start, first):
    """The channel's digest for the minute starting at `start`, created on first need."""
    digest = (
        Delivery.objects.select_for_update()
        .filter(channel=channel, is_digest=True, state=Delivery.State.PENDING, next_attempt_at=start)
        .first()
    )
    if digest is None:
        digest = Delivery.objects.create(
            recipient_id=first.recipient_id,
            channel=channel,
            is_digest=True,
            state=Delivery.State.PENDING,
            next_attempt_at=start,
            url=reverse("notifications:inbox"),
        )
    return digest


def compose_digest(digest):
    merged = list(
        Delivery.objects.filter(merged_into=digest)
        .select_related("notification")
        .order_by("created_at", "id")
    )
    groups = defaultdict(list)
    for item in merged:
        groups[item.notification.kind if item.notification else ""].append((item.body, item.url))
    digest.subject = _("安监平台消息汇总：%(count)d 条") % {"count": len(merged)}
    digest.body = "\n".join(digest_lines(groups, markdown=True))
    digest.urgent = any(item.urgent for item in merged)
    digest.address = join_addresses(item.address for item in merged)
    digest.save(update_fields=["subject", "body", "urgent", "address"])


def kind_label(code):
    kind = kinds_module.KINDS.get(code)
    return str(kind.label) if kind else _("消息")


def digest_lines(groups, markdown):
    """Each kind with its count, then its messages with their links; `groups` is {kind: [(text, url)]}
    (markdown for the robots, plain text for e-mail)."""
    lines = []
    for code, items in groups.items():
        label = f"**{kind_label(code)}**" if markdown else f"【{kind_label(code)}】"
        lines.append(_("%(label)s：%(count)d 条") % {"label": label, "count": len(items)})
        for text, url in items[:DIGEST_ITEMS_PER_KIND]:
            link = absolute_url(url)
            if not link:
                lines.append(f"- {text}")
            else:
                lines.append(f"- {text} [{_('查看')}]({link})" if markdown else f"- {text}  {link}")
        if len(items) > DIGEST_ITEMS_PER_KIND:
            lines.append(_("- ……另有 %(count)d 条") % {"count": len(items) - DIGEST_ITEMS_PER_KIND})
        if not markdown:
            lines.append("")
    return lines


def join_addresses(addresses, limit=200):
    """The distinct addresses (phones to @-mention), comma-joined, as many as fit the column."""
    out = []
    for address in addresses:
        if address and address not in out and len(",".join([*out, address])) <= limit:
            out.append(address)
    return ",".join(out)
