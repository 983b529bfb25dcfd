"""The overview on a phone: the charts draw, the tables fit, and a number opens its drill list."""

import pytest

from anjian.plans.tests.overview_helpers import build_small_plan
from anjian.testing import PASSWORD

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_overview_on_a_phone(new_page, world):
    small = build_small_plan()
    page = new_page(PHONE, mobile=True)
    log_in(page, "town_a", PASSWORD)
    page.goto(f"/plans/{small.plan.pk}/overview/?period={small.half.pk}")
    # Both charts drew (ECharts renders SVG here).
    page.wait_for_selector("#chart-chapters svg")
    page.wait_for_selector("#chart-targets svg")
    # 1. (大溪镇 missing), 2. (港航局 after the deadline) and 二是 (nothing reported) are late.
    assert page.locator('#summary-cards [data-status="late"] .fs-4').inner_text() == "3"
    # Nothing sticks out sideways on a 390-pixel screen (tables scroll inside their own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(f'#units-table tr[data-unit="{small.units["daxi"].pk}"] a.text-danger').click()
    page.wait_for_selector("#drill-lines")
    assert page.locator("[data-task]").count() == 1
    assert "大溪镇" in page.locator("h1").inner_text()
