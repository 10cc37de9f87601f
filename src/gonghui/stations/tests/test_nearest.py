import datetime as dt

import numpy as np
import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core.geometry import haversine_m
from gonghui.core.scoping import SYSTEM
from gonghui.stations import hours as h
from gonghui.stations import services
from gonghui.stations.index import StationIndex, StationPoint

from .factories import make_station

points = st.lists(
    st.tuples(st.floats(-60, 60), st.floats(-179, 179), st.booleans()), min_size=1, max_size=60
)


@settings(max_examples=150, deadline=None)
@given(points, st.floats(-60, 60), st.floats(-179, 179), st.integers(1, 10), st.booleans())
def test_index_nearest_equals_a_brute_force_haversine_scan(data, lat, lon, k, filtered):
    stations = [
        StationPoint(id=i, latitude=a, longitude=b, facilities=frozenset({"water"} if w else ()))
        for i, (a, b, w) in enumerate(data)
    ]
    index = StationIndex(stations)
    mask = index.mask(facilities=["water"]) if filtered else None
    got = index.nearest(lat, lon, k, mask)
    pool = [s for s in stations if not filtered or "water" in s.facilities]
    expected = sorted(haversine_m(lat, lon, s.latitude, s.longitude) for s in pool)[:k]
    assert len(got) == len(expected)
    assert np.allclose([d for _p, d in got], expected, atol=0.5)
    for point, distance in got:
        assert abs(haversine_m(lat, lon, point.latitude, point.longitude) - distance) < 0.5


def test_index_widens_until_rare_matches_are_found():
    stations = [StationPoint(id=i, latitude=30 + i * 1e-3, longitude=110) for i in range(500)]
    stations.append(StationPoint(id=999, latitude=40, longitude=110, facilities=frozenset({"x"})))
    index = StationIndex(stations)
    found = index.nearest(30, 110, 1, index.mask(facilities=["x"]))
    assert [p.id for p, _d in found] == [999]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 8))
def test_rare_matches_past_the_overfetch_limit_equal_brute_force(seed, k):
    rng = np.random.default_rng(seed)
    lats, lons = rng.uniform(20, 40, 5000), rng.uniform(100, 120, 5000)
    rare = set(rng.choice(5000, size=12, replace=False).tolist())
    stations = [
        StationPoint(
            id=i, latitude=a, longitude=b, facilities=frozenset({"x"} if i in rare else ())
        )
        for i, (a, b) in enumerate(zip(lats, lons, strict=True))
    ]
    index = StationIndex(stations)
    got = [p.id for p, _d in index.nearest(30, 110, k, index.mask(facilities=["x"]))]
    expected = sorted(rare, key=lambda i: haversine_m(30, 110, lats[i], lons[i]))[:k]
    assert got == expected


weekly_choices = st.sampled_from(
    [
        (),
        tuple(h.Interval(d, dt.time(9), dt.time(17)) for d in range(1, 6)),
        tuple(h.Interval(d, dt.time(22), dt.time(6)) for d in range(1, 8)),
        tuple(h.Interval(d, dt.time(0), dt.time(0)) for d in range(1, 8)),
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(weekly_choices, st.booleans()), min_size=1, max_size=30),
    st.datetimes(dt.datetime(2026, 9, 28), dt.datetime(2026, 10, 10), timezones=st.just(dt.UTC)),
)
def test_open_mask_equals_asking_each_station(specs, moment):
    closure = (h.Exception_(dt.date(2026, 10, 1), dt.date(2026, 10, 7), True),)
    stations = [
        StationPoint(id=i, latitude=30, longitude=110, weekly=week, exceptions=closure if c else ())
        for i, (week, c) in enumerate(specs)
    ]
    index = StationIndex(stations)
    assert index.open_mask(moment).tolist() == [s.is_open(moment) for s in stations]


# The API ----------------------------------------------------------------------------------


@pytest.fixture
def luohe_stations(personas):
    near = make_station(personas.yancheng, name="近站", latitude=33.5800, longitude=114.0100)
    closed_all_week = make_station(
        personas.yancheng, name="更近但不开", latitude=33.5801, longitude=114.0101, hours=""
    )
    far = make_station(personas.luohe, name="远站", latitude=33.6500, longitude=114.0500)
    no_water = make_station(
        personas.luohe, name="无水站", latitude=33.5805, longitude=114.0105, facilities=["rest"]
    )
    return near, closed_all_week, far, no_water


def names(response):
    return [s["name"] for s in response.json()["stations"]]


@pytest.mark.django_db
def test_nearest_is_public_and_sorted_by_distance_in_metres(api, luohe_stations):
    response = api().get("/api/stations/nearest", lat=33.58, lon=114.01, k=4)
    assert response.status_code == 200
    distances = [s["distance_m"] for s in response.json()["stations"]]
    assert distances == sorted(distances)
    assert names(response)[0] == "近站"
    assert distances[0] < 1


