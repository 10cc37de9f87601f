import pytest

from .factories import make_station

pytestmark = pytest.mark.django_db


def test_public_map_lists_stations_without_login_or_tiles(client, personas):
    make_station(personas.yancheng, name="郾城暖心驿站")
    make_station(personas.yancheng, name="停用驿站", is_active=False)
    response = client.get("/map")
    assert response.status_code == 200
    html = response.content.decode()
    assert "郾城暖心驿站" in html
    assert "停用驿站" not in html
    assert 'data-tile-url=""' in html


def test_public_map_has_no_inline_script_or_style_attributes(client, personas):
    make_station(personas.yancheng)
    html = client.get("/map").content.decode()
    assert "<script>" not in html and "style=" not in html
    assert "script-src 'self'" in client.get("/map").headers["Content-Security-Policy"]


def test_map_feed_is_public_and_marks_open_now(api, personas):
    make_station(personas.yancheng, name="全天")
    make_station(personas.yancheng, name="从不开", hours="")
    stations = {s["name"]: s for s in api().get("/api/stations/map").json()["stations"]}
    assert stations["全天"]["open_now"] is True
    assert stations["从不开"]["open_now"] is False
    assert stations["全天"]["directions_url"].startswith("https://uri.amap.com/navigation")


def test_map_page_query_count_does_not_grow_with_stations(
    client, personas, django_assert_max_num_queries
):
    for _n in range(15):
        make_station(personas.yancheng)
    client.get("/map")  # the index is built once per change, not per request
    with django_assert_max_num_queries(10):
        client.get("/map")
