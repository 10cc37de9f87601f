"""Issue 11 "must show": a rider in 郾城区 at 01:18 Beijing time, on a 375x812 phone, asks for
the nearest open station. The server's clock is pinned (time_machine patches it process-wide,
so the live server thread judges "open now" at 01:18 too)."""

import datetime as dt
import os

import pytest
import time_machine

from gonghui.core.geometry import haversine_m
from gonghui.core.scoping import SYSTEM
from gonghui.organizations.services import org_update
from gonghui.stations import hours as h
from gonghui.stations.services import facilities_seed

from .factories import make_station
from .test_map_browser import located_page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIGHT = dt.datetime(2026, 11, 30, 1, 18, tzinfo=h.SHANGHAI)
RIDER = {"latitude": 33.5870, "longitude": 114.0069}  # 郾城区, by the district union
YANCHENG = [
    ("郾城区城关镇劳动驿站", 33.5890, 114.0090, "每天 07:00-21:00"),
    ("郾城区沙北街道劳动驿站", 33.6010, 114.0200, "每天 07:00-21:00"),
    ("郾城区孟庙镇劳动驿站", 33.5600, 113.9800, "每天 07:30-20:00"),
    ("郾城区职工之家", 33.5950, 113.9950, "周一至周五 08:30-18:00"),
    ("漯河市人民路劳动驿站", 33.5750, 114.0400, "每天 07:00-21:00"),
]


@pytest.fixture
def night_map(personas):
    facilities_seed()  # transactional tests flush the migration-seeded facilities
    org_update(actor=SYSTEM, org=personas.yancheng, latitude="33.5870", longitude="114.0069")
    for name, lat, lon, hours in YANCHENG:
        make_station(personas.yancheng, name=name, latitude=lat, longitude=lon, hours=hours)
    # The only station open at 01:18 is 534 km away: the old answer.
    make_station(
        personas.hunan, name="汨罗市罗江暖心驿站", latitude=28.8063, longitude=113.0670,
        hours="每天 00:00-24:00",
    )  # fmt: skip


@pytest.fixture
def phone(live_server, chromium):
    context, page = located_page(chromium, live_server, RIDER, is_mobile=True, has_touch=True)
    page.csp_errors = []
    page.on(
        "console",
        lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()


def test_rider_in_yancheng_at_1_18_sees_nearby_stations_and_when_they_open(
    night_map, phone, live_server
):
    page = phone
    with time_machine.travel(NIGHT, tick=True):
        page.goto(live_server.url + "/map")
        page.locator("#nearest-me").click()
        items = page.locator("#nearest-results .station-item")
        items.first.wait_for()
        page.screenshot(path="/tmp/stations-near-me-0118.png", full_page=True)

        message = page.locator("#nearest-message")
        assert message.is_visible()
        assert message.inner_text() == "20 公里内没有正在营业的驿站。下面是最近的驿站和开门时间。"

        expected = sorted(
            YANCHENG, key=lambda s: haversine_m(RIDER["latitude"], RIDER["longitude"], s[1], s[2])
        )
        names = page.locator("#nearest-results .station-name").all_inner_texts()
        assert names == [s[0] for s in expected]
        states = page.locator("#nearest-results .state").all_inner_texts()
        by_name = dict(zip(names, states, strict=True))
        assert by_name["郾城区城关镇劳动驿站"] == "07:00 开门"
        assert by_name["郾城区孟庙镇劳动驿站"] == "07:30 开门"
        assert by_name["郾城区职工之家"] == "08:30 开门"  # Monday
        distances = page.locator("#nearest-results .distance").all_inner_texts()
        metres = [
            float(t.split()[0]) * (1000 if "公里" in t else 1) for t in distances
        ]  # "230 米", "1.9 公里"
        assert metres == sorted(metres) and metres[-1] < 20_000

        listed = page.locator("#station-list .station-name").all_inner_texts()
        assert listed[: len(expected)] == names and listed[-1] == "汨罗市罗江暖心驿站"

        section = page.locator("#nearest-section").inner_text()
        assert "汨罗" not in section and "534" not in section
        # The map says why it is grey and gives the dots a place name.
        assert "MAP_TILE_URL" in page.locator("#map-note").inner_text()
        page.locator(".place-label-text", has_text="郾城区").first.wait_for()
    assert page.outside_requests == []
    assert page.csp_errors == []
