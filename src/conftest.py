import os

import pytest

from gonghui.core.testing.api import ApiClient
from gonghui.core.testing.personas import PASSWORD, build_personas


@pytest.fixture
def personas(db):
    return build_personas()


@pytest.fixture
def api():
    """api(user) -> an ApiClient carrying that user's bearer token; api() is anonymous."""
    return ApiClient


@pytest.fixture
def persona_password():
    return PASSWORD


# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run there
# unless told that this (test-only) use is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium():
    """Debian's chromium driven by Playwright (never a downloaded browser build).

    Function-scoped on purpose: a session-long Playwright keeps an event loop in the main thread,
    and any other test that starts Playwright itself would then fail."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/system-deps.sh test)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium):
    """A fresh page at phone size (375 x 812), Simplified Chinese browser."""
    context = chromium.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
