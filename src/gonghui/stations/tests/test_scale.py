"""Issue 13 items 3 and 4: the station index is rebuilt off the request path and invalidated by
version; the map loads what is visible (bbox + zoom, H3 clusters at low zoom); HTML and JSON
answers are compressed; the list stays right with more stations than it shows."""

import contextlib
import gzip
import json
import threading
import time

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from gonghui.core.scoping import SYSTEM
from gonghui.stations import index as station_index
from gonghui.stations import services
from gonghui.stations.models import Station
from gonghui.stations.views import MAP_LIST_LIMIT

from .factories import make_station

LUOHE = (33.58, 114.01)
CHANGSHA = (28.20, 112.94)
CHINA = "18,73,54,135"


def nearest(client, lat, lon, k=5):
    response = client.get("/api/stations/nearest", {"lat": lat, "lon": lon, "k": k})
    assert response.status_code == 200
    return response.json()["stations"]


def wait_for_rebuild(timeout=30):
    thread = station_index._holder.rebuilding
    if thread is not None:
        thread.join(timeout)
        assert not thread.is_alive(), "the background rebuild did not finish"


# Index: version, background rebuild, swap -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_change_is_visible_after_the_background_swap(client, personas, background):
    services.facilities_seed()  # transactional tests flush the migration-seeded facilities
    station = make_station(personas.yancheng, name="旧名驿站", latitude=33.58, longitude=114.01)
    assert [s["name"] for s in nearest(client, *LUOHE)] == ["旧名驿站"]
    wait_for_rebuild()  # the worker's first index (meanwhile answered from the database)
    services.station_update(actor=SYSTEM, station=station, name="新名驿站")

    nearest(client, *LUOHE)  # sees the new version: starts the rebuild, answers at once
    wait_for_rebuild()

    assert [s["name"] for s in nearest(client, *LUOHE)] == ["新名驿站"]


@pytest.mark.django_db(transaction=True)
def test_a_change_invalidates_by_version_not_by_age(client, personas, background):
    services.facilities_seed()
    make_station(personas.yancheng, name="甲站", latitude=33.58, longitude=114.01)
    nearest(client, *LUOHE)
    wait_for_rebuild()  # the worker's first index
    builds = station_index._holder.builds

    for _n in range(5):
        nearest(client, *LUOHE)
    assert station_index._holder.builds == builds  # unchanged data: no rebuild, however old
    assert station_index._holder.rebuilding is None

    make_station(personas.yancheng, name="乙站", latitude=33.581, longitude=114.011)
    nearest(client, *LUOHE)
    wait_for_rebuild()
    assert station_index._holder.builds == builds + 1
    assert {s["name"] for s in nearest(client, *LUOHE)} == {"甲站", "乙站"}


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_reloads_only_changed_stations_and_equals_a_full_build(
    client, personas, background
):
    import datetime as dt

    from gonghui.stations.hours import SHANGHAI

    services.facilities_seed()
    kept = make_station(personas.yancheng, name="不变", latitude=33.57, longitude=114.0)
    moved = make_station(personas.yancheng, name="要改", latitude=33.58, longitude=114.01)
    closing = make_station(personas.yancheng, name="要停用", latitude=33.59, longitude=114.02)
    nearest(client, *LUOHE)
    wait_for_rebuild()  # the worker's first index
    before = station_index._holder.current.index
    kept_point = next(p for p in before.points if p.id == kept.pk)

    today = dt.datetime.now(SHANGHAI).date()
    services.station_update(
        actor=SYSTEM, station=moved, latitude=33.6, hours="周一至周五 08:00-18:00",
        facilities=["charging"],
    )  # fmt: skip
    services.station_add_exception(
        actor=SYSTEM, station=kept, start_date=today, end_date=today, closed=True
    )
    services.station_update(actor=SYSTEM, station=closing, is_active=False)
    make_station(personas.changsha, name="新来的", latitude=28.2, longitude=112.94)
    nearest(client, *LUOHE)
    wait_for_rebuild()

    after = station_index._holder.current.index
    full = station_index.build_index(today)
    assert sorted(after.points, key=lambda p: p.id) == sorted(full.points, key=lambda p: p.id)
    assert {p.name for p in after.points} == {"不变", "要改", "新来的"}
    assert next(p for p in after.points if p.id == kept.pk) != kept_point  # its exception
    assert len(after.cells[2]) == 3


