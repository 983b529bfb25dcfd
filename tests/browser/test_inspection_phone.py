"""An inspection done on a phone: an inspector answers a checklist item by item (one item fails, with a
note), reloads half-way and finds the answers kept, signs with the enterprise contact, finishes, and the
enterprise then finds the new hazard in its own hazard list."""

import pytest
from django.urls import reverse

from anjian.hazards.models import Hazard
from anjian.inspections.models import Inspection, ItemResult
from anjian.testing import PASSWORD, make_checklist

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser

NOTE = "二号车间电焊作业人员无特种作业操作证"
UNSENT = "灭火器压力正常"


def assert_fits_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than a {PHONE['width']}px phone screen"


def card(page, item):
    return page.locator(f"#item-{item.pk}")


def answer(page, item, outcome):
    """Taps one of the three big buttons and waits until the server's card comes back with it."""
    box = card(page, item)
    with page.expect_response(lambda r: f"/items/{item.pk}/" in r.url and r.request.method == "POST"):
        box.locator(f"label.outcome-{outcome}").click()
    card(page, item).locator(f".badge[data-outcome={outcome}]").wait_for()


def sign(page, who):
    pad = page.locator(f"#signature-{who}")
    canvas = pad.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 30, steps=3)
    page.mouse.up()
    pad.locator("[data-save]").click()
    page.locator(f"#signature-{who} img.signature-img").wait_for()


def test_inspector_does_a_checklist_on_a_phone_and_the_enterprise_sees_the_hazard(world, new_page):
    version = make_checklist("phone-check", items=3, major_items=(2,))
    inspection = Inspection.objects.create(
        subject=world.subjects["ent_a"], checklist_version=version, created_by=world.users["city"]
    )
    inspection.inspectors.set([world.users["inspector"]])
    first, failing, last = inspection.items()

    page = new_page(PHONE, mobile=True)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 28.3712, "longitude": 121.3601, "accuracy": 15})
    log_in(page, "inspector", PASSWORD)

    # The inspection waits in the inspector's list; the detail page leads to the item cards.
    page.goto(reverse("inspections:list"))
    assert_fits_phone(page)
    page.locator(f"[data-code={inspection.code}]").click()
    page.locator("#conduct-link").click()
    page.wait_for_url(f"**{reverse('inspections:conduct', args=[inspection.pk])}")
    assert_fits_phone(page)
    assert card(page, failing).locator("[data-major]").count() == 1
    # The position is taken without asking, and shown with its accuracy.
    page.locator("#location [data-location]").wait_for()
    assert "28.371200, 121.360100 ± 15" in page.locator("#location").inner_text()

    answer(page, first, "pass")
    card(page, failing).locator("textarea[name=note]").fill(NOTE)
    answer(page, failing, "fail")
    assert "1 / 3" not in page.locator("#progress").inner_text()
    assert "2" in page.locator("#progress [data-answered]").inner_text()
    # A note typed but never sent (no tap elsewhere) is kept on the phone and sent after the reload.
    card(page, last).locator("textarea[name=note]").fill(UNSENT)
    answer(page, last, "pass")
    page.wait_for_function("() => !localStorage.length")  # the card has settled: its note is saved
    card(page, last).locator("textarea[name=note]").fill(UNSENT + "，有效期内")
    assert page.evaluate("() => Object.values(localStorage)") == [UNSENT + "，有效期内"]
    assert ItemResult.objects.get(inspection=inspection, item=last).note == UNSENT

    page.reload()
    assert card(page, first).locator("input[value=pass]").is_checked()
    assert card(page, failing).locator("input[value=fail]").is_checked()
    assert card(page, failing).locator("textarea[name=note]").input_value() == NOTE
    assert card(page, last).locator("input[value=pass]").is_checked()
    assert card(page, last).locator("textarea[name=note]").input_value() == UNSENT + "，有效期内"
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request') && !localStorage.length", timeout=10_000
    )
    assert ItemResult.objects.get(inspection=inspection, item=last).note == UNSENT + "，有效期内"
    assert "3" in page.locator("#progress [data-answered]").inner_text()
    assert "将生成隐患 1 条" in page.locator("#finish-count").inner_text()

    sign(page, "inspector")
    sign(page, "contact")
    page.fill("#contact-name", "赵敏")
    page.fill("#summary", "责令立即停止无证作业")
    with page.expect_navigation():
        page.locator("#finish-form button[type=submit]").click()
    assert page.url.endswith(reverse("inspections:detail", args=[inspection.pk]))
    assert_fits_phone(page)

    hazard = Hazard.objects.get(subject=world.subjects["ent_a"])
    assert (hazard.level, hazard.source, hazard.title) == ("major", "inspection", NOTE)
    assert ItemResult.objects.get(inspection=inspection, item=failing).hazard == hazard
    assert page.locator(f"a.hazard-link[href='{reverse('hazards:detail', args=[hazard.pk])}']").count() == 1
    assert page.locator("#signatures img").count() == 2

    # The enterprise finds the new hazard in its own list.
    enterprise = new_page(PHONE, mobile=True)
    log_in(enterprise, "enterprise", PASSWORD)
    enterprise.goto(reverse("hazards:list"))
    assert hazard.code in enterprise.content()
    assert NOTE in enterprise.content()
