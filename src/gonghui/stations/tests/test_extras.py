import io

import pytest
from PIL import Image

from gonghui.core.testing.asserts import nothing_written
from gonghui.stations.models import Facility, StationPhoto

from .factories import make_station

pytestmark = pytest.mark.django_db


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def test_superuser_adds_a_facility_through_the_api(api, personas):
    response = api(personas.superuser).post(
        "/api/stations/facilities", {"code": "shower", "name": "淋浴"}
    )
    assert response.status_code == 201
    codes = [f["code"] for f in api().get("/api/stations/facilities").json()]
    assert "shower" in codes


def test_anonymous_cannot_add_a_facility(api, db):
    response = api().post("/api/stations/facilities", {"code": "spa", "name": "水疗"})
    assert response.status_code == 401
    assert not Facility.objects.filter(code="spa").exists()


def test_exception_can_be_removed_by_an_officer_in_scope(api, personas):
    station = make_station(personas.yancheng)
    client = api(personas.yancheng_officer)
    made = client.post(
        f"/api/stations/{station.pk}/exceptions",
        {"start_date": "2026-10-01", "end_date": "2026-10-07"},
    ).json()
    assert (
        api(personas.hunan_officer)
        .delete(f"/api/stations/{station.pk}/exceptions/{made['id']}")
        .status_code
        == 404
    )
    assert station.exceptions.count() == 1
    response = client.delete(f"/api/stations/{station.pk}/exceptions/{made['id']}")
    assert response.status_code == 204
    assert station.exceptions.count() == 0


def test_special_hours_exception_needs_times(api, personas):
    station = make_station(personas.yancheng)
    client = api(personas.yancheng_officer)
    with nothing_written():
        response = client.post(
            f"/api/stations/{station.pk}/exceptions",
            {
                "start_date": "2026-10-01",
                "end_date": "2026-10-01",
                "closed": False,
                "opens": "25:00",
            },
        )
    assert response.status_code == 422
    assert "opens" in response.json()["errors"]


def test_officer_uploads_a_photo(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = make_station(personas.yancheng)
    client.force_login(personas.yancheng_officer)
    upload = io.BytesIO(png_bytes())
    upload.name = "station.png"
    response = client.post(f"/stations/{station.pk}/photos/", {"image": upload, "caption": "门口"})
    assert response.status_code == 302
    photo = StationPhoto.objects.get()
    assert photo.caption == "门口" and (tmp_path / photo.image.name).exists()


def test_a_non_image_upload_is_refused(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    station = make_station(personas.yancheng)
    client.force_login(personas.yancheng_officer)
    upload = io.BytesIO(b"not an image")
    upload.name = "x.png"
    response = client.post(f"/stations/{station.pk}/photos/", {"image": upload})
    assert response.status_code == 422
    assert not StationPhoto.objects.exists()


def test_officer_list_page_and_api_have_query_budgets(
    client, api, personas, django_assert_max_num_queries
):
    for _n in range(20):
        make_station(personas.yancheng)
    client.force_login(personas.luohe_officer)
    with django_assert_max_num_queries(12):
        assert client.get("/stations/").status_code == 200
    officer = api(personas.luohe_officer)
    with django_assert_max_num_queries(12):
        assert len(officer.get("/api/stations").json()["items"]) == 20


def test_superuser_adds_a_facility_on_the_page(client, personas):
    client.force_login(personas.superuser)
    response = client.post("/stations/facilities/", {"code": "umbrella", "name": "雨伞借用"})
    assert response.status_code == 302
    assert "雨伞借用" in client.get("/stations/facilities/").content.decode()


def test_duplicate_facility_name_is_a_field_error(client, personas):
    client.force_login(personas.superuser)
    with nothing_written():
        response = client.post("/stations/facilities/", {"code": "water2", "name": "饮水"})
    assert response.status_code == 422
    assert 'data-field="name"' in response.content.decode()
