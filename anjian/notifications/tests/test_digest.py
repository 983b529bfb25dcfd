"""The daily digest: held non-urgent messages go out once a day at the person's hour, with counts by
kind and links; a second run the same day sends nothing."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from anjian.jobs.registry import autodiscover
from anjian.notifications import digest, dispatch
from anjian.notifications.models import ChannelKind, Delivery, Notification, NotificationSettings, Preference
from anjian.notifications.services import notify

from .provider_server import make_channel, make_person

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(hour, minute=0, day=7):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def person(time_machine, settings):
    settings.ANJIAN_SITE_URL = "https://aj.example.gov.cn"
    time_machine.move_to(at(6, 30), tick=False)
    make_channel(ChannelKind.EMAIL, code="smtp")
    return make_person("zhao", email="zhao@example.org")


def five_messages(user):
    for n in range(3):
        notify([user], kind="hazard.assigned", text=f"新交办隐患 {n}", url=f"/hazards/{n}/")
    for n in range(2):
        notify([user], kind="plan.report_due", text=f"任务报送提醒 {n}", url=f"/plans/tasks/{n}/")


def test_five_held_messages_make_one_digest_at_eight(person, time_machine):
    five_messages(person)
    assert Notification.objects.filter(recipient=person, digest_pending=True).count() == 5
    assert not Delivery.objects.exists()  # held for the digest, nothing leaves at once

    time_machine.move_to(at(7, 45), tick=False)
    assert digest.send_digests() == 0  # not their hour yet
    time_machine.move_to(at(8, 0), tick=False)
    assert digest.send_digests() == 1
    assert dispatch.send_due() == 1
    (message,) = mail.outbox
    assert message.subject == "安监平台每日汇总：5 条待办"
    assert message.to == ["zhao@example.org"]
    assert "【隐患交办】：3 条" in message.body and "【工作任务报送提醒】：2 条" in message.body
    assert "https://aj.example.gov.cn/hazards/2/" in message.body
    assert "https://aj.example.gov.cn/notifications/" in message.body
    assert not Notification.objects.filter(digest_pending=True).exists()
    assert NotificationSettings.objects.get(user=person).last_digest_on == datetime.date(2026, 12, 7)

    # Later the same day: a new held message waits for tomorrow, and a second run sends nothing.
    notify([person], kind="hazard.assigned", text="下午新交办", url="/hazards/9/")
    time_machine.move_to(at(8, 15), tick=False)
    assert digest.send_digests() == 0
    assert Delivery.objects.filter(is_digest=True).count() == 1
    time_machine.move_to(at(8, 0, day=8), tick=False)
    assert digest.send_digests() == 1
    assert "1 条待办" in Delivery.objects.filter(is_digest=True).latest("id").subject


def test_the_persons_own_digest_hour(person, time_machine):
    NotificationSettings.objects.create(user=person, digest_hour=17)
    five_messages(person)
    time_machine.move_to(at(9), tick=False)
    assert digest.send_digests() == 0
    time_machine.move_to(at(17, 5), tick=False)
    assert digest.send_digests() == 1


def test_a_day_is_claimed_once(person):
    prefs = digest.settings_row(person.pk)
    today = datetime.date(2026, 12, 7)
    assert digest.claim_day(prefs, today) is True
    assert digest.claim_day(prefs, today) is False  # a second scheduler on the same day
    assert digest.claim_day(prefs, today + datetime.timedelta(days=1)) is True


def test_without_e_mail_the_digest_takes_the_work_notice(time_machine):
    time_machine.move_to(at(6), tick=False)
    make_channel(ChannelKind.EMAIL, code="smtp")
    channel = make_channel(
        ChannelKind.WORK_NOTICE, code="zzd", endpoint="http://127.0.0.1:9/", app_key="k", app_secret="s"
    )
    user = make_person("qian", work_notice_id="zzd-7")
    five_messages(user)
    time_machine.move_to(at(8), tick=False)
    digest.send_digests()
    delivery = Delivery.objects.get(is_digest=True)
    assert delivery.channel == channel and delivery.address == "zzd-7"


def test_a_person_no_channel_reaches_keeps_the_inbox_and_gets_no_second_try(person, time_machine):
    Preference.objects.create(user=person, kind="*", channel=ChannelKind.EMAIL, enabled=True)
    Preference.objects.create(user=person, kind="digest", channel=ChannelKind.EMAIL, enabled=False)
    five_messages(person)
    time_machine.move_to(at(8), tick=False)
    digest.send_digests()
    assert not Delivery.objects.filter(is_digest=True).exists()
    assert Notification.objects.filter(recipient=person).count() == 5
    assert not Notification.objects.filter(digest_pending=True).exists()


def test_the_jobs_are_registered():
    jobs = autodiscover()
    assert jobs["notifications.send_due"].every == datetime.timedelta(minutes=1)
    assert jobs["notifications.digest"].every == datetime.timedelta(minutes=15)
    assert jobs["notifications.digest"].func(at(8)) == 0  # a job of `now`, nothing held


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_one_digest():
    make_channel(ChannelKind.EMAIL, code="smtp")
    users = [make_person(f"p{n}", email=f"p{n}@example.org") for n in range(5)]
    for user in users:
        for n in range(3):
            notify([user], kind="hazard.assigned", text=f"交办 {n}", now=at(7))
    start = threading.Barrier(2)
    counts = []

    def scheduler():
        try:
            start.wait(10)
            counts.append(digest.send_digests(now=at(8)))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(counts) == 5
    assert Delivery.objects.filter(is_digest=True).count() == 5
    assert sorted(Delivery.objects.values_list("address", flat=True)) == [
        f"p{n}@example.org" for n in range(5)
    ]
