"""The demo's messages: the overdue major hazard of 泽国镇 told its enterprise, escalated to the town and
then to the city office, every message in the delivery log; every role has something in its inbox."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from anjian.demo.notifications import STORY_TITLE
from anjian.hazards.models import Hazard
from anjian.notifications.models import Delivery, DeliveryAttempt, Notification
from anjian.notifications.services import unreachable_users


@pytest.fixture
def demo(db):
    call_command("init_demo", enterprises=80, hazards=500, stdout=StringIO())


def told(hazard, kind):
    rows = Notification.objects.filter(object_id=hazard.pk, kind=kind, content_type__model="hazard")
    return sorted(rows.values_list("recipient__username", flat=True))


def test_the_overdue_major_hazard_climbed_from_the_enterprise_to_the_city_office(demo):
    hazard = Hazard.objects.get(title=STORY_TITLE)
    assert hazard.town.name == "泽国镇" and hazard.level == "major"
    # The enterprise and the supervising bureau's people, but not the one who assigned it.
    assigned = told(hazard, "hazard.assigned")
    assert "zeguo_enterprise" in assigned and "yjj_inspector" in assigned and "yjj_dept" not in assigned
    assert told(hazard, "hazard.due_soon") == ["zeguo_enterprise"]
    assert "zeguo_enterprise" in told(hazard, "hazard.overdue") and "yjj_dept" in told(
        hazard, "hazard.overdue"
    )
    escalated = Notification.objects.filter(object_id=hazard.pk, kind="hazard.escalated").order_by(
        "created_at"
    )
    assert [n.recipient.username for n in escalated] == ["zeguo_town", "city_office"]
    # In the order the scheduler would have sent them, each on its own day.
    steps = [n.created_at for n in escalated]
    assert steps[0] < steps[1]
    assert (
        Notification.objects.filter(object_id=hazard.pk, kind="hazard.overdue").first().created_at < steps[0]
    )
    # Urgent: left at once by e-mail, each try logged.
    for note in escalated:
        delivery = Delivery.objects.get(notification=note)
        assert delivery.state == Delivery.State.SENT and delivery.channel.kind == "email"
        assert DeliveryAttempt.objects.filter(delivery=delivery, ok=True).exists()


def test_every_role_has_messages_and_the_grid_worker_is_unreachable(demo):
    for user in get_user_model().objects.filter(
        username__in=["city_office", "zeguo_town", "zeguo_enterprise", "yjj_dept"]
    ):
        assert Notification.objects.filter(recipient=user).exists(), user.username
    assert [u.username for u in unreachable_users()] == ["zeguo_grid"]


def test_running_the_demo_again_tells_nobody_anything_new(demo):
    before = Notification.objects.count(), Delivery.objects.count()
    call_command("init_demo", enterprises=80, hazards=500, stdout=StringIO())
    assert (Notification.objects.count(), Delivery.objects.count()) == before
