"""The inbox on the page and on the API: a person's own messages, cut to what they may still see."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.api.models import ApiToken
from anjian.notifications import services
from anjian.notifications.models import Notification, Rule

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def tell(world, who, about_key="ent_a", text="测试消息：泽国精工机械有限公司隐患即将到期", **kwargs):
    subject = world.subjects[about_key]
    with transaction.atomic():
        return services.notify(
            [world.users[who]],
            kind="hazard.due_soon",
            text=text,
            about=subject,
            url=f"/subjects/{subject.pk}/",
            **kwargs,
        )[0]


def test_the_bell_counts_only_my_unread_messages(world):
    tell(world, "enterprise")
    tell(world, "city")
    page = client_for(world.users["enterprise"]).get(reverse("notifications:inbox"))
    html = page.content.decode()
    assert 'data-unread="1"' in html
    assert "即将到期" in html


def test_opening_marks_read_and_goes_to_the_object(world):
    note = tell(world, "enterprise")
    client = client_for(world.users["enterprise"])
    answer = client.get(reverse("notifications:open", args=[note.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == f"/subjects/{world.subjects['ent_a'].pk}/"
    note.refresh_from_db()
    assert note.read
    assert 'data-unread="0"' in client.get(reverse("notifications:inbox")).content.decode()


def test_someone_elses_message_is_not_found(world):
    note = tell(world, "enterprise")
    client = client_for(world.users["town_b"])
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert not note.read


def test_a_message_about_an_object_out_of_scope_shows_no_text_and_no_link(world):
    # town_b was told about a subject of 泽国镇 (say before a boundary change): it stays, but blind.
    note = tell(world, "town_b", text="MARK-OUT-OF-SCOPE 泽国精工")
    client = client_for(world.users["town_b"])
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "MARK-OUT-OF-SCOPE" not in html
    assert "不在您的查看范围内" in html
    answer = client.get(reverse("notifications:open", args=[note.pk]))
    assert answer["Location"] == reverse("notifications:inbox")


def test_a_stored_link_to_another_site_is_never_followed(world):
    note = tell(world, "enterprise")
    Notification.objects.filter(pk=note.pk).update(
        url="https://evil.example/phish", content_type=None, object_id=None
    )
    answer = client_for(world.users["enterprise"]).get(reverse("notifications:open", args=[note.pk]))
    assert answer["Location"] == reverse("notifications:inbox")
    answer = client_for(world.users["enterprise"]).post(
        reverse("notifications:read_all"), {"next": "//evil.example/"}
    )
    assert answer["Location"] == reverse("notifications:inbox")


def test_read_all(world):
    for n in range(3):
        tell(world, "enterprise", text=f"消息 {n}")
    client = client_for(world.users["enterprise"])
    client.post(reverse("notifications:read_all"))
    assert services.unread_count(world.users["enterprise"]) == 0


def test_the_api_gives_the_tokens_user_their_inbox(world):
    tell(world, "enterprise", text="第一条")
    read = tell(world, "enterprise", text="第二条")
    services.mark_read(world.users["enterprise"], [read.pk])
    tell(world, "city", text="别人的")
    token = ApiToken.issue(world.users["enterprise"], timezone.now() + timedelta(days=1))
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get("/api/v1/notifications", **headers).json()
    assert body["count"] == 2 and body["unread"] == 1
    assert [item["text"] for item in body["items"]] == ["第二条", "第一条"]
    assert set(body["items"][0]) == {"id", "kind", "text", "url", "created_at", "read"}
    assert body["items"][0]["read"] is True and body["items"][1]["read"] is False
    unread = client.get("/api/v1/notifications?unread=true", **headers).json()
    assert unread["count"] == 1
    bad = client.get("/api/v1/notifications?unread=maybe", **headers)
    assert bad.status_code == 400 and "unread" in bad.json()["detail"]


def test_settings_save_and_bad_quiet_hours_change_nothing(world):
    client = client_for(world.users["enterprise"])
    fields = {
        "digest": "on",
        "digest_hour": "9",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "work_notice_id": "",
    }
    assert client.post(reverse("notifications:settings"), fields).status_code == 302
    settings_row = world.users["enterprise"].notify_settings
    assert settings_row.digest_hour == 9 and str(settings_row.quiet_start) == "22:00:00"
    bad = client.post(reverse("notifications:settings"), {**fields, "quiet_end": "", "digest_hour": "30"})
    assert bad.status_code == 400
    settings_row.refresh_from_db()
    assert settings_row.digest_hour == 9 and str(settings_row.quiet_end) == "07:00:00"


def test_only_the_office_reads_the_delivery_pages_and_edits_rules(world):
    for name in ("deliveries", "channels", "unreachable", "rules"):
        assert client_for(world.users["town_a"]).get(reverse(f"notifications:{name}")).status_code == 403
        assert client_for(world.users["city"]).get(reverse(f"notifications:{name}")).status_code == 200
    office = client_for(world.users["city"])
    assert (
        office.post(
            reverse("notifications:rules"),
            {"hazard.due_soon-enabled": "on", "hazard.due_soon-lead_days": "-2"},
        ).status_code
        == 400
    )
    assert not Rule.objects.exists()
    answer = office.post(
        reverse("notifications:rules"), {"hazard.due_soon-enabled": "on", "hazard.due_soon-lead_days": "5"}
    )
    assert answer.status_code == 302
    assert services.rule_for("hazard.due_soon").lead_days == 5
    assert not services.rule_for("hazard.overdue").enabled  # unticked on the page: turned off


def test_unreachable_lists_people_with_no_address(world):
    world.users["city"].email = "office@example.org"
    world.users["city"].save()
    html = client_for(world.users["city"]).get(reverse("notifications:unreachable")).content.decode()
    assert "enterprise" in html and ">city<" not in html
