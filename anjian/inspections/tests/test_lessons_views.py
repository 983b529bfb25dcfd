"""The 举一反三 page and the button on the hazard page."""

import pytest
from django.test import Client
from django.urls import reverse

from anjian.hazards.services import report_hazard
from anjian.inspections.models import Inspection, InspectionPlan, ItemResult
from anjian.testing import make_checklist


@pytest.fixture
def client_for(world):
    def make(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return make


@pytest.fixture
def hazard(world):
    version = make_checklist(sector="industry_trade")
    inspection = Inspection.objects.create(subject=world.subjects["ent_a"], checklist_version=version)
    found = report_hazard(world.users["city"], world.subjects["ent_a"].pk, "配电箱未接地")
    ItemResult.objects.create(
        inspection=inspection, item=version.items.get(key="T-2"), outcome="fail", hazard=found
    )
    return found


def test_button_only_for_planners(world, hazard, client_for):
    url = reverse("hazards:detail", args=[hazard.pk])
    assert 'id="lessons-button"' in client_for("town_a").get(url).content.decode()
    for persona in ("grid", "enterprise", "inspector"):
        assert 'id="lessons-button"' not in client_for(persona).get(url).content.decode()


def test_lessons_page_get_and_post(world, hazard, client_for):
    url = reverse("inspections:lessons", args=[hazard.pk])
    client = client_for("town_a")
    page = client.get(url).content.decode()
    assert "检查条目2" in page and 'data-count="1"' in page
    response = client.post(url, {"territory": world.town_a.pk})
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspections:plan_detail", args=[plan.pk])
    assert plan.source_hazard == hazard and plan.status == "issued"
    assert [i.subject for i in Inspection.objects.filter(plan=plan)] == [world.subjects["ent_a"]]


def test_lessons_page_refusals(world, hazard, client_for):
    url = reverse("inspections:lessons", args=[hazard.pk])
    assert client_for("town_b").get(url).status_code == 404
    assert client_for("grid").get(url).status_code == 403
    assert client_for("enterprise").get(url).status_code == 403
    other_town = client_for("town_a").post(url, {"territory": world.town_b.pk})
    assert (
        other_town.status_code == 403 and "所选辖区不存在或不在您的管辖范围内" in other_town.content.decode()
    )
    assert InspectionPlan.objects.count() == 0


def test_lessons_page_for_a_hazard_without_inspection_asks_for_the_item(world, client_for):
    version = make_checklist()
    found = report_hazard(world.users["city"], world.subjects["ent_c"].pk, "脚手架未设防护栏")
    url = reverse("inspections:lessons", args=[found.pk])
    client = client_for("town_a")
    assert 'name="item"' in client.get(url).content.decode()
    missing = client.post(url, {"territory": world.town_a.pk})
    assert missing.status_code == 422 and "请选择要举一反三检查的条目" in missing.content.decode()
    item = version.items.get(key="T-3")
    assert client.post(url, {"territory": world.town_a.pk, "item": item.pk}).status_code == 302
    assert list(InspectionPlan.objects.get().focus_items.all()) == [item]
