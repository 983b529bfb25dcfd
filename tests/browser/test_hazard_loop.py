"""The hazard closed loop in a browser on a phone-sized screen, as the people whose duty each step is.

The inspector records a hazard with a photo, the enterprise accepts and rectifies it with a photo of
the repair, the inspector verifies it, and the dashboard's figures move at each step.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from anjian.hazards import services
from anjian.hazards.models import Hazard, HazardEvent, Status
from anjian.testing import PASSWORD

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser

TITLE = "二号车间配电箱未可靠接地"


def make_photo(directory, name, colour):
    path = directory / name
    Image.new("RGB", (320, 240), colour).save(path, "JPEG")
    return str(path)


def open_phone(new_page, username):
    page = new_page(PHONE, mobile=True)
    log_in(page, username, PASSWORD)
    return page


def dashboard_figures(page):
    """The open count and the "handed in / of which on time" counts shown on the dashboard."""
    page.goto(reverse("dashboard"))
    open_text = page.locator("[data-figure=open] .stat-value").inner_text()
    submitted, on_time = re.findall(r"\d+", page.locator("[data-figure=on_time_rate] .small").inner_text())
    return {
        "open": int(open_text.replace(",", "").split()[0]),
        "submitted": int(submitted),
        "on_time": int(on_time),
    }


def assert_fits_phone(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than a {PHONE['width']}px phone screen"


def act(page, action, *, photos=(), **fields):
    """Opens the action's form on the detail page, fills it in and submits it."""
    block = page.locator(f"details[data-action={action}]")
    assert block.count() == 1, f"no '{action}' action offered on {page.url}"
    block.locator("summary").click()
    form = block.locator("form")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    if photos:
        form.locator("input[name=photos]").set_input_files(list(photos))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    error = page.locator("#action-error")
    assert error.count() == 0, f"'{action}' was refused: {error.inner_text()}"


def assert_photos_shown(page, count):
    photos = page.locator("#timeline img")
    assert photos.count() == count
    for index in range(count):
        photo = photos.nth(index)
        photo.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())


def test_inspector_and_enterprise_carry_a_hazard_around_the_loop(world, new_page, tmp_path):
    inspector = open_phone(new_page, "inspector")
    before = dashboard_figures(inspector)
    assert_fits_phone(inspector)

    # The inspector finds the hazard on site and records it, finding the enterprise by name.
    inspector.goto(reverse("hazards:new"))
    assert_fits_phone(inspector)
    inspector.fill("#subject-search", "精工")
    inspector.wait_for_function("() => [...document.querySelectorAll('#id_subject option')].length === 1")
    inspector.select_option("#id_subject", str(world.subjects["ent_a"].pk))
    inspector.fill("[name=title]", TITLE)
    inspector.fill("[name=location]", "二号车间东侧")
    inspector.locator("[name=photos]").set_input_files(make_photo(tmp_path, "found.jpg", "red"))
    with inspector.expect_navigation():
        inspector.locator("#report-form button[type=submit]").click()

    assert re.search(r"/hazards/\d+/$", inspector.url), f"the report was not saved: {inspector.url}"
    hazard = Hazard.objects.get(title=TITLE)
    assert hazard.status == Status.REPORTED
    assert hazard.found_by == world.users["inspector"]
    assert inspector.url.endswith(reverse("hazards:detail", args=[hazard.pk]))
    assert_fits_phone(inspector)
    assert_photos_shown(inspector, 1)
    assert dashboard_figures(inspector)["open"] == before["open"] + 1

    # The inspector hands it to the enterprise with a deadline and a responsible person.
    detail = reverse("hazards:detail", args=[hazard.pk])
    deadline = timezone.localdate() + timedelta(days=7)
    inspector.goto(detail)
    act(inspector, "assign", deadline=deadline.isoformat(), responsible_person="赵敏", comment="七日内整改")

    # The enterprise accepts it and hands in the repair with a photo.
    enterprise = open_phone(new_page, "enterprise")
    enterprise.goto(detail)
    act(enterprise, "accept")
    act(
        enterprise,
        "submit",
        comment="已重新敷设接地线并检测合格",
        photos=[make_photo(tmp_path, "fixed.jpg", "green")],
    )
    hazard.refresh_from_db()
    assert hazard.status == Status.SUBMITTED
    assert_photos_shown(enterprise, 2)
    assert_fits_phone(enterprise)
    handed_in = dashboard_figures(inspector)
    assert handed_in["open"] == before["open"] + 1
    assert handed_in["submitted"] == before["submitted"] + 1
    assert handed_in["on_time"] == before["on_time"] + 1

    # The inspector checks the repair and verifies it: the hazard leaves the open count.
    inspector.goto(detail)
    assert "已重新敷设接地线并检测合格" in inspector.locator("#timeline").inner_text()
    act(inspector, "verify", comment="现场复查合格")
    hazard.refresh_from_db()
    assert hazard.status == Status.VERIFIED
    actions = list(
        HazardEvent.objects.filter(hazard=hazard).order_by("at", "pk").values_list("action", flat=True)
    )
    assert actions == ["report", "assign", "accept", "submit", "verify"]
    assert dashboard_figures(inspector)["open"] == before["open"]


def test_enterprise_is_not_offered_the_verification_of_its_own_repair(world, new_page):
    """The detail page offers each person only the steps that are their duty."""
    inspector, owner = world.users["inspector"], world.users["enterprise"]
    hazard = services.report_hazard(inspector, world.subjects["ent_a"].pk, TITLE)
    deadline = timezone.localdate() + timedelta(days=3)
    services.transition(inspector, hazard.pk, "assign", deadline=deadline, responsible_person="赵敏")
    services.transition(owner, hazard.pk, "accept")
    services.transition(owner, hazard.pk, "submit", comment="已整改")

    enterprise = open_phone(new_page, "enterprise")
    enterprise.goto(reverse("hazards:detail", args=[hazard.pk]))
    assert enterprise.locator("details[data-action]").count() == 0
    assert "没有可办理的操作" in enterprise.locator("#actions").inner_text()
