import pytest

from gonghui.core.testing.asserts import nothing_written
from gonghui.stations.models import CheckIn

from .factories import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(personas):
    return make_station(personas.yancheng, name="签到站")


def test_poster_shows_a_qr_code_for_the_checkin_url(client, personas, station):
    client.force_login(personas.yancheng_officer)
    html = client.get(f"/stations/{station.pk}/poster/").content.decode()
    assert 'src="data:image/svg+xml' in html
    assert f"/s/{station.checkin_token}/" in html


def test_poster_of_another_subtree_is_404(client, personas, station):
    client.force_login(personas.hunan_officer)
    response = client.get(f"/stations/{station.pk}/poster/")
    assert response.status_code == 404
    assert station.checkin_token not in response.content.decode()
    assert "签到站" not in response.content.decode()


def test_opening_the_checkin_link_does_not_record_a_visit(client, station):
    assert client.get(f"/s/{station.checkin_token}/").status_code == 200
    assert CheckIn.objects.count() == 0


def test_anonymous_checkin_records_a_visit(client, station):
    response = client.post(f"/s/{station.checkin_token}/")
    assert response.status_code == 200
    visit = CheckIn.objects.get()
    assert visit.station == station and visit.user is None


def test_signed_in_checkin_records_the_user(client, personas, station):
    client.force_login(personas.worker)
    client.post(f"/s/{station.checkin_token}/")
    assert CheckIn.objects.get().user == personas.worker


def test_unknown_token_is_404(client, station):
    assert client.post("/s/not-a-token/").status_code == 404
    assert CheckIn.objects.count() == 0


def test_api_checkin_and_monthly_usage(api, personas, station):
    for _n in range(3):
        assert api().post(f"/api/stations/checkin/{station.checkin_token}").status_code == 201
    usage = api(personas.yancheng_officer).get(f"/api/stations/{station.pk}/usage").json()
    assert len(usage) == 1 and usage[0]["visits"] == 3
    other = api(personas.hunan_officer).get(f"/api/stations/{station.pk}/usage")
    assert other.status_code == 404 and "visits" not in other.content.decode()


def test_deactivated_station_takes_no_checkins(client, personas, station):
    from gonghui.core.scoping import SYSTEM
    from gonghui.stations.services import station_update

    station_update(actor=SYSTEM, station=station, is_active=False)
    with nothing_written():
        response = client.post(f"/s/{station.checkin_token}/")
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


def test_a_double_tap_is_one_visit(client, station):
    client.post(f"/s/{station.checkin_token}/")
    client.post(f"/s/{station.checkin_token}/")
    assert CheckIn.objects.count() == 1


def test_signed_in_user_scanning_again_soon_is_one_visit(api, personas, station):
    client = api(personas.worker)
    first = client.post(f"/api/stations/checkin/{station.checkin_token}")
    second = client.post(f"/api/stations/checkin/{station.checkin_token}")
    assert first.status_code == second.status_code == 201
    assert CheckIn.objects.filter(user=personas.worker).count() == 1


def test_usage_page_lists_visits_per_station_and_month_in_scope(client, personas, station):
    other = make_station(personas.liuyang, name="浏阳站")
    for target in (station, station, other):
        CheckIn.objects.create(station=target)
    client.force_login(personas.luohe_officer)
    html = client.get("/stations/usage/").content.decode()
    assert "签到站" in html and "浏阳站" not in html
    client.force_login(personas.superuser)
    assert "浏阳站" in client.get("/stations/usage/").content.decode()


def test_usage_api_is_scoped(api, personas, station):
    CheckIn.objects.create(station=station)
    CheckIn.objects.create(station=make_station(personas.liuyang, name="浏阳站"))
    names = [
        r["station_name"] for r in api(personas.luohe_officer).get("/api/stations/usage").json()
    ]
    assert names == ["签到站"]
