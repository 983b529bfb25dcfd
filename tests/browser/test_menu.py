"""The main menu stays on one line at desktop widths in both languages, with the committee office's
full set of entries (the longest menu), and nothing is pushed off the right edge; where it does not
fit (English below 1400 px) it folds behind the menu button."""

import pytest

from anjian.testing import PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.browser

WIDTHS = (1200, 1280, 1366, 1440, 1920)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_menu_keeps_one_line(new_page, world, language):
    page = new_page()
    log_in(page, "city", PASSWORD)
    if language == "en":
        page.locator("nav.navbar button[name=language]").first.click()
        page.wait_for_load_state()
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/")
        navbar = page.locator("nav.navbar").first.bounding_box()
        logout = page.locator("form[action$='/logout/'] button").first.bounding_box()
        if navbar["height"] > 70:
            problems.append(f"{language} {width}px: menu wraps ({navbar['height']:.0f} px high)")
        if logout is None:  # folded behind the menu button (English below 1400 px)
            if not page.locator("button.navbar-toggler").is_visible():
                problems.append(f"{language} {width}px: neither the menu nor its button is shown")
        elif logout["x"] + logout["width"] > width:
            problems.append(f"{language} {width}px: logout button beyond the edge")
    assert not problems, problems