@contextlib.contextmanager
def station_reads_held_up():
    """Hold up every read of the stations table by the index builder until the block ends.

    PostgreSQL: a second session takes an ACCESS EXCLUSIVE lock on the table, so the builder's
    SELECT waits in the server. SQLite's test database is a shared-cache memory database, where a
    locked table fails a reader at once instead of making it wait; there the builder's own
    connection (opened in its thread) gets a Django execute wrapper that waits before each query
    on the stations table, which is how a slow or busy database looks to our code.
    """
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        for name in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(name, None)
        blocker = psycopg.connect(**params, autocommit=False)
        try:
            blocker.execute("LOCK TABLE stations_station IN ACCESS EXCLUSIVE MODE")
            yield
        finally:
            blocker.rollback()
            blocker.close()
        return

    with builder_queries_held_up(lambda sql: "stations_station" in sql):
        yield


@contextlib.contextmanager
def builder_queries_held_up(matching=lambda sql: True):
    """Hold each query of the index builder that ``matching`` picks until the block ends (or the
    event it yields is set): the builder's own connection, opened in its thread, gets a Django
    execute wrapper that waits; request threads' queries go through."""
    released = threading.Event()

    def wait_first(execute, sql, params, many, context):
        if matching(sql):
            released.wait(30)
        return execute(sql, params, many, context)

    def on_connection_created(sender, connection, **kwargs):
        if threading.current_thread().name == "station-index":
            connection.execute_wrappers.append(wait_first)

    connection_created.connect(on_connection_created)
    try:
        yield released
    finally:
        released.set()
        connection_created.disconnect(on_connection_created)


@pytest.mark.django_db(transaction=True)
def test_a_request_during_a_rebuild_answers_from_the_old_index_without_waiting(
    client, personas, background
):
    """The rebuild is held up for real (see station_reads_held_up): a request meanwhile answers
    from the old index at once, and the new station is there once the rebuild is let through."""
    services.facilities_seed()
    make_station(personas.yancheng, name="老站", latitude=33.60, longitude=114.03)
    assert [s["name"] for s in nearest(client, *LUOHE, k=1)] == ["老站"]
    wait_for_rebuild()  # the worker's first index, the "old" one below
    make_station(personas.yancheng, name="新站", latitude=33.5801, longitude=114.0101)

    with station_reads_held_up():
        answered: dict = {}

        def ask():
            started = time.perf_counter()
            answered["names"] = [s["name"] for s in nearest(client, *LUOHE, k=1)]
            answered["seconds"] = time.perf_counter() - started

        asker = threading.Thread(target=ask)
        asker.start()
        asker.join(10)
        assert not asker.is_alive(), "the request waited for the rebuild"
        time.sleep(0.2)  # the builder is now stuck in its read of the stations table
        rebuilding = station_index._holder.rebuilding
        assert rebuilding is not None and rebuilding.is_alive()  # held up
        assert answered["names"] == ["老站"]  # the old version, answered at once
        assert answered["seconds"] < 2
    wait_for_rebuild()
    assert [s["name"] for s in nearest(client, *LUOHE, k=1)] == ["新站"]


def test_facility_list_is_cached_with_the_index(client, personas, django_assert_num_queries):
    make_station(personas.yancheng, name="有水", latitude=33.58, longitude=114.01)
    nearest(client, *LUOHE)
    with django_assert_num_queries(1):  # the version token, nothing else
        response = client.get("/api/stations/nearest", {"lat": 33.58, "lon": 114.01,
                                                        "facility": "water"})  # fmt: skip
    assert [s["name"] for s in response.json()["stations"]] == ["有水"]
    codes = [f["code"] for f in client.get("/api/stations/facilities").json()]
    assert "water" in codes and "shade" not in codes
    services.facility_create(actor=SYSTEM, code="shade", name="遮阳棚")
    codes = [f["code"] for f in client.get("/api/stations/facilities").json()]
    assert "shade" in codes


def test_a_station_write_sets_a_new_version_token(personas):
    before = station_index.current_version()
    make_station(personas.yancheng)
    after = station_index.current_version()
    assert after and after != before


# Map by bbox and zoom ---------------------------------------------------------------------------


