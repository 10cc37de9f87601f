import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM
from gonghui.stations import services
from gonghui.stations.models import Facility, Station

from .factories import make_station

pytestmark = pytest.mark.django_db


def test_default_facilities_are_seeded():
    codes = set(Facility.objects.values_list("code", flat=True))
    assert {"rest", "water", "hot_water", "microwave", "charging", "toilet"} <= codes
    assert {"first_aid", "reading", "air_conditioning", "wifi"} <= codes


def test_create_station_writes_hours_facilities_h3_cell_and_an_audit_row(personas):
    station = make_station(personas.yancheng, hours="周一至周五 08:00-12:00,14:00-18:00")
    assert station.opening_hours.count() == 10
    assert set(station.facilities.values_list("code", flat=True)) == {"water", "rest"}
    assert len(station.h3_cell) == 15
    entry = AuditLog.objects.get(
        content_type__model="station", object_id=str(station.pk), action="create"
    )
    assert entry.org_path == personas.yancheng.path
    assert "hours" in entry.changes and "facilities" in entry.changes


def test_officer_cannot_create_a_station_outside_their_subtree(personas):
    with pytest.raises(Http404):
        make_station(personas.hunan, actor=personas.yancheng_officer, name="越权驿站")
    assert not Station.objects.filter(name="越权驿站").exists()


def test_out_of_range_latitude_is_a_field_error_and_nothing_is_written(personas):
    with pytest.raises(ValidationError) as info:
        make_station(personas.yancheng, name="坏坐标", latitude=95.0)
    assert "latitude" in info.value.message_dict
    assert not Station.objects.filter(name="坏坐标").exists()


def test_outside_china_is_refused_only_when_the_basemap_is_gcj02(personas, settings):
    make_station(personas.yancheng, name="伦敦", latitude=51.5, longitude=-0.12)
    settings.MAP_COORDINATE_SYSTEM = "gcj02"
    with pytest.raises(ValidationError) as info:
        make_station(personas.yancheng, name="巴黎", latitude=48.85, longitude=2.35)
    assert {"latitude", "longitude"} <= set(info.value.message_dict)


def test_amap_tiles_imply_gcj02_without_saying_so(personas, settings):
    settings.MAP_TILE_URL = "https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}"
    with pytest.raises(ValidationError):
        make_station(personas.yancheng, name="巴黎", latitude=48.85, longitude=2.35)


def test_malformed_hours_are_a_field_error_and_nothing_is_written(personas):
    with pytest.raises(ValidationError) as info:
        make_station(personas.yancheng, name="坏时间", hours="周一 08:00-25:00")
    assert "25:00" in info.value.message_dict["hours"][0]
    assert not Station.objects.filter(name="坏时间").exists()


def test_unknown_facility_is_a_field_error(personas):
    with pytest.raises(ValidationError) as info:
        make_station(personas.yancheng, facilities=["water", "spa"])
    assert "spa" in info.value.message_dict["facilities"][0]


def test_overlapping_exception_is_refused_and_not_written(personas):
    station = make_station(personas.yancheng)
    services.station_add_exception(
        actor=SYSTEM,
        station=station,
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 7),
    )
    with pytest.raises(ValidationError) as info:
        services.station_add_exception(
            actor=SYSTEM,
            station=station,
            start_date=dt.date(2026, 10, 5),
            end_date=dt.date(2026, 10, 9),
        )
    assert "start_date" in info.value.message_dict
    assert station.exceptions.count() == 1


def test_update_records_only_changed_fields(personas):
    station = make_station(personas.yancheng)
    services.station_update(
        actor=personas.yancheng_officer, station=station, capacity=12, facilities=["toilet"]
    )
    entry = AuditLog.objects.get(
        content_type__model="station", object_id=str(station.pk), action="update"
    )
    assert set(entry.changes) == {"capacity", "facilities"}
    assert entry.actor == personas.yancheng_officer


def test_superusers_can_extend_the_facility_list(personas):
    facility = services.facility_create(actor=personas.superuser, code="shower", name="淋浴")
    station = make_station(personas.yancheng, facilities=["shower"])
    assert list(station.facilities.all()) == [facility]


def test_workers_cannot_extend_the_facility_list(personas):
    with pytest.raises(PermissionDenied):
        services.facility_create(actor=personas.worker, code="spa", name="水疗")
    assert not Facility.objects.filter(code="spa").exists()
