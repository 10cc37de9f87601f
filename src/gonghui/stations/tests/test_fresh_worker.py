"""Issue 13 item 3, a fresh worker: while its first station index is still being built, "nearest"
answers from the stations around the point, read from the database, instead of waiting for the
build; the answers are the ones the whole index gives."""

import datetime as dt
import math
import random
import threading
import time

import pytest
from django.utils import timezone

from gonghui.core import giveway
from gonghui.core.geometry import EARTH_RADIUS_M
from gonghui.stations import hours as hours_lib
from gonghui.stations import index as station_index
from gonghui.stations import selectors, services
from gonghui.stations.models import Station

from .factories import make_station
from .test_scale import builder_queries_held_up, wait_for_rebuild

LUOHE = (33.58, 114.01)


def spread_stations(operator, n, seed=7):
    """``n`` stations over a few hundred kilometres around Luohe: some all day, some by day only,
    some without water, so filtered answers differ from plain ones."""
    rng = random.Random(seed)
    for i in range(n):
        make_station(
            operator,
            name=f"散站{i}",
            latitude=LUOHE[0] + rng.uniform(-1.5, 1.5),
            longitude=LUOHE[1] + rng.uniform(-1.5, 1.5),
            facilities=["water", "rest"] if i % 3 else ["rest"],
            hours="每天 00:00-24:00" if i % 2 else "每天 08:00-18:00",
        )


def ids(found):
    return [(p.id, round(d, 3)) for p, d in found]


def test_answers_from_the_database_equal_the_whole_index(personas):
    """Over many points, k and filters: the boxes read around a point give exactly the whole
    index's answer whenever they answer at all (None: too far from everything, wait instead)."""
    spread_stations(personas.yancheng, 60)
    at = timezone.make_aware(dt.datetime(2026, 7, 1, 21, 0))
    today = hours_lib.local(at).date()
    whole = station_index.StationIndex(station_index.load_points(today))
    assert len(whole) == 60
    selections = {
        "all": lambda index: None,
        "water": lambda index: index.mask(facilities=["water"]),
        "open water": lambda index: index.mask(at=at, open_now=True, facilities=["water"]),
    }
    rng = random.Random(11)
    answered = 0
    for _ in range(40):
        lat, lon = LUOHE[0] + rng.uniform(-2, 2), LUOHE[1] + rng.uniform(-2, 2)
        for k in (1, 3, 8):
            for max_m in (None, 30_000):
                for select in selections.values():
                    found = station_index._nearest_from_database(lat, lon, k, today, select, max_m)
                    expected = whole.nearest(lat, lon, k, select(whole), max_m=max_m)
                    if found is None:
                        assert max_m is None and len(expected) == k  # beyond the last box
                        continue
                    answered += 1
                    assert ids(found) == ids(expected)
    assert answered > 600  # nearly all answered from the boxes


def test_across_the_antimeridian_the_whole_index_answers(personas):
    """A box would not wrap around from +180 to -180 degrees: the nearer station across the line
    would be missed and a farther one on this side given. There the whole index answers."""
    make_station(personas.yancheng, name="对面", latitude=0.0, longitude=-179.995)
    make_station(personas.yancheng, name="这边", latitude=0.0, longitude=179.9)
    day = dt.date(2026, 7, 1)
    assert station_index._nearest_from_database(0.0, 179.995, 1, day, lambda i: None, None) is None
    found = selectors.nearest(lat=0.0, lon=179.995, k=1)
    assert [p.name for p, _metres, _open in found] == ["对面"]


def test_no_station_near_anything_is_an_empty_answer_without_waiting(db):
    day = dt.date(2026, 7, 1)
    found = station_index._nearest_from_database(*LUOHE, 5, day, lambda index: None, 5000)
    assert found == []


