"""The page for removing a station's dated exception (DELETE /api/stations/{id}/exceptions/{id})."""

import datetime

from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.stations import services
from gonghui.stations.models import HoursException

from .factories import make_station


def closure(station):
    day = datetime.date(2026, 10, 1)
    return services.station_add_exception(
        actor=SYSTEM, station=station, start_date=day, end_date=day, closed=True, note="国庆闭馆"
    )


def test_the_detail_page_offers_removal_and_the_post_removes_it(client, personas):
    station = make_station(personas.yancheng)
    exception = closure(station)
    client.force_login(personas.yancheng_officer)
    page = client.get(station.get_absolute_url()).content.decode()
    url = f"/stations/{station.pk}/exceptions/{exception.pk}/delete/"
    assert f'action="{url}"' in page

    response = client.post(url)

    assert response.status_code == 302 and response["Location"] == station.get_absolute_url()
    assert not HoursException.objects.filter(pk=exception.pk).exists()
    entry = AuditLog.objects.filter(object_id=str(station.pk)).latest("pk")
    assert "exceptions" in entry.changes


def test_an_officer_outside_the_scope_gets_404_and_nothing_is_removed(client, personas):
    station = make_station(personas.yancheng)
    exception = closure(station)
    client.force_login(personas.hunan_officer)
    assert "国庆闭馆" not in client.get(station.get_absolute_url()).content.decode()

    response = client.post(f"/stations/{station.pk}/exceptions/{exception.pk}/delete/")

    assert response.status_code == 404
    assert HoursException.objects.filter(pk=exception.pk).exists()


def test_an_exception_of_another_station_is_404(client, personas):
    station, other = make_station(personas.yancheng), make_station(personas.yancheng)
    exception = closure(other)
    client.force_login(personas.yancheng_officer)

    response = client.post(f"/stations/{station.pk}/exceptions/{exception.pk}/delete/")

    assert response.status_code == 404
    assert HoursException.objects.filter(pk=exception.pk).exists()


def test_the_auditor_is_offered_no_removal(client, personas):
    station = make_station(personas.liuyang, latitude=28.15, longitude=113.63)
    closure(station)
    client.force_login(personas.hunan_auditor)
    page = client.get(station.get_absolute_url()).content.decode()
    assert "国庆闭馆" in page and "/delete/" not in page