def spread(operator, centre, n, prefix, step=0.004):
    return [
        make_station(
            operator,
            name=f"{prefix}{i}",
            latitude=centre[0] + step * (i % 3),
            longitude=centre[1] + step * (i // 3),
        )
        for i in range(n)
    ]


def map_json(client, **params):
    response = client.get("/api/stations/map", params)
    assert response.status_code == 200
    return response.json()


def test_low_zoom_answers_clusters_whose_counts_are_the_stations_in_the_box(client, personas):
    spread(personas.yancheng, LUOHE, 6, "漯河站")
    spread(personas.changsha, CHANGSHA, 5, "长沙站")
    make_station(personas.yancheng, name="乌鲁木齐站", latitude=43.8, longitude=87.6)

    body = map_json(client, bbox="20,100,40,120", zoom=4)

    assert body["resolution"] == 2
    assert body["total"] == 11
    assert sorted(c["count"] for c in body["clusters"]) == [5, 6]
    assert body["stations"] == []
    assert all(c["open_count"] == c["count"] for c in body["clusters"])  # open round the clock


def test_high_zoom_answers_the_stations_in_the_box_themselves(client, personas):
    inside = spread(personas.yancheng, LUOHE, 6, "漯河站")
    spread(personas.changsha, CHANGSHA, 5, "长沙站")

    body = map_json(client, bbox="33.55,113.98,33.62,114.05", zoom=15)

    assert body["resolution"] is None and body["clusters"] == []
    assert sorted(s["id"] for s in body["stations"]) == sorted(s.pk for s in inside)
    assert body["total"] == 6
    assert body["stations"][0]["name"] == "漯河站0"


def test_map_filters_apply_to_clusters_too(client, personas):
    spread(personas.yancheng, LUOHE, 6, "漯河站")
    make_station(personas.yancheng, name="有充电", latitude=33.59, longitude=114.02,
                 facilities=["charging"])  # fmt: skip

    body = map_json(client, bbox=CHINA, zoom=4, facility="charging")

    assert body["total"] == 1
    assert body["clusters"] == [] and [s["name"] for s in body["stations"]] == ["有充电"]


def test_a_country_view_of_many_stations_is_a_few_clusters(client, personas):
    operator = personas.yancheng
    Station.objects.bulk_create(
        Station(name=f"批量{i}", station_type="outdoor_station", operator=operator, address="-",
                latitude=30 + (i % 40) * 0.25, longitude=105 + (i // 40) * 0.25,
                h3_cell="-", checkin_token=f"bulk{i}")
        for i in range(1200)
    )  # fmt: skip
    station_index.bump_version()

    body = map_json(client, bbox=CHINA, zoom=4)

    assert body["total"] == 1200
    assert sum(c["count"] for c in body["clusters"]) + len(body["stations"]) == 1200
    assert len(body["clusters"]) < 60
    assert len(json.dumps(body)) < 20_000


def test_map_bbox_out_of_range_is_a_field_error(client, db):
    response = client.get("/api/stations/map", {"bbox": "50,0,10,10", "zoom": 5})
    assert response.status_code == 422
    assert "bbox" in response.json()["errors"]


# Compression ------------------------------------------------------------------------------------


def test_map_page_html_is_gzipped(client, personas):
    make_station(personas.yancheng, name="压缩站")
    response = client.get("/map", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "压缩站" in html and "</html>" in html


def test_api_json_is_gzipped(client, personas):
    spread(personas.yancheng, LUOHE, 30, "漯河站")
    response = client.get(
        "/api/stations/map", {"bbox": CHINA, "zoom": 14}, HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.content))
    assert body["total"] == 30
    assert len(response.content) < len(gzip.decompress(response.content)) / 3


def test_answers_are_not_compressed_for_a_client_that_does_not_ask(client, personas):
    response = client.get("/map")
    assert not response.has_header("Content-Encoding")
    assert "</html>" in response.content.decode()


# The list stays right with more stations than it shows ----------------------------------------


def test_list_from_a_place_shows_the_nearest_even_beyond_the_first_page_by_name(client, personas):
    operator = personas.yancheng
    Station.objects.bulk_create(
        Station(name=f"A{i:04d}", station_type="outdoor_station", operator=operator, address="-",
                latitude=30 + i * 0.001, longitude=110, h3_cell="-", checkin_token=f"far{i}")
        for i in range(MAP_LIST_LIMIT + 20)
    )  # fmt: skip
    near = make_station(operator, name="Z最近的站", latitude=33.5801, longitude=114.0101)

    html = client.get("/map", {"lat": LUOHE[0], "lon": LUOHE[1]}).content.decode()

    listed = html.split('id="station-list"', 1)[1]
    assert f'data-id="{near.pk}"' in listed
    assert listed.index("Z最近的站") < listed.index("A0519")  # nearest first
    assert html.count('class="station-item"') == MAP_LIST_LIMIT
