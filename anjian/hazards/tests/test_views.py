"""The hazard pages through Django's test client: list and filters, detail, transitions, reporting."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from anjian.hazards import services
from anjian.hazards.models import Hazard, HazardEvent, Status


@pytest.fixture
def client_for(world):
    def make(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return make


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name="fix.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def report(world, subject="ent_a", title="消防通道堵塞", **kwargs):
    return services.report_hazard(world.users["city"], world.subjects[subject].pk, title, **kwargs)


def test_list_shows_only_the_scope_and_filters_work(world, client_for):
    report(world, "ent_a", "泽国甲隐患")
    report(world, "ent_b", "大溪乙隐患", level="major")
    town_b = client_for("town_b").get(reverse("hazards:list")).content.decode()
    assert "大溪乙隐患" in town_b and "泽国甲隐患" not in town_b
    city = client_for("city")
    majors = city.get(reverse("hazards:list"), {"level": "major"}).content.decode()
    assert "大溪乙隐患" in majors and "泽国甲隐患" not in majors
    found = city.get(reverse("hazards:list"), {"q": "甲隐"}).content.decode()
    assert "泽国甲隐患" in found and "大溪乙隐患" not in found
    by_town = city.get(reverse("hazards:list"), {"territory": world.town_b.pk})
    assert [h.title for h in by_town.context["hazards"]] == ["大溪乙隐患"]


def test_bad_filter_values_show_a_message_and_no_rows(world, client_for):
    report(world)
    client = client_for("city")
    response = client.get(reverse("hazards:list"), {"status": "lost"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "lost" in body and "状态" in body
    assert list(response.context["hazards"]) == []
    response = client.get(reverse("hazards:list"), {"date_from": "2024-13-01"})
    assert response.status_code == 400 and "2024-13-01" in response.content.decode()
    # A territory outside the user's scope is named as unknown, not filtered silently.
    response = client_for("town_a").get(reverse("hazards:list"), {"territory": world.town_b.pk})
    assert response.status_code == 400


def test_list_is_paged(world, client_for):
    for n in range(52):
        report(world, title=f"隐患{n}")
    client = client_for("city")
    first = client.get(reverse("hazards:list"))
    assert len(first.context["hazards"]) == 50
    second = client.get(reverse("hazards:list"), {"page": 2})
    assert len(second.context["hazards"]) == 2


def test_detail_shows_fields_timeline_and_actions(world, client_for):
    hazard = services.report_hazard(
        world.users["inspector"], world.subjects["ent_a"].pk, "配电箱未接地", photos=[photo()]
    )
    response = client_for("inspector").get(reverse("hazards:detail", args=[hazard.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert hazard.code in body and "泽国精工机械有限公司" in body
    stored = HazardEvent.objects.get(hazard=hazard).attachments.get()
    assert reverse("hazards:photo", args=[stored.pk]) in body
    assert stored.file.url not in body  # never the bare file: the photo view checks scope
    served = client_for("town_a").get(reverse("hazards:photo", args=[stored.pk]))
    assert served.status_code == 200 and served["Content-Type"] == stored.content_type
    assert b"".join(served.streaming_content) == stored.file.open("rb").read()
    assert client_for("town_b").get(reverse("hazards:photo", args=[stored.pk])).status_code == 404
    assert [a["action"].name for a in response.context["actions"]] == ["assign"]
    # The enterprise may not assign: no form for it.
    page = client_for("enterprise").get(reverse("hazards:detail", args=[hazard.pk]))
    assert page.context["actions"] == []


def test_out_of_scope_detail_and_transition_answer_404(world, client_for):
    hazard = report(world, "ent_b")
    client = client_for("town_a")
    assert client.get(reverse("hazards:detail", args=[hazard.pk])).status_code == 404
    response = client.post(
        reverse("hazards:transition", args=[hazard.pk]),
        {"action": "assign", "deadline": in_days(3), "responsible_person": "x"},
    )
    assert response.status_code == 404
    assert Hazard.objects.get(pk=hazard.pk).status == Status.REPORTED


def test_transitions_through_the_page(world, client_for):
    hazard = report(world)
    inspector, enterprise = client_for("inspector"), client_for("enterprise")
    url = reverse("hazards:transition", args=[hazard.pk])
    response = inspector.post(url, {"action": "assign", "deadline": in_days(5), "responsible_person": "赵敏"})
    assert response.status_code == 302
    assert enterprise.post(url, {"action": "accept"}).status_code == 302
    response = enterprise.post(
        url, {"action": "submit", "comment": "已更换", "photos": [photo(), photo("b.jpg")]}
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == Status.SUBMITTED and hazard.responsible_person == "赵敏"
    submit = hazard.events.get(action="submit")
    assert submit.attachments.count() == 2 and submit.actor == world.users["enterprise"]
    assert inspector.post(url, {"action": "verify"}).status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == Status.VERIFIED


def test_a_wrong_transition_shows_the_message_and_keeps_the_input(world, client_for):
    hazard = report(world)
    client = client_for("inspector")
    url = reverse("hazards:transition", args=[hazard.pk])
    response = client.post(url, {"action": "assign", "deadline": in_days(5), "rectification_plan": "计划甲"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "交办整改须指定整改责任人" in body and "计划甲" in body
    response = client.post(url, {"action": "verify"})
    assert response.status_code == 409 and "不能执行" in response.content.decode()
    response = client.post(url, {"action": "assign", "deadline": "tomorrow", "responsible_person": "x"})
    assert response.status_code == 422 and "tomorrow" in response.content.decode()
    response = client.post(
        url, {"action": "assign", "deadline": in_days(5), "responsible_person": "x", "funds": "many"}
    )
    assert response.status_code == 422 and "many" in response.content.decode()
    response = client_for("enterprise").post(url, {"action": "assign"})
    assert response.status_code == 403
    assert Hazard.objects.get(pk=hazard.pk).status == Status.REPORTED


def test_a_non_image_photo_is_refused_with_its_name(world, client_for):
    hazard = report(world)
    services.transition(
        world.users["city"], hazard.pk, "assign", deadline=timezone.localdate(), responsible_person="x"
    )
    fake = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")
    response = client_for("enterprise").post(
        reverse("hazards:transition", args=[hazard.pk]), {"action": "accept", "photos": [fake]}
    )
    assert response.status_code == 422 and "notes.jpg" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).status == Status.ASSIGNED


def test_report_form_creates_a_hazard(world, client_for):
    client = client_for("grid")
    subject = world.subjects["ent_a"]
    page = client.get(reverse("hazards:new"), {"subject": subject.pk})
    assert page.status_code == 200 and page.context["selected"] == subject
    response = client.post(
        reverse("hazards:new"),
        {
            "subject": subject.pk,
            "title": "二楼灭火器过期",
            "level": "general",
            "source": "grid_patrol",
            "location": "二楼走廊",
            "deadline": in_days(7),
            "photos": [photo()],
        },
    )
    hazard = Hazard.objects.get(title="二楼灭火器过期")
    assert response.status_code == 302 and response["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.found_by == world.users["grid"] and hazard.source == "grid_patrol"
    assert hazard.events.get().attachments.count() == 1


def test_report_form_refuses_a_subject_out_of_scope_and_bad_input(world, client_for):
    client = client_for("town_a")
    response = client.post(
        reverse("hazards:new"), {"subject": world.subjects["ent_b"].pk, "title": "越权", "level": "general"}
    )
    assert response.status_code == 404 and "不在您的管辖范围内" in response.content.decode()
    response = client.post(
        reverse("hazards:new"), {"subject": world.subjects["ent_a"].pk, "level": "general"}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("hazards:new"),
        {"subject": world.subjects["ent_a"].pk, "title": "过期", "level": "general", "deadline": in_days(-1)},
    )
    assert response.status_code == 422 and "不能早于今天" in response.content.decode()
    assert not Hazard.objects.exists()
    # The preselected subject of ?subject= is ignored when it is out of scope.
    assert (
        client.get(reverse("hazards:new"), {"subject": world.subjects["ent_b"].pk}).context["selected"]
        is None
    )


def test_subject_search_is_scoped(world, client_for):
    url = reverse("hazards:subject_search")
    town_a = client_for("town_a").get(url, {"q": "大溪"}).content.decode()
    assert "大溪商贸城" not in town_a
    city = client_for("city").get(url, {"q": "大溪"}).content.decode()
    assert "大溪商贸城" in city and "泽国" not in city
    everything = client_for("town_a").get(url).content.decode()
    assert "泽国精工机械有限公司" in everything and "泽国安居建设工程" in everything
