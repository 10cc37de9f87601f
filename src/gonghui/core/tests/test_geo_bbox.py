"""Issue 13 item 5: "near me" lists of jobs and discounts are prefiltered by a bounding box, so
only the rows that can be within reach are fetched and measured."""

import math

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from gonghui.benefits import selectors
from gonghui.benefits.tests.factories import job
from gonghui.core.geo import EARTH_KM, bounding_box, distance_km

lats = st.floats(-89.5, 89.5)
lons = st.floats(-180, 180)


def destination(lat, lon, km, bearing):
    """The point ``km`` from (lat, lon) along ``bearing`` degrees on the sphere."""
    d, b = km / EARTH_KM, math.radians(bearing)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def in_box(box, lat, lon):
    south, west, north, east = box
    inside_lon = west <= lon <= east if west <= east else (lon >= west or lon <= east)
    return south <= lat <= north and inside_lon


@given(lats, lons, st.floats(0.1, 200), st.floats(0, 360), st.floats(0, 1))
def test_box_holds_every_point_within_reach(lat, lon, km, bearing, fraction):
    point = destination(lat, lon, km * fraction, bearing)
    assert distance_km(lat, lon, *point) <= km * 1.0001
    assert in_box(bounding_box(lat, lon, km), *point)


def test_box_is_tight_in_china():
    south, west, north, east = bounding_box(33.58, 114.01, 20)
    assert 0.17 < north - 33.58 < 0.19 and 0.21 < east - 114.01 < 0.24
    assert (south, west) < (33.58, 114.01)


def test_box_across_the_antimeridian_wraps():
    south, west, north, east = bounding_box(0, 179.9, 50)
    assert west > east and in_box((south, west, north, east), 0.1, -179.9)


def test_near_me_jobs_fetch_only_the_box(personas):
    near = job(personas.yancheng, title="近处的岗位", latitude=33.59, longitude=114.02)
    job(personas.yancheng, title="远处的岗位", latitude=28.2, longitude=112.9)

    with CaptureQueriesContext(connection) as queries:
        found = selectors.open_jobs(lat=33.58, lon=114.01)

    assert [j.pk for j in found] == [near.pk] and found[0].distance_km < 2
    measured = [q["sql"] for q in queries.captured_queries if "BETWEEN" in q["sql"]]
    assert measured, "the candidates are not filtered by a bounding box"
