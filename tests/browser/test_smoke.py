"""The harness works: Chromium starts, the live server answers with its static files, Chinese renders."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser

# Draws each character on a canvas and returns the pixels as a string: without a CJK font Chromium
# draws the same empty box for every character, so two different characters give the same pixels.
GLYPH_PIXELS = """(text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 40;
    canvas.height = 40;
    const ctx = canvas.getContext("2d");
    ctx.font = "32px sans-serif";
    ctx.fillText(text, 2, 34);
    return Array.from(ctx.getImageData(0, 0, 40, 40).data).join(",");
}"""


def test_login_page_loads_in_chinese_with_its_assets(page):
    stylesheets = []
    page.on("response", lambda r: stylesheets.append(r) if r.request.resource_type == "stylesheet" else None)
    response = page.goto(reverse("login"))

    assert response.status == 200
    assert page.locator("html").get_attribute("lang").startswith("zh")
    assert "登录" in page.locator("body").inner_text()
    assert page.locator("input[name=password]").is_visible()
    assert stylesheets and all(r.status == 200 for r in stylesheets), "static files are not served"


def test_chinese_glyphs_are_drawn_not_boxes(page):
    page.goto(reverse("login"))
    assert page.evaluate(GLYPH_PIXELS, "隐") != page.evaluate(GLYPH_PIXELS, "患")
