"""Issue 11 item 2: "near me" means near. Sorted by distance, each station with its state
(open / opens at 07:00 / closed today), a radius (NEAR_ME_KM), and "nothing open within N km"
in words instead of a station 534 km away."""

import datetime as dt

import numpy as np
import pytest
import time_machine
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core.geometry import haversine_m
from gonghui.core.scoping import SYSTEM
from gonghui.stations import hours as h
from gonghui.stations import services
from gonghui.stations.index import StationIndex, StationPoint

from .factories import make_station

SH = h.SHANGHAI
T = dt.time
NIGHT = dt.datetime(2026, 11, 30, 1, 18, tzinfo=SH)  # a Monday, 01:18 Beijing time
YANCHENG = {"lat": 33.5870, "lon": 114.0069}


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SH)


# Opening state, pure ------------------------------------------------------------------------


def test_state_before_opening_says_it_opens_at_seven():
    state = h.state_at(h.parse_weekly("每天 07:00-21:00"), [], NIGHT)
    assert state.state == h.OPENS_LATER
    assert state.opens_at == at(30, 7)
    assert state.label(NIGHT) == "07:00 开门"


def test_state_after_closing_says_closed_today_and_opens_tomorrow():
    late = at(30, 22)
    state = h.state_at(h.parse_weekly("每天 07:00-21:00"), [], late)
    assert state.state == h.CLOSED_TODAY
    assert state.opens_at == dt.datetime(2026, 12, 1, 7, tzinfo=SH)
    assert state.label(late) == "今日已关门，明天 07:00 开门"


def test_state_on_a_day_off_names_the_next_opening_day():
    saturday = at(28, 10)
    state = h.state_at(h.parse_weekly("周一至周五 08:30-18:00"), [], saturday)
    assert state.state == h.CLOSED_TODAY
    assert state.label(saturday) == "今日不开放，周一 08:30 开门"


def test_state_while_open_says_when_it_closes_and_round_the_clock_has_no_closing():
    noon = at(30, 12)
    state = h.state_at(h.parse_weekly("每天 07:00-21:00"), [], noon)
    assert (state.state, state.closes_at) == (h.OPEN, at(30, 21))
    assert state.label(noon) == "营业中，21:00 关门"
    always = h.state_at(h.parse_weekly("每天 00:00-24:00"), [], NIGHT)
    assert (always.state, always.closes_at, always.label(NIGHT)) == (
        h.OPEN,
        None,
        "营业中，24小时开放",
    )


def test_state_of_an_overnight_shift_closes_the_next_morning():
    state = h.state_at(h.parse_weekly("每天 22:00-06:00"), [], NIGHT)
    assert (state.state, state.closes_at) == (h.OPEN, at(30, 6))


def test_state_skips_a_closure_to_the_first_day_back():
    closure = [h.Exception_(dt.date(2026, 11, 30), dt.date(2026, 12, 2), True)]
    state = h.state_at(h.parse_weekly("每天 07:00-21:00"), closure, NIGHT)
    assert state.state == h.CLOSED_TODAY
    assert state.opens_at == dt.datetime(2026, 12, 3, 7, tzinfo=SH)


