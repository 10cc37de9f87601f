"""Issue 11 item 9: without tiles the map says why and with which setting, and the dots get
place labels from the data. Item 2 on the page itself: a typed place answers "nearest" with
no JavaScript, by distance, with states, and "nothing open within N km" in words."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.services import org_update
from gonghui.stations import hours as h

from .factories import make_station

pytestmark = pytest.mark.django_db
NIGHT = dt.datetime(2026, 11, 30, 1, 18, tzinfo=h.SHANGHAI)


def test_map_without_tiles_says_why_and_names_the_setting(client, personas):
    html = client.get("/map").content.decode()
    assert "未配置底图" in html
    assert "MAP_TILE_URL" in html
    assert "审图号" in html


@override_settings(MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_map_with_tiles_has_no_missing_basemap_note(client, personas):
    html = client.get("/map").content.decode()
    assert "未配置底图" not in html
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_place_labels_come_from_unions_their_stations_and_enterprises(api, personas):
    from gonghui.enterprises.tests.factories import enterprise

    org_update(actor=SYSTEM, org=personas.luohe, latitude="33.5815", longitude="114.0166")
    make_station(personas.yancheng, latitude=33.60, longitude=114.00)
    make_station(personas.yancheng, latitude=33.58, longitude=114.02)
    # 浏阳市 has no coordinates and runs no station: the enterprises in its area place it.
    enterprise(personas.liuyang, latitude=28.16, longitude=113.64)
    enterprise(personas.liuyang, latitude=28.18, longitude=113.66)
    rows = {p["name"]: p for p in api().get("/api/stations/map/places").json()}
    assert rows["漯河市总工会"]["label"] == "漯河市"
    assert rows["漯河市总工会"]["source"] == "org"
    assert (
        rows["漯河市总工会"]["display_latitude"],
        rows["漯河市总工会"]["display_longitude"],
    ) == (
        33.5815,
        114.0166,
    )
    yancheng = rows["郾城区总工会"]
    assert (yancheng["label"], yancheng["source"]) == ("郾城区", "stations")
    assert yancheng["display_latitude"] == pytest.approx(33.59)
    assert yancheng["display_longitude"] == pytest.approx(114.01)
    liuyang = rows["浏阳市总工会"]
    assert (liuyang["label"], liuyang["source"]) == ("浏阳市", "enterprises")
    assert liuyang["display_latitude"] == pytest.approx(28.17)
    assert "湖南省总工会" not in rows  # nothing places it: no label at a made-up spot
    depths = [p["depth"] for p in api().get("/api/stations/map/places").json()]
    assert depths == sorted(depths)


def test_place_labels_use_few_queries(api, personas, django_assert_max_num_queries):
    for n in range(10):
        make_station(personas.yancheng, latitude=33.5 + n / 100)
    with django_assert_max_num_queries(3):
        rows = api().get("/api/stations/map/places").json()
    assert [p["label"] for p in rows] == ["郾城区"]


@pytest.fixture
def yancheng_night(personas):
    org_update(actor=SYSTEM, org=personas.yancheng, latitude="33.5870", longitude="114.0069")
    make_station(
        personas.yancheng, name="郾城区城关镇劳动驿站", latitude=33.5890, longitude=114.0090,
        hours="每天 07:00-21:00",
    )  # fmt: skip
    make_station(
        personas.yancheng, name="郾城区孟庙镇劳动驿站", latitude=33.5600, longitude=113.9800,
        hours="每天 07:30-20:00",
    )  # fmt: skip
    make_station(
        personas.hunan, name="汨罗市罗江暖心驿站", latitude=28.80, longitude=113.07,
        hours="每天 00:00-24:00",
    )  # fmt: skip


def test_a_typed_place_answers_nearest_on_the_page_without_javascript(client, yancheng_night):
    with time_machine.travel(NIGHT, tick=False):
        response = client.get("/map", {"place": "郾城区"})
    html = response.content.decode()
    section = html[html.index('id="nearest-section"') : html.index('id="station-map"')]
    assert "20 公里内没有正在营业的驿站" in section
    assert section.index("郾城区城关镇劳动驿站") < section.index("郾城区孟庙镇劳动驿站")
    assert "07:00 开门" in section and "07:30 开门" in section
    assert "汨罗" not in section
    assert "郾城区总工会附近" in section
    listing = html[html.index('id="station-list"') :]
    assert listing.index("郾城区城关镇劳动驿站") < listing.index("郾城区孟庙镇劳动驿站")
    assert listing.index("郾城区孟庙镇劳动驿站") < listing.index("汨罗市罗江暖心驿站")
    assert "295 米 · " in listing  # 城关镇, first in the list with its distance


def test_an_unknown_place_says_so_and_shows_no_nearest_list(client, yancheng_night):
    html = client.get("/map", {"place": "不存在的地方"}).content.decode()
    assert 'aria-live="polite">没有找到这个地点。</p>' in html
    assert 'id="nearest-section" class="card" hidden' in html


def test_page_nearest_keeps_the_chosen_facilities(client, yancheng_night):
    html = client.get(
        "/map", {"lat": "33.587", "lon": "114.0069", "facility": "water"}
    ).content.decode()
    assert 'value="water" checked' in html


def test_page_nearest_query_count_does_not_grow_with_stations(
    client, yancheng_night, personas, django_assert_max_num_queries
):
    for n in range(15):
        make_station(personas.yancheng, latitude=33.58 + n / 1000)
    client.get("/map", {"place": "郾城区"})  # builds the index
    with django_assert_max_num_queries(12):
        html = client.get("/map", {"place": "郾城区"}).content.decode()
    assert "郾城区总工会附近" in html
