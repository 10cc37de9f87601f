import pytest

from gonghui.core.models import AuditLog
from gonghui.stations.models import Station

from .factories import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def yancheng_station(personas):
    return make_station(personas.yancheng, name="郾城驿站")


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


def test_officer_sees_stations_in_their_subtree(login, personas, yancheng_station):
    page = login(personas.luohe_officer).get("/stations/")
    assert page.status_code == 200
    assert "郾城驿站" in page.content.decode()
    assert login(personas.luohe_officer).get(f"/stations/{yancheng_station.pk}/").status_code == 200


def test_sibling_officer_gets_404_and_an_empty_list(login, personas, yancheng_station):
    client = login(personas.hunan_officer)
    assert "郾城驿站" not in client.get("/stations/").content.decode()
    assert client.get(f"/stations/{yancheng_station.pk}/").status_code == 404
    assert client.get(f"/stations/{yancheng_station.pk}/edit/").status_code == 404


def test_anonymous_officer_pages_redirect_to_login(client, yancheng_station):
    response = client.get("/stations/")
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


def test_worker_gets_404_on_officer_pages(login, personas):
    response = login(personas.worker).get("/stations/")
    assert response.status_code == 404
    assert "郾城区总工会" not in response.content.decode()


def test_sibling_officer_cannot_edit_and_nothing_changes(login, personas, yancheng_station):
    response = login(personas.hunan_officer).post(
        f"/stations/{yancheng_station.pk}/edit/", {"name": "改名"}
    )
    assert response.status_code == 404
    yancheng_station.refresh_from_db()
    assert yancheng_station.name == "郾城驿站"


def test_create_form_writes_station_with_hours_and_facilities(login, personas):
    response = login(personas.yancheng_officer).post(
        "/stations/new/",
        {
            "operator": personas.yancheng.pk,
            "name": "新驿站",
            "station_type": "labour_station",
            "address": "郾城区某路",
            "latitude": "33.59",
            "longitude": "114.0",
            "is_active": "on",
            "facility_codes": ["water", "charging"],
            "hours": "周一至周五 08:00-18:00",
        },
    )
    assert response.status_code == 302
    station = Station.objects.get(name="新驿站")
    assert station.opening_hours.count() == 5
    assert set(station.facilities.values_list("code", flat=True)) == {"water", "charging"}


def test_create_form_shows_bad_hours_on_the_field_and_writes_nothing(login, personas):
    response = login(personas.yancheng_officer).post(
        "/stations/new/",
        {
            "operator": personas.yancheng.pk,
            "name": "坏时间驿站",
            "station_type": "labour_station",
            "address": "某路",
            "latitude": "33.59",
            "longitude": "114.0",
            "hours": "周一 08:00-25:00",
        },
    )
    assert response.status_code == 422
    assert 'data-field="hours"' in response.content.decode()
    assert not Station.objects.filter(name="坏时间驿站").exists()


def test_create_form_offers_only_orgs_in_scope(login, personas):
    html = login(personas.yancheng_officer).get("/stations/new/").content.decode()
    assert "郾城区总工会" in html
    assert "湖南省总工会" not in html


# API --------------------------------------------------------------------------------------


def test_api_create_and_read_back(api, personas):
    payload = {
        "operator_id": personas.yancheng.pk,
        "name": "接口驿站",
        "station_type": "warm_heart",
        "address": "某路",
        "latitude": 33.59,
        "longitude": 114.0,
        "facilities": ["water"],
        "hours": [{"weekday": 1, "opens": "08:00", "closes": "18:00"}],
    }
    response = api(personas.yancheng_officer).post("/api/stations", payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["facilities"] == ["water"]
    assert body["opening_hours"] == [{"weekday": 1, "opens": "08:00:00", "closes": "18:00:00"}]
    listed = api(personas.luohe_officer).get("/api/stations").json()["items"]
    assert [s["name"] for s in listed] == ["接口驿站"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": [{"weekday": 1, "opens": "25:00", "closes": "26:00"}]}, "hours"),
        ({"latitude": 95}, "latitude"),
        ({"facilities": ["spa"]}, "facilities"),
        ({"operator_id": 0}, "operator_id"),
    ],
)
def test_api_create_refuses_bad_input_with_field_errors(api, personas, change, field):
    payload = {
        "operator_id": personas.yancheng.pk,
        "name": "坏驿站",
        "station_type": "warm_heart",
        "address": "某路",
        "latitude": 33.59,
        "longitude": 114.0,
    }
    payload.update(change)
    response = api(personas.yancheng_officer).post("/api/stations", payload)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Station.objects.filter(name="坏驿站").exists()


def test_api_create_under_a_sibling_org_is_refused(api, personas):
    response = api(personas.yancheng_officer).post(
        "/api/stations",
        {
            "operator_id": personas.hunan.pk,
            "name": "越权",
            "station_type": "other",
            "address": "x",
            "latitude": 28.0,
            "longitude": 113.0,
        },
    )
    assert response.status_code == 422
    assert not Station.objects.filter(name="越权").exists()


def test_api_overlapping_exception_is_422_and_not_written(api, personas, yancheng_station):
    client = api(personas.yancheng_officer)
    url = f"/api/stations/{yancheng_station.pk}/exceptions"
    first = client.post(url, {"start_date": "2026-10-01", "end_date": "2026-10-07"})
    assert first.status_code == 201
    second = client.post(url, {"start_date": "2026-10-07", "end_date": "2026-10-08"})
    assert second.status_code == 422
    assert "start_date" in second.json()["errors"]
    assert yancheng_station.exceptions.count() == 1


def test_api_patch_from_sibling_scope_is_404_and_nothing_changes(api, personas, yancheng_station):
    response = api(personas.hunan_officer).patch(
        f"/api/stations/{yancheng_station.pk}", {"name": "改"}
    )
    assert response.status_code == 404
    assert not AuditLog.objects.filter(
        content_type__model="station", object_id=str(yancheng_station.pk), action="update"
    ).exists()


def test_api_officer_endpoints_need_authentication(api, yancheng_station):
    for url in ("/api/stations", f"/api/stations/{yancheng_station.pk}"):
        response = api().get(url)
        assert response.status_code == 401, url
        assert yancheng_station.name not in response.content.decode() and response.json()["detail"]
