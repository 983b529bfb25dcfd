"""The issue's story in a browser: an enterprise records the inventory of its ammonia tank farm, first
below the GB 18218 threshold, then (a bigger tank) above it; the committee office then finds the new
major hazard installation with its grade on the four-colour map.

By hand: 液氨 is Table 1 (Q = 10 t) and Table 3 (β = 2). 8 t: S = 0.8, not major. 30 t: S = 3 ≥ 1,
major; 120 people within 500 m gives α = 2.0 (100人以上), R = 2.0 × 2 × 3 = 12, so 三级 (10 ≤ R < 50).
"""

from decimal import Decimal

import pytest

from anjian.core import audit
from anjian.registry.models import Subject
from anjian.risks.models import Installation
from anjian.testing import PASSWORD

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser


def record_inventory(page, quantity):
    row = page.locator(".line-row").first
    row.locator("input[name$='-substance']").fill("液氨")
    row.locator("input[name$='-quantity_t']").fill(quantity)
    page.locator("#installation-save").click()
    page.wait_for_selector("#evaluation-table")


@pytest.mark.django_db(transaction=True)
def test_inventory_crossing_the_threshold_appears_on_the_office_map(new_page, world):
    audit.update(Subject.objects.filter(pk=world.subjects["ent_a"].pk), lat=28.51, lon=121.36)
    enterprise = new_page(PHONE, mobile=True)
    log_in(enterprise, "enterprise", PASSWORD)
    enterprise.goto("/risks/installations/new/")
    enterprise.get_by_label("单元名称").fill("液氨储罐区")
    enterprise.get_by_label("厂外可能暴露人员数").fill("120")
    record_inventory(enterprise, "8")
    installation = Installation.objects.get(subject=world.subjects["ent_a"])
    assert not installation.is_major and installation.s_value == Decimal("0.8")

    enterprise.locator("#installation-edit").click()
    record_inventory(enterprise, "30")
    assert "三级" in enterprise.locator("#installation-grade").inner_text()
    installation.refresh_from_db()
    assert (installation.is_major, installation.grade, installation.r_value) == (True, 3, Decimal("12"))

    office = new_page()
    log_in(office, "city", PASSWORD)
    office.goto("/risks/map/")
    office.wait_for_selector("#risk-map[data-loaded='1']")  # ent_a is the one subject placed
    icon = office.locator(".installation-icon")
    assert icon.count() == 1 and icon.inner_text() == "三级"
    icon.click()
    popup = office.locator(".leaflet-popup-content").inner_text()
    assert "液氨储罐区" in popup and world.subjects["ent_a"].name in popup
