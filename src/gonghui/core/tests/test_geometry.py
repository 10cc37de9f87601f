import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core import geometry as geo

# Published eviltransform test points (WGS-84 -> GCJ-02).
KNOWN = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_wgs84_to_gcj02_matches_published_points(wgs, gcj):
    lat, lon = geo.wgs84_to_gcj02(*wgs)
    assert f"{lat:.5f},{lon:.5f}" == f"{gcj[0]:.5f},{gcj[1]:.5f}"


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN)
def test_gcj02_to_wgs84_recovers_published_points_within_half_a_metre(wgs, gcj):
    lat, lon = geo.gcj02_to_wgs84(*gcj)
    assert geo.haversine_m(lat, lon, *wgs) < 0.5


def test_points_outside_china_are_not_shifted():
    assert geo.wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)


@given(
    st.floats(min_value=18.0, max_value=53.0),
    st.floats(min_value=74.0, max_value=134.0),
)
def test_gcj02_round_trip_is_within_a_centimetre_anywhere_in_china(lat, lon):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lat, lon))
    assert geo.haversine_m(lat, lon, *back) < 0.01


def test_gcj02_offset_is_hundreds_of_metres_in_china():
    lat, lon = 26.4610, 111.5923  # 冷水滩
    shifted = geo.wgs84_to_gcj02(lat, lon)
    assert 100 < geo.haversine_m(lat, lon, *shifted) < 1000


def test_haversine_of_one_degree_of_latitude_is_about_111_km():
    assert math.isclose(geo.haversine_m(30, 110, 31, 110), 111_195, rel_tol=1e-3)


@given(
    st.floats(-89, 89),
    st.floats(-179, 179),
    st.floats(-89, 89),
    st.floats(-179, 179),
)
def test_unit_sphere_chord_converts_back_to_haversine_distance(lat1, lon1, lat2, lon2):
    a, b = geo.to_xyz([lat1, lat2], [lon1, lon2])
    chord = float(((a - b) ** 2).sum() ** 0.5)
    assert math.isclose(
        float(geo.chord_to_m(chord)), geo.haversine_m(lat1, lon1, lat2, lon2), abs_tol=0.5
    )