@pytest.mark.django_db
def test_nearest_open_now_with_water_skips_closed_and_dry_stations(api, luohe_stations):
    response = api().get(
        "/api/stations/nearest", lat=33.5801, lon=114.0101, k=5, open_now="true", facility="water"
    )
    assert names(response) == ["近站", "远站"]
    assert all(s["open_now"] for s in response.json()["stations"])


@pytest.mark.django_db
def test_nearest_sees_a_new_closure_immediately(api, luohe_stations):
    near = luohe_stations[0]
    today = dt.date.today()
    services.station_add_exception(
        actor=SYSTEM,
        station=near,
        start_date=today - dt.timedelta(days=2),
        end_date=today + dt.timedelta(days=2),
    )
    response = api().get("/api/stations/nearest", lat=33.58, lon=114.01, k=1, open_now="true")
    assert names(response) == ["无水站"]


@pytest.mark.django_db
def test_deactivated_station_leaves_the_index(api, luohe_stations):
    services.station_update(actor=SYSTEM, station=luohe_stations[0], is_active=False)
    response = api().get("/api/stations/nearest", lat=33.58, lon=114.01, k=10)
    assert "近站" not in names(response)


@pytest.mark.django_db
def test_unknown_facility_is_a_422_field_error(api, luohe_stations):
    response = api().get("/api/stations/nearest", lat=33.58, lon=114.01, facility="spa")
    assert response.status_code == 422
    assert "facility" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 91, "lon": 114}, "lat"),
        ({"lat": 33, "lon": 181}, "lon"),
        ({"lat": 33, "lon": 114, "k": 51}, "k"),
        ({"lat": 33, "lon": 114, "k": 0}, "k"),
    ],
)
def test_bad_nearest_parameters_are_422_field_errors(api, db, params, field):
    response = api().get("/api/stations/nearest", **params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_display_coordinates_are_gcj02_only_when_the_basemap_needs_it(api, luohe_stations):
    plain = api().get("/api/stations/nearest", lat=33.58, lon=114.01, k=1).json()
    station = plain["stations"][0]
    assert plain["coordinate_system"] == "wgs84"
    assert station["display_latitude"] == station["latitude"]
    with override_settings(MAP_COORDINATE_SYSTEM="gcj02"):
        shifted = api().get("/api/stations/nearest", lat=33.58, lon=114.01, k=1).json()
    moved = shifted["stations"][0]
    assert shifted["coordinate_system"] == "gcj02"
    assert moved["latitude"] == station["latitude"]
    assert (
        haversine_m(
            moved["latitude"],
            moved["longitude"],
            moved["display_latitude"],
            moved["display_longitude"],
        )
        > 100
    )


@pytest.mark.django_db
def test_place_lookup_accepts_coordinates_and_station_names(api, luohe_stations):
    assert api().get("/api/stations/place", q="33.1, 114.2").json()["latitude"] == 33.1
    assert api().get("/api/stations/place", q="远站").json()["label"] == "远站"
    assert api().get("/api/stations/place", q="不存在的地方").status_code == 422


@pytest.mark.django_db
def test_nearest_uses_a_bounded_number_of_queries(
    api, luohe_stations, django_assert_max_num_queries
):
    api().get("/api/stations/nearest", lat=33.58, lon=114.01, k=1)  # builds the index
    # The staleness check and the facility-code check; nothing per station.
    with django_assert_max_num_queries(2):
        api().get("/api/stations/nearest", lat=33.58, lon=114.01, k=4, facility="water")
    with django_assert_max_num_queries(1):
        api().get("/api/stations/map")


@pytest.mark.django_db
def test_place_lookup_finds_a_union_by_name(api, personas):
    from gonghui.organizations.services import org_update

    org_update(actor=SYSTEM, org=personas.yancheng, latitude="33.5870", longitude="114.0069")
    found = api().get("/api/stations/place", q="郾城区").json()
    assert found["label"] == "郾城区总工会"
    assert abs(found["latitude"] - 33.587) < 1e-6


@pytest.mark.django_db
def test_map_feed_can_be_limited_to_a_bounding_box(api, luohe_stations):
    inside = api().get("/api/stations/map", bbox="33.57,114.0,33.59,114.02").json()["stations"]
    assert {s["name"] for s in inside} == {"近站", "更近但不开", "无水站"}
    assert api().get("/api/stations/map", bbox="1,2,3").status_code == 422


@pytest.mark.django_db
def test_nearest_open_now_is_judged_on_shanghai_time(personas):
    from gonghui.stations.selectors import nearest

    make_station(personas.yancheng, name="日间站", hours="每天 09:00-17:00")
    morning_utc = dt.datetime(2026, 7, 15, 3, 0, tzinfo=dt.UTC)  # 11:00 in Shanghai
    evening_utc = dt.datetime(2026, 7, 15, 10, 0, tzinfo=dt.UTC)  # 18:00 in Shanghai
    assert [s.name for s, _d, _o in nearest(lat=33.58, lon=114.01, open_now=True, at=morning_utc)]
    assert not nearest(lat=33.58, lon=114.01, open_now=True, at=evening_utc)
