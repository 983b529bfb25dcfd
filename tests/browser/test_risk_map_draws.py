"""The four-colour map in a browser: with an unreachable tile source it still draws the town
outlines, the subjects in their grade colours and the major hazard installation; popups tell the
grade and its reasons; on a phone the filters fold above a full-width map."""

from decimal import Decimal

import pytest

from anjian.core import audit
from anjian.demo.boundaries import build_boundaries
from anjian.registry.models import Subject
from anjian.risks.models import Installation
from anjian.testing import PASSWORD

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser


def place_subjects(world):
    s = world.subjects
    reasons = [
        {"code": "recorded", "grade": "blue"},
        {"code": "major_hazard", "count": 1, "rule": "red", "grade": "red"},
    ]
    audit.update(
        Subject.objects.filter(pk=s["ent_a"].pk),
        lat=28.51,
        lon=121.36,
        risk_grade="blue",
        dynamic_grade="red",
        grade_reasons=reasons,
    )
    audit.update(Subject.objects.filter(pk=s["ent_b"].pk), lat=28.47, lon=121.28, risk_grade="yellow")
    audit.update(Subject.objects.filter(pk=s["ent_c"].pk), lat=28.52, lon=121.37, risk_grade="blue")
    Installation.objects.create(
        subject=s["ent_a"], name="液氯储罐区", is_major=True, grade=2, r_value=Decimal("63.5"), s_value=3
    )
    build_boundaries(progress=lambda _m: None)


@pytest.mark.django_db(transaction=True)
def test_map_draws_without_tiles_reachable(new_page, world, settings):
    # Nothing listens on port 9: every tile fails, as on an intranet without the public tiles.
    settings.ANJIAN_MAP_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    place_subjects(world)
    page = new_page()
    log_in(page, "city", PASSWORD)
    page.goto("/risks/map/")
    page.wait_for_selector("#risk-map[data-loaded='3']")
    assert "3 个对象、1 个重大危险源" in page.locator("#map-status").inner_text()
    # 17 town outlines (SVG paths would be in the overlay pane; with preferCanvas they are canvas),
    # so count the permanent town labels instead.
    assert page.locator(".town-label").count() == 17
    page.wait_for_selector("#risk-map[data-tiles-failed='1']")
    icon = page.locator(".installation-icon")
    assert icon.inner_text() == "二级"
    icon.click()
    popup = page.locator(".leaflet-popup-content")
    assert "液氯储罐区" in popup.inner_text() and "63.50" in popup.inner_text()
    # The chart drew, and the table beside it counts 泽国镇's red subject.
    page.wait_for_selector("#chart-towns svg")
    row = page.locator(f'#town-summary-table tr[data-town="{world.town_a.pk}"]')
    assert row.locator("td").first.inner_text() == "1"


@pytest.mark.django_db(transaction=True)
def test_subject_popup_and_phone_layout(new_page, world, settings):
    settings.ANJIAN_MAP_TILES = ""
    place_subjects(world)
    page = new_page(PHONE, mobile=True)
    log_in(page, "enterprise", PASSWORD)
    page.goto("/risks/map/")
    page.wait_for_selector("#risk-map[data-loaded='1']")
    assert not page.locator("#map-filters").is_visible()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_selector("#map-filters.show")
    width = page.locator("#risk-map").bounding_box()["width"]
    assert width >= PHONE["width"] - 40
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The single subject sits in the middle of the fitted view: click it there.
    box = page.locator("#risk-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "泽国精工机械有限公司" in text and "重大风险（红）" in text and "重大隐患 1 项" in text
