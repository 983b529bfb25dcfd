"""The daily digest: a person's non-urgent messages, held by notify() (digest_pending), go out once a
day at their digest hour as one message with counts by kind and links.

The scheduler runs `send_digests` every 15 minutes. Each person's day is claimed with a conditional
update of NotificationSettings.last_digest_on under a row lock, so two schedulers never send a person
two digests, and a second run on the same day sends nothing.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import audit
from anjian.core.context import acting_as, system_actor

from .channels.base import absolute_url
from .dispatch import digest_lines, kick
from .kinds import Kind
from .models import ChannelKind, Delivery, Notification, NotificationSettings
from .services import Audience

ACTOR_NAME = "notifications.digest"
# The personal channels a digest may take, in order of preference; a person turns one off with a
# Preference row (kind "digest" or "*").
DIGEST_KIND = Kind("digest", gettext_lazy("每日汇总"), channels=(ChannelKind.EMAIL, ChannelKind.WORK_NOTICE))


def send_digests(now=None):
    """Plan the digest of each person whose digest hour has come today and who has not had one (the
    dispatcher sends it). Returns the number of digest deliveries planned."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(digest_pending=True, created_at__lte=now)
    user_ids = sorted(set(waiting.values_list("recipient_id", flat=True)))
    done = 0
    with acting_as(system_actor(ACTOR_NAME)):
        for user_id in user_ids:
            done += bool(digest_for(user_id, now))
    return done


def settings_row(user_id):
    """The person's settings, created with the defaults when missing (two schedulers may race here:
    the unique user column lets one insert win and the other read it)."""
    row = NotificationSettings.objects.filter(user_id=user_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return NotificationSettings.objects.create(user_id=user_id)
    except IntegrityError:
        return NotificationSettings.objects.get(user_id=user_id)


def claim_day(prefs, today):
    """Whether this run takes `today`'s digest for the person (True for exactly one run)."""
    rows = (
        NotificationSettings.objects.select_for_update()
        .filter(pk=prefs.pk)
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
    )
    return audit.update(rows, last_digest_on=today) == 1


def digest_for(user_id, now):
    """The person's digest delivery (None when no channel reaches them: their messages stay in the
    inbox), or False when it is not their hour yet or today's was already sent."""
    prefs = settings_row(user_id)
    local = timezone.localtime(now)
    if local.hour < prefs.digest_hour:
        return False
    with transaction.atomic():
        if not claim_day(prefs, local.date()):
            return False
        notes = list(
            Notification.objects.filter(
                recipient_id=user_id, digest_pending=True, created_at__lte=now
            ).order_by("created_at", "id")
        )
        delivery = plan_digest(get_user_model().objects.get(pk=user_id), notes, now) if notes else None
        Notification.objects.filter(pk__in=[note.pk for note in notes]).update(digest_pending=False)
        if delivery is not None:
            transaction.on_commit(kick)
    return delivery if notes else False


def digest_route(user):
    """(channel, address) of the person's preferred personal channel for the digest, or None."""
    audience = Audience([user])
    for channel_kind in DIGEST_KIND.channels:
        channel = audience.personal.get(channel_kind)
        address = audience.address(user, channel_kind)
        if channel and address and audience.wants(user, DIGEST_KIND, channel_kind):
            return channel, address
    return None


def plan_digest(user, notes, now):
    route = digest_route(user)
    if route is None:
        return None
    channel, address = route
    groups = defaultdict(list)
    for note in notes:
        groups[note.kind].append((note.text, note.url))
    inbox = reverse("notifications:inbox")
    lines = [*digest_lines(groups, markdown=channel.kind != ChannelKind.EMAIL)]
    lines.append(_("全部消息：%(link)s") % {"link": absolute_url(inbox)})
    return Delivery.objects.create(
        recipient=user,
        channel=channel,
        address=address,
        subject=_("安监平台每日汇总：%(count)d 条待办") % {"count": len(notes)},
        body="\n".join(lines),
        url=inbox,
        is_digest=True,
        next_attempt_at=now,
    )
