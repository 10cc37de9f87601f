"""The grid map under the strict CSP, in Debian's chromium (founding a union from the
enterprise page is tested in the founding app)."""

import os

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import sign_in

from .factories import enterprise

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_map_draws_one_shape_per_cell_under_strict_csp(
    live_server, phone_page, personas, persona_password
):
    enterprise(personas.yancheng, latitude=33.587, longitude=114.0069, employees=40)
    enterprise(personas.yancheng, latitude=33.62, longitude=114.05, employees=30)
    page = phone_page
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    sign_in(page, live_server.url, "yancheng_officer", persona_password)
    page.goto(f"{live_server.url}/enterprises/grid/?org={personas.yancheng.pk}")
    expect(page.locator("#grid-map path.leaflet-interactive")).to_have_count(2)
    expect(page.locator("#grid-table tbody tr")).to_have_count(2)
    assert violations == []