weeks = st.sampled_from(
    [
        "",
        "每天 07:00-21:00",
        "每天 00:00-24:00",
        "每天 22:00-06:00",
        "周一至周五 08:30-12:00,14:30-18:00",
        "周二至周日 09:00-17:30",
        "周六 10:00-02:00",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    weeks,
    st.booleans(),
    st.datetimes(dt.datetime(2026, 11, 20), dt.datetime(2026, 12, 20), timezones=st.just(SH)),
)
def test_state_agrees_with_is_open_and_its_times_are_real_transitions(text, closed, moment):
    weekly = h.parse_weekly(text)
    exceptions = [h.Exception_(dt.date(2026, 12, 1), dt.date(2026, 12, 3), True)] if closed else []
    state = h.state_at(weekly, exceptions, moment)
    assert (state.state == h.OPEN) == h.is_open(weekly, exceptions, moment)
    minute = dt.timedelta(minutes=1)
    if state.opens_at is not None:
        assert state.opens_at > moment
        assert h.is_open(weekly, exceptions, state.opens_at)
        assert not h.is_open(weekly, exceptions, state.opens_at - minute)
        same_day = h.local(state.opens_at).date() == h.local(moment).date()
        assert (state.state == h.OPENS_LATER) == same_day
    if state.closes_at is not None:
        assert not h.is_open(weekly, exceptions, state.closes_at)
        assert h.is_open(weekly, exceptions, state.closes_at - minute)


# The index within a radius ------------------------------------------------------------------

points = st.lists(
    st.tuples(st.floats(30, 36), st.floats(110, 118), st.booleans()), min_size=1, max_size=80
)


@settings(max_examples=150, deadline=None)
@given(points, st.integers(1, 8), st.booleans(), st.floats(1, 400))
def test_index_within_a_radius_equals_a_brute_force_scan(data, k, filtered, radius_km):
    stations = [
        StationPoint(id=i, latitude=a, longitude=b, facilities=frozenset({"water"} if w else ()))
        for i, (a, b, w) in enumerate(data)
    ]
    index = StationIndex(stations)
    mask = index.mask(facilities=["water"]) if filtered else None
    got = index.nearest(33.58, 114.01, k, mask, max_m=radius_km * 1000)
    pool = [s for s in stations if not filtered or "water" in s.facilities]
    within = sorted(
        d
        for s in pool
        if (d := haversine_m(33.58, 114.01, s.latitude, s.longitude)) <= radius_km * 1000 - 1
    )
    assert len(got) >= len(within[:k])
    assert all(d <= radius_km * 1000 + 1 for _p, d in got)
    assert np.allclose([d for _p, d in got][: len(within[:k])], within[:k], atol=0.5)


def test_index_radius_applies_when_rare_matches_are_scanned():
    stations = [StationPoint(id=i, latitude=33 + i * 1e-4, longitude=114) for i in range(3000)]
    stations.append(StationPoint(id=9999, latitude=28.8, longitude=113.07, facilities={"x"}))
    index = StationIndex(stations)
    mask = index.mask(facilities=["x"])
    assert index.nearest(33, 114, 1, mask, max_m=20_000) == []
    assert [p.id for p, _d in index.nearest(33, 114, 1, mask)] == [9999]


# The API at night ---------------------------------------------------------------------------


@pytest.fixture
def night_stations(personas):
    """郾城区 stations that open at 07:00 or 08:30, a round-the-clock one 30 km north and
    another 534 km away in 汨罗."""
    made = [
        make_station(personas.yancheng, name=name, latitude=lat, longitude=lon, hours=hours)
        for name, lat, lon, hours in [
            ("郾城区沙北街道劳动驿站", 33.6010, 114.0200, "每天 07:00-21:00"),
            ("郾城区城关镇劳动驿站", 33.5890, 114.0090, "每天 07:00-21:00"),
            ("郾城区孟庙镇劳动驿站", 33.5600, 113.9800, "每天 07:30-20:00"),
            ("郾城区职工之家", 33.5880, 114.0080, "周一至周五 08:30-18:00"),
            ("漯河北高速口暖心驿站", 33.8570, 114.0069, "每天 00:00-24:00"),  # 30 km north
        ]
    ]
    far = make_station(
        personas.hunan, name="汨罗市罗江暖心驿站", latitude=28.80, longitude=113.07,
        hours="每天 00:00-24:00",
    )  # fmt: skip
    return made, far


def stations_of(body, key="stations"):
    return [s["name"] for s in body[key]]


@pytest.mark.django_db
def test_nearest_open_at_night_says_nothing_open_nearby_instead_of_534_km_away(api, night_stations):
    with time_machine.travel(NIGHT, tick=False):
        body = api().get("/api/stations/nearest", open_now="true", k=5, **YANCHENG).json()
    assert body["stations"] == []
    assert body["within_km"] == 20
    assert body["message"] == "20 公里内没有正在营业的驿站。下面是最近的驿站和开门时间。"
    assert stations_of(body, "later") == [
        "郾城区职工之家",
        "郾城区城关镇劳动驿站",
        "郾城区沙北街道劳动驿站",
        "郾城区孟庙镇劳动驿站",
    ]
    distances = [s["distance_m"] for s in body["later"]]
    assert distances == sorted(distances) and distances[-1] < 20_000
    second = body["later"][1]
    assert (second["state"], second["state_label"], second["open_now"]) == (
        "opens_later",
        "07:00 开门",
        False,
    )
    assert second["opens_at"].startswith("2026-11-30T07:00:00")
    assert body["later"][0]["state_label"] == "08:30 开门"
    assert "汨罗" not in str(body) and "漯河北" not in str(body)


@pytest.mark.django_db
def test_nearest_open_finds_the_open_station_within_the_radius_by_day(api, night_stations):
    with time_machine.travel(at(30, 8, 0), tick=False):
        body = api().get("/api/stations/nearest", open_now="true", k=5, **YANCHENG).json()
    assert body["message"] == "" and body["later"] == []
    assert stations_of(body) == [
        "郾城区城关镇劳动驿站",
        "郾城区沙北街道劳动驿站",
        "郾城区孟庙镇劳动驿站",
    ]
    assert [s["state_label"] for s in body["stations"]] == ["营业中，21:00 关门"] * 2 + [
        "营业中，20:00 关门"
    ]
    assert body["stations"][0]["closes_at"].startswith("2026-11-30T21:00:00")


@pytest.mark.django_db
def test_within_km_widens_the_search_on_request(api, night_stations):
    with time_machine.travel(NIGHT, tick=False):
        body = api().get("/api/stations/nearest", open_now="true", within_km=40, **YANCHENG).json()
    assert stations_of(body) == ["漯河北高速口暖心驿站"]
    assert body["within_km"] == 40 and body["message"] == ""
    assert 29_000 < body["stations"][0]["distance_m"] < 31_000
    assert body["stations"][0]["state_label"] == "营业中，24小时开放"


@pytest.mark.django_db
def test_nothing_at_all_within_the_radius_is_said_in_words(api, night_stations):
    body = api().get("/api/stations/nearest", lat=38.47, lon=106.17, k=5).json()
    assert body["stations"] == [] and body["later"] == []
    assert body["message"] == "20 公里内没有符合条件的驿站。"


@pytest.mark.django_db
@override_settings(NEAR_ME_KM=2)
def test_the_default_radius_is_the_near_me_km_setting(api, night_stations):
    body = api().get("/api/stations/nearest", k=10, **YANCHENG).json()
    assert body["within_km"] == 2
    assert all(s["distance_m"] <= 2000 for s in body["stations"])
    assert "郾城区孟庙镇劳动驿站" not in stations_of(body)  # 3.7 km away


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, -1, 201, "far"])
def test_bad_within_km_is_a_422_field_error(api, db, value):
    response = api().get("/api/stations/nearest", within_km=value, **YANCHENG)
    assert response.status_code == 422
    assert "within_km" in response.json()["errors"]


@pytest.mark.django_db
def test_the_map_feed_carries_each_stations_state(api, night_stations):
    with time_machine.travel(NIGHT, tick=False):
        rows = {s["name"]: s for s in api().get("/api/stations/map").json()["stations"]}
    assert rows["郾城区城关镇劳动驿站"]["state_label"] == "07:00 开门"
    assert rows["汨罗市罗江暖心驿站"]["state"] == "open"


@pytest.mark.django_db
def test_a_closure_today_shows_as_closed_with_the_day_it_reopens(api, night_stations):
    services.station_add_exception(
        actor=SYSTEM,
        station=night_stations[0][3],
        start_date=dt.date(2026, 11, 30),
        end_date=dt.date(2026, 11, 30),
    )
    with time_machine.travel(NIGHT, tick=False):
        body = api().get("/api/stations/nearest", k=1, **YANCHENG).json()
    assert body["stations"][0]["name"] == "郾城区职工之家"
    assert body["stations"][0]["state"] == "closed_today"
    assert body["stations"][0]["state_label"] == "今日不开放，明天 08:30 开门"
