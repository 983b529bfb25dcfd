"""The dispatcher against a real HTTP provider on loopback: claims, retries with backoff, the robots'
20-a-minute limit with the burst merged into one digest, SMS daily caps, per-channel isolation."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django_tasks_db.models import DBTaskResult

from anjian.core.models import AuditEntry
from anjian.notifications import dispatch
from anjian.notifications.models import Channel, ChannelKind, Delivery, DeliveryAttempt, Notification
from anjian.notifications.services import notify

from .provider_server import (
    DINGTALK_SIGN_WRONG,
    DINGTALK_TOO_FAST,
    SMS_OK,
    WECOM_TOO_FAST,
    Hold,
    ProviderServer,
    Reply,
    make_channel,
    make_person,
    make_unit,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime.datetime(2026, 12, 7, 9, 0, 5, tzinfo=SHANGHAI)
SMS_CONFIG = {
    "access_key_id": "id",
    "access_key_secret": "s",
    "sign_name": "安监平台",
    "template_code": "SMS_1",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    with ProviderServer() as server:
        yield server


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MONDAY_9, tick=False)
    return time_machine


def robot(provider, unit, kind=ChannelKind.DINGTALK_ROBOT, **config):
    return make_channel(
        kind,
        unit=unit,
        code=f"robot-{unit.pk}-{kind}",
        webhook=provider.url("/robot/send?access_token=t"),
        **config,
    )


def urgent(user, text="重大隐患逾期", kind="hazard.escalated", n=None):
    return notify(
        [user], kind=kind, text=text if n is None else f"{text} #{n}", url="/hazards/1/", urgent=True
    )


def test_a_delivery_is_sent_once_and_logged(provider, clock):
    unit = make_unit()
    channel = robot(provider, unit)
    user = make_person("a", phone="13800000001", unit=unit)
    urgent(user)
    assert dispatch.send_due() == 1
    assert dispatch.send_due() == 0  # nothing left that is due
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 1
    assert len(provider.requests) == 1
    attempt = DeliveryAttempt.objects.get()
    assert attempt.ok and attempt.status_code == 200 and attempt.provider_code == "0"
    channel.refresh_from_db()
    assert channel.last_ok_at is not None and not channel.failing


def test_25_robot_messages_in_a_minute_send_20_and_merge_5_into_one_digest(provider, clock, settings):
    settings.ANJIAN_SITE_URL = "https://aj.example.gov.cn"
    unit = make_unit()
    channel = robot(provider, unit)
    user = make_person("a", phone="13800000001", unit=unit)
    for n in range(22):
        urgent(user, n=n)
    for n in range(3):
        urgent(user, text="考核排名发布", kind="ranking.published", n=n)
    dispatch.send_due()
    assert len(provider.requests) == 20
    states = Delivery.objects.filter(is_digest=False).values_list("state", flat=True)
    assert sorted(states).count(Delivery.State.SENT) == 20
    merged = Delivery.objects.filter(state=Delivery.State.MERGED)
    assert merged.count() == 5
    digest = Delivery.objects.get(is_digest=True)
    assert set(merged.values_list("merged_into", flat=True)) == {digest.pk}
    assert digest.state == Delivery.State.PENDING and digest.channel == channel
    assert digest.next_attempt_at == datetime.datetime(2026, 12, 7, 9, 1, tzinfo=SHANGHAI)
    assert "5 条" in digest.subject
    assert "**重大隐患逾期升级**：2 条" in digest.body and "**考核排名发布**：3 条" in digest.body
    assert "https://aj.example.gov.cn/hazards/1/" in digest.body and "重大隐患逾期 #21" in digest.body

    assert dispatch.send_due() == 0  # the digest waits for the next minute
    clock.move_to(datetime.datetime(2026, 12, 7, 9, 1, 0, tzinfo=SHANGHAI), tick=False)
    assert dispatch.send_due() == 1
    assert len(provider.requests) == 21
    text = provider.requests[-1].json["markdown"]["text"]
    assert "考核排名发布" in text and "@13800000001" in text
    digest.refresh_from_db()
    assert digest.state == Delivery.State.SENT


def test_the_minute_limit_is_the_channels_own_when_set(provider, clock):
    unit = make_unit()
    channel = robot(provider, unit)
    channel.per_minute = 3
    channel.save()
    user = make_person("a", unit=unit)
    for n in range(5):
        urgent(user, n=n)
    dispatch.send_due()
    assert len(provider.requests) == 3
    assert Delivery.objects.filter(state=Delivery.State.MERGED).count() == 2


def test_a_rate_limit_answer_retries_after_backoff_then_sends(provider, clock):
    unit = make_unit()
    robot(provider, unit)
    user = make_person("a", unit=unit)
    urgent(user)
    provider.answer(Reply(200, DINGTALK_TOO_FAST))
    dispatch.send_due()
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.RETRY and delivery.attempts == 1
    assert delivery.next_attempt_at >= MONDAY_9 + datetime.timedelta(minutes=1)
    assert DeliveryAttempt.objects.get().provider_code == "130101"
    assert dispatch.send_due() == 0
    clock.shift(datetime.timedelta(seconds=59))
    assert dispatch.send_due() == 0  # the backoff is not over yet
    clock.shift(datetime.timedelta(seconds=1))
    assert dispatch.send_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 2
    assert list(DeliveryAttempt.objects.order_by("id").values_list("ok", flat=True)) == [False, True]


def test_a_provider_rate_limit_merges_what_waits(provider, clock):
    unit = make_unit()
    robot(provider, unit, kind=ChannelKind.WECOM_ROBOT)
    user = make_person("a", unit=unit)
    for n in range(4):
        urgent(user, n=n)
    provider.answer(Reply(200, WECOM_TOO_FAST))
    dispatch.send_due()
    assert len(provider.requests) == 1  # the other three never reach the provider this minute
    assert Delivery.objects.filter(state=Delivery.State.RETRY).count() == 1
    assert Delivery.objects.filter(state=Delivery.State.MERGED).count() == 3
    assert Delivery.objects.get(is_digest=True).body.count("重大隐患逾期 #") == 3


def test_backoff_grows_and_the_sixth_failure_is_final(provider, clock):
    unit = make_unit()
    robot(provider, unit)
    urgent(make_person("a", unit=unit))
    provider.default = Reply(503, "busy")
    waits = []
    for _ in range(6):
        delivery = Delivery.objects.get()
        clock.move_to(max(delivery.next_attempt_at, MONDAY_9), tick=False)
        before = delivery.next_attempt_at
        assert dispatch.send_due() == 1
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - max(before, MONDAY_9))
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 6
    minutes = [w.total_seconds() / 60 for w in waits[:5]]
    assert minutes == [1, 5, 30, 120, 360]
    assert DeliveryAttempt.objects.filter(ok=False, status_code=503).count() == 6


def test_a_wrong_secret_fails_and_the_channel_shows_the_error(provider, clock):
    unit = make_unit()
    channel = robot(provider, unit, secret="SECwrong")
    user = make_person("a", unit=unit)
    (note,) = urgent(user)
    provider.answer(Reply(200, DINGTALK_SIGN_WRONG))
    dispatch.send_due()
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 1
    assert "签名" in delivery.last_error
    channel.refresh_from_db()
    assert channel.failing and "签名" in channel.last_error and "sign not match" in channel.last_error
    assert Notification.objects.filter(pk=note.pk).exists()  # nothing is lost: the inbox entry stands
    # The health change is in the change log, under the dispatcher.
    entry = AuditEntry.objects.filter(model="notifications.channel", action="update").latest("id")
    assert entry.actor_name == "system:notifications.dispatch"
    # Fixed, it recovers on the next success.
    urgent(user, n=2)
    dispatch.send_due()
    channel.refresh_from_db()
    assert not channel.failing


def test_a_broken_robot_does_not_stop_the_e_mail_of_the_same_notification(provider, clock):
    unit = make_unit()
    make_channel(ChannelKind.EMAIL, code="smtp")
    # A config the adapter chokes on (the secret a JSON number, not text): the exception stays with it.
    broken = make_channel(
        ChannelKind.DINGTALK_ROBOT,
        unit=unit,
        code="broken",
        webhook=provider.url("/r?access_token=t"),
        secret=12345,
    )
    failing = robot(provider, unit, kind=ChannelKind.WECOM_ROBOT)
    provider.default = Reply(500, "down")
    user = make_person("a", email="a@example.org", unit=unit)
    urgent(user)
    assert Delivery.objects.count() == 3
    assert dispatch.send_due() == 3
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.org"]
    by_channel = {d.channel.code: d for d in Delivery.objects.select_related("channel")}
    assert by_channel["smtp"].state == Delivery.State.SENT
    assert by_channel["broken"].state == Delivery.State.RETRY
    assert "发送器异常" in by_channel["broken"].last_error
    assert by_channel[failing.code].state == Delivery.State.RETRY
    broken.refresh_from_db()
    assert broken.failing


def test_sms_stops_at_the_daily_cap_per_number(provider, clock, settings):
    settings.ANJIAN_SMS_DAILY_CAP = 2
    make_channel(ChannelKind.SMS, code="sms", endpoint=provider.url("/"), **SMS_CONFIG)
    provider.default = Reply(200, SMS_OK)
    user = make_person("a", phone="13800000001")
    other = make_person("b", phone="13900000002")
    for n in range(3):
        urgent(user, n=n)
    urgent(other)
    dispatch.send_due()
    assert sorted(r.form["PhoneNumbers"] for r in provider.requests) == ["13800000001"] * 2 + ["13900000002"]
    capped = Delivery.objects.get(state=Delivery.State.FAILED)
    assert capped.address == "13800000001" and capped.last_error == "已达该号码当日短信上限"
    assert DeliveryAttempt.objects.get(delivery=capped).message == "已达该号码当日短信上限"
    assert Notification.objects.filter(recipient=user).count() == 3  # the inbox still has all three
    assert not Channel.objects.get(code="sms").failing
    clock.move_to(MONDAY_9 + datetime.timedelta(days=1), tick=False)
    urgent(user, n=9)
    dispatch.send_due()
    assert len(provider.requests) == 4  # a new day, a new allowance


def test_the_channels_own_daily_cap_wins_over_the_setting(provider, clock):
    channel = make_channel(ChannelKind.SMS, code="sms", endpoint=provider.url("/"), **SMS_CONFIG)
    channel.per_address_per_day = 1
    channel.save()
    provider.default = Reply(200, SMS_OK)
    user = make_person("a", phone="13800000001")
    urgent(user, n=1)
    urgent(user, n=2)
    dispatch.send_due()
    assert len(provider.requests) == 1


def test_work_notice_biz_msg_id_is_the_same_across_a_retry(provider, clock):
    make_channel(
        ChannelKind.WORK_NOTICE,
        code="zzd",
        endpoint=provider.url("/message/workNotification"),
        app_key="k",
        app_secret="s",
    )
    urgent(make_person("a", work_notice_id="zzd-42"))
    provider.answer(
        Reply(502, "gateway"), Reply(200, {"success": True, "content": {"success": True, "data": "m1"}})
    )
    dispatch.send_due()
    clock.shift(datetime.timedelta(minutes=1))
    dispatch.send_due()
    first, second = provider.requests
    assert first.form["bizMsgId"] == second.form["bizMsgId"] == f"anjian-delivery-{Delivery.objects.get().pk}"
    assert Delivery.objects.get().state == Delivery.State.SENT


def test_a_claimed_delivery_cannot_be_claimed_again():
    user = make_person("a", email="a@example.org")
    make_channel(ChannelKind.EMAIL, code="smtp")
    urgent(user)
    delivery = Delivery.objects.get()
    assert dispatch.claim(delivery.pk, delivery.next_attempt_at) is not None
    assert dispatch.claim(delivery.pk, delivery.next_attempt_at) is None
    # Until its lease runs out: a worker that died mid-send leaves it to be tried again.
    assert dispatch.claim(delivery.pk, delivery.next_attempt_at + dispatch.LEASE) is not None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_senders_never_send_one_delivery_twice(provider):
    unit = make_unit()
    robot(provider, unit)
    urgent(make_person("a", unit=unit))
    release = threading.Event()
    provider.answer(Hold(release))
    results = {}

    def worker():
        try:
            results["worker"] = dispatch.send_due()
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert provider.wait_for(1), "the first sender never reached the provider"
        # The first sender is inside its HTTP call, holding the claim: the second finds nothing.
        results["main"] = dispatch.send_due()
    finally:
        release.set()
        thread.join(20)
    assert results == {"worker": 1, "main": 0}
    assert len(provider.requests) == 1
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 1


def test_kick_never_raises_into_the_caller(settings, caplog):
    settings.TASKS = {"default": {"BACKEND": "no.such.Backend"}}
    dispatch.kick()
    assert "could not enqueue" in caplog.text


def test_kick_enqueues_the_send_task():
    dispatch.kick()
    assert DBTaskResult.objects.get().task_path == "anjian.notifications.tasks.send_deliveries"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_over_many_deliveries_send_each_once(provider):
    make_channel(ChannelKind.SMS, code="sms", endpoint=provider.url("/"), **SMS_CONFIG)
    provider.default = Reply(200, SMS_OK)
    for n in range(30):
        urgent(make_person(f"p{n}", phone=f"1380000{n:04d}"))
    start = threading.Barrier(2)
    counts = []

    def worker():
        try:
            start.wait(10)
            counts.append(dispatch.send_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(counts) == 30
    phones = [request.form["PhoneNumbers"] for request in provider.requests]
    assert len(phones) == len(set(phones)) == 30
    assert Delivery.objects.filter(state=Delivery.State.SENT, attempts=1).count() == 30


def test_after_commit_the_kick_sends_through_the_task_backend(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    make_channel(ChannelKind.EMAIL, code="smtp")
    user = make_person("a", email="a@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        urgent(user)
    assert mail.outbox == [] and len(callbacks) == 1  # nothing leaves before the commit
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().state == Delivery.State.SENT


def test_a_channel_that_starts_failing_tells_the_office_once_a_day(provider, clock):
    from anjian.org.models import Role
    from anjian.testing import make_user

    office = make_user("office", Role.CITY_OFFICE)
    unit = make_unit()
    channel = robot(provider, unit, secret="SECwrong")
    user = make_person("a", unit=unit)
    provider.answer(Reply(200, DINGTALK_SIGN_WRONG))
    provider.answer(Reply(200, DINGTALK_SIGN_WRONG))
    urgent(user, n=1)
    urgent(user, n=2)
    dispatch.send_due()
    assert Delivery.objects.filter(state=Delivery.State.FAILED).count() == 2
    told = Notification.objects.filter(kind="system.channel_failed")
    assert [n.recipient for n in told] == [office]
    assert channel.name in told.get().text and "签名" in told.get().text
    assert told.get().url == "/notifications/office/channels/"
