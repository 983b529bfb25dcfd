"""The self-inspection log, starting a self-inspection, and the head-led check table."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.hazards.services import report_hazard
from anjian.inspections.models import Inspection, ItemResult
from anjian.testing import make_checklist


@pytest.fixture
def client_for(world):
    def make(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return make


@pytest.fixture
def version(db):
    return make_checklist()


def test_enterprise_starts_a_self_inspection(world, version, client_for):
    sector_version = make_checklist(code="it", sector="industry_trade")
    client = client_for("enterprise")
    form = client.get(reverse("inspections:self_new"))
    assert form.status_code == 200
    assert form.context["form"].initial["checklist_version"] == sector_version.pk  # the sector's checklist
    missing = client.post(
        reverse("inspections:self_new"), {"checklist_version": version.pk, "led_by_head": "on"}
    )
    assert missing.status_code == 422 and "主要负责人带队检查须填写负责人姓名" in missing.content.decode()
    assert Inspection.objects.count() == 0
    response = client.post(
        reverse("inspections:self_new"),
        {"checklist_version": version.pk, "led_by_head": "on", "head_name": "王总"},
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and str(inspection.pk) in response.url
    assert (
        inspection.is_self
        and inspection.subject == world.subjects["ent_a"]
        and inspection.head_name == "王总"
    )


def test_self_new_only_for_enterprises_and_their_own_subject(world, version, client_for):
    assert client_for("town_a").get(reverse("inspections:self_new")).status_code == 403
    other = client_for("enterprise").get(
        reverse("inspections:self_new"), {"subject": world.subjects["ent_b"].pk}
    )
    assert other.status_code == 404


def test_log_for_the_enterprise_and_for_officials(world, version, client_for):
    ent_a = world.subjects["ent_a"]
    inspection = Inspection.objects.create(
        subject=ent_a,
        checklist_version=version,
        is_self=True,
        led_by_head=True,
        head_name="王总",
        status="done",
        finished_at=timezone.now(),
    )
    hazard = report_hazard(world.users["enterprise"], ent_a.pk, "灭火器过期")
    ItemResult.objects.create(
        inspection=inspection, item=version.items.first(), outcome="fail", hazard=hazard
    )
    own = client_for("enterprise").get(reverse("inspections:self_log")).content.decode()
    assert (
        inspection.code in own and "灭火器过期" in own and "负责人带队：王总" in own and "不符合 1 项" in own
    )
    url = reverse("inspections:self_log")
    assert inspection.code in client_for("town_a").get(url, {"subject": ent_a.pk}).content.decode()
    assert client_for("town_b").get(url, {"subject": ent_a.pk}).status_code == 404
    assert client_for("enterprise").get(url, {"subject": world.subjects["ent_c"].pk}).status_code == 404
    picker = client_for("town_a").get(url).content.decode()
    assert 'id="subject-pick"' in picker and inspection.code not in picker


def test_head_checks_page(world, version, client_for):
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    Inspection.objects.create(
        subject=world.subjects["ent_a"],
        checklist_version=version,
        is_self=True,
        led_by_head=True,
        head_name="王总",
        status="done",
        finished_at=timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(10))),
    )
    client = client_for("town_a")
    url = reverse("inspections:head_checks")
    page = client.get(url, {"month": f"{last_month:%Y-%m}"}).content.decode()
    assert "已带队检查 1 家" in page and "泽国安居建设工程" in page and "王总" in page
    missed = client.get(url, {"month": f"{last_month:%Y-%m}", "missed": "1"}).content.decode()
    assert "泽国安居建设工程" in missed and "泽国精工机械有限公司" not in missed
    assert "大溪商贸城" not in page
    future = client.get(url, {"month": "2999-01"})
    assert future.status_code == 400 and "2999-01 尚未到来" in future.content.decode()
    bad = client.get(url, {"month": "abc"})
    assert bad.status_code == 400 and "月份“abc”无效" in bad.content.decode()
    assert client_for("enterprise").get(url).status_code == 200


def test_head_checks_default_to_the_last_whole_month(world, version, client_for):
    page = client_for("town_a").get(reverse("inspections:head_checks"))
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert page.context["month"] == last_month and not page.context["this_month"]
    this_month = f"{timezone.localdate():%Y-%m}"
    current = client_for("town_a").get(reverse("inspections:head_checks"), {"month": this_month})
    assert "本月尚未结束" in current.content.decode()
