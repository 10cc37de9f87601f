import io
import os

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from hypothesis import settings as hypothesis_settings

from gonghui.core.testing.api import ApiClient
from gonghui.core.testing.personas import PASSWORD, build_personas

# Property tests check answers, not speed (speed is measured in bench/): no per-example deadline,
# which a loaded CI machine would otherwise turn into a flaky failure.
hypothesis_settings.register_profile("gonghui", deadline=None)
hypothesis_settings.load_profile("gonghui")


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


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker):
    """The data ``manage.py demo`` builds, built once per session inside a transaction that is
    rolled back at the end. The tests that ask for it run last (pytest_collection_modifyitems
    below), so no other test sees it; each test's own writes roll back as usual."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", quiet_accounts=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Move the tests that use the session's ``demo`` to the end, in their collected order."""
    uses_demo = [item for item in items if "demo" in getattr(item, "fixturenames", ())]
    for item in uses_demo:
        flushing = {"transactional_db", "live_server"} & set(item.fixturenames)
        if flushing:  # these empty the tables at teardown, the shared demo with them
            raise pytest.UsageError(f"{item.nodeid} uses demo with {', '.join(sorted(flushing))}")
    chosen = set(uses_demo)
    items[:] = [item for item in items if item not in chosen] + uses_demo


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
        # The database connections the test opened while Playwright's loop ran are kept in that
        # context's slot (Django keeps them in context variables): closed here, or the end of
        # the run cannot reach them and PostgreSQL refuses to drop the test database.
        connections.close_all()


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
