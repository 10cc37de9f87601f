"""The reads a request makes of a few stations (a fresh worker's "nearest", a rebuild of the
stations changed) are plain SQL written once (index._reads), not ORM queries compiled each time;
they must say exactly what the ORM reads of a whole build say."""

import datetime as dt

import pytest

from gonghui.core.scoping import SYSTEM
from gonghui.stations import index as station_index
from gonghui.stations import services

from .factories import make_station

TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def stations(personas):
    """Stations with and without facilities, split and plain hours, a current, a finished and a
    one-day reopening exception, and one closed for good (inactive)."""
    made = [
        make_station(personas.yancheng, name="全天", facilities=["water", "rest", "toilet"]),
        make_station(
            personas.yancheng,
            name="白天",
            facilities=[],
            hours="周一至周五 08:00-12:00, 14:00-18:00",
        ),
        make_station(
            personas.yancheng, name="周末", facilities=["rest"], hours="周六、周日 09:00-17:00"
        ),
        make_station(personas.yancheng, name="停用", latitude=33.7, longitude=114.1),
        make_station(personas.yancheng, name="另一个"),
    ]
    services.station_add_exception(
        actor=SYSTEM, station=made[0], start_date=TODAY, end_date=TODAY + dt.timedelta(days=3)
    )
    services.station_add_exception(
        actor=SYSTEM, station=made[0], start_date=TODAY - dt.timedelta(days=9),
        end_date=TODAY - dt.timedelta(days=5),
    )  # fmt: skip
    services.station_add_exception(
        actor=SYSTEM, station=made[1], start_date=TODAY, end_date=TODAY, closed=False,
        opens="10:00", closes="12:00",
    )  # fmt: skip
    services.station_update(actor=SYSTEM, station=made[3], is_active=False)
    return made


def orm_rows_of(ids, today):
    wanted = set(ids)
    return [[row for row in rows if row[0] in wanted] for rows in station_index._all_rows(today)]


@pytest.mark.parametrize("per_read", [station_index.IDS_PER_READ, 2])
def test_plain_reads_of_some_stations_equal_the_orm_reads(stations, monkeypatch, per_read):
    monkeypatch.setattr(station_index, "IDS_PER_READ", per_read)
    some = [stations[0].pk, stations[1].pk, stations[3].pk, stations[4].pk]
    facilities, hours, exceptions, rows = station_index._rows_of(some, TODAY)
    want_facilities, want_hours, want_exceptions, want_rows = orm_rows_of(some, TODAY)
    assert sorted(facilities) == sorted(want_facilities)
    assert len(facilities) == 3 + 2  # 全天's three, 另一个's two; none of the inactive one's
    assert hours == want_hours  # station, weekday, opening: the order the weeks are built in
    assert sorted(exceptions) == sorted(want_exceptions)
    assert {e[0] for e in exceptions} == {stations[0].pk, stations[1].pk}  # the finished one not
    assert rows == want_rows
    assert [r[0] for r in rows] == sorted([stations[0].pk, stations[1].pk, stations[4].pk])
    assert rows[0][6] == stations[0].operator.name


def test_points_of_some_stations_equal_those_of_a_whole_build(stations):
    whole = {p.id: p for p in station_index.load_points(TODAY)}
    some = [s.pk for s in stations]
    assert station_index.load_points(TODAY, some) == [whole[pk] for pk in sorted(whole)]
    assert stations[3].pk not in whole


def test_the_version_read_is_the_token_bumped(db):
    token = station_index.bump_version()
    assert station_index._read_version() == token
