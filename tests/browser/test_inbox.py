"""A hazard is handed to an enterprise; its safety manager sees the bell, opens the message and lands
on the hazard, and the message is read — on a phone, where the bell sits beside the menu button."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.hazards import services
from anjian.notifications.models import Notification
from anjian.testing import PASSWORD

from .conftest import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser


def assigned_hazard(world):
    inspector = world.users["inspector"]
    hazard = services.report_hazard(inspector, world.subjects["ent_a"].pk, "消防通道堆放杂物")
    deadline = timezone.localdate() + timedelta(days=10)
    services.transition(inspector, hazard.pk, "assign", deadline=deadline, responsible_person="赵敏")
    return hazard


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_enterprise_opens_its_assignment_from_the_bell(world, new_page, viewport):
    hazard = assigned_hazard(world)
    note = Notification.objects.get(recipient=world.users["enterprise"], kind="hazard.assigned")

    page = new_page(viewport, mobile=viewport is PHONE)
    log_in(page, "enterprise", PASSWORD)
    bell = page.locator("#nav-bell")
    assert bell.is_visible()
    assert bell.locator("[data-testid=unread-count]").inner_text() == "1"
    assert "1 条未读" in bell.get_attribute("aria-label")

    with page.expect_navigation():
        bell.click()
    item = page.locator(f"[data-notification='{note.pk}']")
    assert item.get_attribute("data-read") == "0"
    assert "消防通道堆放杂物" in item.inner_text()

    with page.expect_navigation():
        item.locator("a[data-open]").click()
    assert page.url.endswith(reverse("hazards:detail", args=[hazard.pk]))
    # The page that opened after the message was read already counts it read.
    assert page.locator("#nav-bell").get_attribute("data-unread") == "0"
    assert page.locator("#nav-bell [data-testid=unread-count]").count() == 0
    note.refresh_from_db()
    assert note.read

    page.goto(reverse("notifications:inbox"))
    assert page.locator(f"[data-notification='{note.pk}']").get_attribute("data-read") == "1"
