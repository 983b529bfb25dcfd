"""The accident pages per persona: list, form, detail, stats, periods."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from anjian.accidents.models import Accident, KeyPeriod, YearTarget

from .helpers import png, record


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def accidents(world):
    city = world.users["city"]
    return {
        "a": record(city, world.subjects["ent_a"], place="MARK-A 车间", deaths=3),
        "b": record(city, world.subjects["ent_b"], place="MARK-B 仓库"),
    }


@pytest.mark.parametrize(
    ("name", "status", "sees"),
    [
        ("city", 200, {"a", "b"}),
        ("town_a", 200, {"a"}),
        ("town_b", 200, {"b"}),
        ("grid", 200, {"a"}),
        ("dept", 200, {"a"}),
        ("inspector", 200, {"a"}),
        ("enterprise", 403, set()),
    ],
)
def test_list_detail_stats_per_persona(world, accidents, name, status, sees):
    client = client_for(world.users[name])
    response = client.get("/accidents/")
    assert response.status_code == status
    body = response.content.decode()
    for key in ("a", "b"):
        assert (f"MARK-{key.upper()}" in body) == (key in sees)
        detail = client.get(f"/accidents/{accidents[key].pk}/")
        assert detail.status_code == (200 if key in sees else 404)
    assert client.get("/accidents/stats/").status_code == status


def test_detail_shows_level_and_reason(world, accidents):
    body = client_for(world.users["town_a"]).get(f"/accidents/{accidents['a'].pk}/").content.decode()
    assert "较大事故" in body and "死亡3人（3人以上10人以下），为较大事故" in body


def test_filters(world, accidents):
    client = client_for(world.users["city"])
    body = client.get("/accidents/", {"level": "larger"}).content.decode()
    assert "MARK-A" in body and "MARK-B" not in body
    body = client.get("/accidents/", {"town": world.town_b.pk}).content.decode()
    assert "MARK-B" in body and "MARK-A" not in body
    body = client.get("/accidents/", {"sector": "fire"}).content.decode()
    assert "MARK-B" in body and "MARK-A" not in body
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "MARK-A" not in client.get("/accidents/", {"date_from": future}).content.decode()
    response = client.get("/accidents/", {"level": "huge"})
    assert response.status_code == 400 and "事故等级" in response.content.decode()
    assert client_for(world.users["town_a"]).get("/accidents/", {"town": world.town_b.pk}).status_code == 400


def _form(world, **extra):
    now = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M"),
        "place": "一号车间",
        "subject": world.subjects["ent_a"].pk,
        "accident_type": "machinery",
        "deaths": "1",
        "serious_injuries": "10",
        "direct_loss_yuan": "1200000",
        "description": "冲床伤人",
    }
    data.update(extra)
    return data


def test_record_through_the_form_then_edit(world):
    client = client_for(world.users["town_a"])
    assert client.get("/accidents/new/").status_code == 200
    response = client.post("/accidents/new/", {**_form(world), "photos": png()})
    assert response.status_code == 302, response.content.decode()
    accident = Accident.objects.get()
    assert accident.level == "larger" and accident.attachments.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "重伤（含急性工业中毒）10人（10人以上50人以下），为较大事故" in page
    photo = accident.attachments.get()
    assert client.get(f"/accidents/photos/{photo.pk}/").status_code == 200
    assert client_for(world.users["town_b"]).get(f"/accidents/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/accidents/{accident.pk}/edit/").status_code == 200
    response = client.post(f"/accidents/{accident.pk}/edit/", _form(world, serious_injuries="2"))
    assert response.status_code == 302
    accident.refresh_from_db()
    assert accident.level == "general" and accident.attachments.count() == 1


def test_form_refusals(world):
    town_b = client_for(world.users["town_b"])
    response = town_b.post("/accidents/new/", _form(world))
    assert response.status_code == 404 and "不在您的管辖范围内" in response.content.decode()
    response = client_for(world.users["town_a"]).post("/accidents/new/", _form(world, deaths="-1"))
    assert response.status_code == 422
    assert client_for(world.users["grid"]).get("/accidents/new/").status_code == 403
    assert client_for(world.users["grid"]).post("/accidents/new/", _form(world)).status_code == 403
    assert client_for(world.users["enterprise"]).get("/accidents/new/").status_code == 403
    assert Accident.objects.count() == 0


def test_stats_page_numbers(world, accidents):
    KeyPeriod.objects.create(
        name="MARK-PERIOD",
        starts_on=timezone.localdate().replace(month=1, day=1),
        ends_on=timezone.localdate(),
    )
    YearTarget.objects.create(year=timezone.localdate().year, max_accidents=5, max_deaths=1)
    body = client_for(world.users["city"]).get("/accidents/stats/").content.decode()
    assert "MARK-PERIOD" in body and 'id="year-target"' in body and "发生亡人事故" in body
    assert 'data-met="0"' in body  # a 较大 accident this year
    assert client_for(world.users["city"]).get("/accidents/stats/", {"year": "abc"}).status_code == 400
    last = str(timezone.localdate().year - 1)
    assert client_for(world.users["town_a"]).get("/accidents/stats/", {"year": last}).status_code == 200


def test_periods_page_is_the_offices(world):
    office = client_for(world.users["city"])
    assert office.get("/accidents/periods/").status_code == 200
    response = office.post(
        "/accidents/periods/", {"name": "国庆", "starts_on": "2025-10-01", "ends_on": "2025-10-07"}
    )
    assert response.status_code == 302
    period = KeyPeriod.objects.get()
    response = office.post(
        "/accidents/periods/", {"name": "坏", "starts_on": "2025-10-07", "ends_on": "2025-10-01"}
    )
    assert response.status_code == 422 and "结束日期不能早于开始日期" in response.content.decode()
    assert (
        office.post(
            f"/accidents/periods/{period.pk}/edit/",
            {"name": "国庆节", "starts_on": "2025-10-01", "ends_on": "2025-10-08"},
        ).status_code
        == 302
    )
    assert KeyPeriod.objects.get().name == "国庆节"
    assert (
        office.post("/accidents/targets/", {"year": 2025, "max_accidents": 40, "max_deaths": 10}).status_code
        == 302
    )
    target = YearTarget.objects.get()
    for name in ("town_a", "dept", "grid", "enterprise"):
        other = client_for(world.users[name])
        assert other.get("/accidents/periods/").status_code == 403
        assert other.post(f"/accidents/periods/{period.pk}/delete/").status_code == 403
        assert other.post("/accidents/targets/", {"year": 2025}).status_code == 403
    assert office.post(f"/accidents/targets/{target.pk}/delete/").status_code == 302
    assert office.post(f"/accidents/periods/{period.pk}/delete/").status_code == 302
    assert not KeyPeriod.objects.exists() and not YearTarget.objects.exists()
