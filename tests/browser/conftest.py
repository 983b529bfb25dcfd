"""Browser test harness: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server serves static files through the staticfiles finders (pytest-django uses Django's
StaticFilesHandler when django.contrib.staticfiles is installed), so no collectstatic is needed.
Chromium is the Debian package at /usr/bin/chromium (scripts/test.sh installs it); Playwright never
downloads a browser of its own here.
"""

import os

import pytest
from django.urls import reverse

# Playwright's sync API runs an event loop in the test's thread; Django then refuses ORM calls from
# that thread unless told that this is safe, which it is: the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000
ASSET_TYPES = ("stylesheet", "script", "image", "font")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh, which installs the Debian chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads made through the browser land in a directory of this test only (the photo view reads
    MEDIA_ROOT at each request)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def new_page(browser, live_server, media_root):
    """Opens pages in fresh browser contexts (separate cookies); each is closed after the test."""
    contexts = []
    failures = []

    def open_page(viewport=DESKTOP, *, mobile=False):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=mobile,
            has_touch=mobile,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        # A server error or a missing script, stylesheet or image fails the test, even if the page
        # still seems to work.
        page.on("response", lambda response: failures.extend(broken_response(response)))
        page.on("pageerror", lambda error: failures.append(f"JavaScript error: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not failures, "the browser saw failures:\n" + "\n".join(failures)


def broken_response(response):
    missing_asset = response.status == 404 and response.request.resource_type in ASSET_TYPES
    return [f"{response.status} {response.url}"] if response.status >= 500 or missing_asset else []


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(PHONE, mobile=True)


def log_in(page, username, password):
    """Logs in through the login form and waits until the app has left the login page."""
    login_path = reverse("login")
    page.goto(login_path)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit], input[type=submit]"
    ).first.click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith(login_path))
