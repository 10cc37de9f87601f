"""/map in a real phone-sized browser: no tiles configured, a fixed geolocation."""

import os

import pytest

from gonghui.stations.services import facilities_seed

from .factories import make_station

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HERE = {"latitude": 33.5800, "longitude": 114.0100}


def located_page(chromium, live_server, position, **options):
    """A phone-sized page (its context, its page) at ``position``, location granted, that keeps
    every request made outside the live server in ``page.outside_requests``."""
    context = chromium.new_context(
        viewport={"width": 375, "height": 812},
        geolocation=position,
        permissions=["geolocation"],
        locale="zh-CN",
        **options,
    )
    page = context.new_page()
    page.outside_requests = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(live_server.url) else page.outside_requests.append(r.url)
        ),
    )
    return context, page


@pytest.fixture
def browser_page(live_server, chromium):
    context, page = located_page(chromium, live_server, HERE)
    yield page
    context.close()


@pytest.fixture
def stations(personas):
    # Transactional tests flush the tables, including the migration-seeded facilities.
    facilities_seed()
    make_station(
        personas.yancheng, name="最近但关门", latitude=33.5801, longitude=114.0101, hours=""
    )
    make_station(
        personas.yancheng,
        name="近处无水",
        latitude=33.5803,
        longitude=114.0103,
        facilities=["rest"],
    )
    make_station(personas.yancheng, name="有水营业", latitude=33.5830, longitude=114.0130)
    make_station(personas.luohe, name="远处有水", latitude=33.6500, longitude=114.0600)


def test_map_lists_stations_and_filters_by_facility_without_tiles(
    browser_page, live_server, stations
):
    page = browser_page
    page.goto(live_server.url + "/map")
    items = page.locator("#station-list .station-item")
    assert items.count() == 4
    page.get_by_label("饮水").check()
    visible = page.locator("#station-list .station-item:visible .station-name")
    assert sorted(visible.all_inner_texts()) == ["最近但关门", "有水营业", "远处有水"]
    page.locator("#open-only").check()
    assert sorted(visible.all_inner_texts()) == ["有水营业", "远处有水"]
    assert page.outside_requests == []


def test_nearest_open_to_me_puts_the_right_station_first(stations, browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + "/map")
    page.get_by_label("饮水").check()
    page.locator("#nearest-me").click()
    first = page.locator("#nearest-results .station-item").first
    first.wait_for()
    assert first.locator(".station-name").inner_text() == "有水营业"
    names = page.locator("#nearest-results .station-name").all_inner_texts()
    assert names == ["有水营业", "远处有水"]
    assert "有水营业" in page.locator("#map-status").inner_text()
    assert (
        first.get_by_role("link", name="导航前往")
        .get_attribute("href")
        .startswith("https://uri.amap.com")
    )


def test_nearest_from_a_typed_place(stations, browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + "/map")
    page.locator("#place-input").fill("33.65,114.06")
    page.locator("#nearest-place").click()
    first = page.locator("#nearest-results .station-item .station-name").first
    first.wait_for()
    assert first.inner_text() == "远处有水"