@pytest.mark.django_db(transaction=True)
def test_a_fresh_worker_answers_nearest_while_its_first_build_is_held_up(
    client, personas, background
):
    services.facilities_seed()  # transactional tests flush the migration-seeded facilities
    spread_stations(personas.yancheng, 12)
    wide = {"lat": LUOHE[0], "lon": LUOHE[1], "k": 3, "within_km": 200}
    station_index.forget()
    with builder_queries_held_up():
        station_index.warm()  # as wsgi.py does at worker start
        started = time.perf_counter()
        during = client.get("/api/stations/nearest", wide).json()
        filtered = client.get("/api/stations/nearest", {**wide, "facility": "water"})
        waited = time.perf_counter() - started
        assert station_index._holder.current is None  # the build is still held up
        assert station_index._holder.rebuilding.is_alive()
    assert waited < 10  # the hold lasts until the block ends: these did not wait for it
    assert filtered.status_code == 200
    wait_for_rebuild()
    assert station_index._holder.current is not None
    assert client.get("/api/stations/nearest", wide).json() == during
    again = client.get("/api/stations/nearest", {**wide, "facility": "water"})
    assert again.json() == filtered.json()
    assert len(during["stations"]) == 3
    assert during != filtered.json()


@pytest.mark.django_db(transaction=True)
def test_a_point_far_from_every_station_waits_for_the_first_build(personas, background):
    """Nothing within the last box (210 km) and no radius (the assistant's "nearest"): the answer
    needs the whole index, so it waits for the first build and then answers from it."""
    services.facilities_seed()
    make_station(personas.yancheng, name="远站", latitude=LUOHE[0], longitude=LUOHE[1])
    station_index.forget()
    with builder_queries_held_up() as release:
        station_index.warm()
        threading.Timer(0.5, release.set).start()
        found = selectors.nearest(lat=40.0, lon=116.4, k=1)  # Beijing, ~700 km away
    assert [p.name for p, _metres, _open in found] == ["远站"]
    assert Station.objects.count() == 1


def test_the_last_box_reaches_past_the_widest_public_radius():
    """So the public "nearest" of a fresh worker never waits for the first build."""
    last = max(station_index.NEARBY_HALF_SIDES_DEG)
    assert math.radians(last) * EARTH_RADIUS_M * 0.999 > selectors.NEAR_MAX_KM * 1000


def six_stations_a_step_each(personas, monkeypatch, longest_wait_s):
    """Six stations, a build step per station (so a build gives way six times), each wait at
    most ``longest_wait_s``; no index yet."""
    spread_stations(personas.yancheng, 6)
    monkeypatch.setattr(station_index, "CELLS_PER_STEP", 1)
    monkeypatch.setattr(giveway, "LONGEST_WAIT_S", longest_wait_s)
    station_index.forget()


@pytest.mark.django_db(transaction=True)
def test_the_background_build_gives_way_to_a_request_in_flight(personas, background, monkeypatch):
    """While the worker serves a request, the build waits between its steps (up to the limit per
    step), so it no longer shares the interpreter with that request; once the request is over it
    runs on at once."""
    services.facilities_seed()
    six_stations_a_step_each(personas, monkeypatch, longest_wait_s=0.25)
    giveway.request_started()  # what the WSGI handler's request_started signal calls
    try:
        started = time.monotonic()
        station_index.warm()
        threading.Event().wait(0.6)
        assert station_index._holder.current is None  # still giving way
    finally:
        giveway.request_finished()
    wait_for_rebuild()
    took = time.monotonic() - started
    assert len(station_index._holder.current.index) == 6
    assert took < 0.6 + 6 * 0.25  # once the request was over the build did not wait again


def test_the_first_build_in_a_request_thread_never_waits(personas, settings, monkeypatch):
    """Where a request builds the index itself (tests, STATION_INDEX_BACKGROUND off), it is not
    background work: it does not wait for the request that is running it."""
    settings.STATION_INDEX_BACKGROUND = False
    six_stations_a_step_each(personas, monkeypatch, longest_wait_s=5.0)
    giveway.request_started()
    try:
        started = time.monotonic()
        assert len(station_index.get_index()) == 6
        assert time.monotonic() - started < 5.0
    finally:
        giveway.request_finished()
        station_index.forget()


@pytest.mark.django_db(transaction=True)
def test_a_request_waiting_for_the_first_build_does_not_slow_it(personas, background, monkeypatch):
    """A request that needs the whole index (the map, a point far from everything) waits for the
    first build; the build does not give way to that request (it would wait on itself)."""
    services.facilities_seed()
    six_stations_a_step_each(personas, monkeypatch, longest_wait_s=1.0)
    giveway.request_started()
    try:
        started = time.monotonic()
        station_index.warm()
        assert len(station_index.get_index()) == 6
        assert time.monotonic() - started < 3.0  # not one wait per station
        assert giveway.serving() == 1  # counted again once it has its index
    finally:
        giveway.request_finished()
