"""Reads. Officer reads are scoped; the public map reads active stations only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import h3.api.basic_int as h3_int
import numpy as np
from django.conf import settings
from django.db.models import Avg, Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.core.text import search_key
from gonghui.enterprises.models import Enterprise
from gonghui.members.models import Member
from gonghui.organizations.models import Organization
from gonghui.organizations.selectors import org_get

from . import hours as hours_lib
from . import index as index_lib
from .index import CLUSTER_RESOLUTIONS, Cluster, StationPoint, get_index
from .models import CheckIn, Facility, Station

NEAREST_MAX_K = 50
# The widest "near me" anyone may ask for; the default is the NEAR_ME_KM setting.
NEAR_MAX_KM = 200.0


def near_me_km() -> float:
    """The radius "near me" means unless the caller says otherwise (setting ``NEAR_ME_KM``)."""
    return float(getattr(settings, "NEAR_ME_KM", 20) or 20)


def km_text(km: float) -> str:
    return f"{km:g}" if km >= 1 else f"{km:.1f}"


def station_list(*, user, q: str | None = None, station_type: str | None = None, operator_id=None):
    stations = Station.objects.visible_to(user).select_related("operator")
    if station_type:
        stations = stations.filter(station_type=station_type)
    if operator_id:
        stations = stations.filter(operator_id=operator_id)
    if q:
        stations = stations.filter(name__icontains=q.strip())
    return stations.prefetch_related("facilities").order_by("operator__path", "name")


def station_get(*, user, station_id, action: Action = Action.VIEW) -> Station:
    qs = Station.objects.select_related("operator").prefetch_related(
        "facilities", "opening_hours", "exceptions", "photos"
    )
    return get_visible_or_404(qs, user, action, pk=station_id)


def public_stations():
    return (
        Station.objects.active()
        .select_related("operator")
        .prefetch_related("facilities", "opening_hours", "exceptions")
        .order_by("name")
    )


def public_count() -> int:
    return len(get_index())


def nearest_public_stations(*, lat: float, lon: float, k: int) -> list[Station]:
    """The ``k`` active stations nearest a place, nearest first, as model rows for the
    server-rendered list (the index picks them, one query loads them)."""
    ids = [p.id for p, _d in get_index().nearest(lat, lon, k)]
    rows = public_stations().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def facilities():
    return Facility.objects.all()


def facility_list() -> tuple[Facility, ...]:
    """The facility list for the public pages and filters: cached with the station index and
    refreshed by the same version token, so it costs no query per request."""
    return index_lib.facility_list()


def facility_codes() -> set[str]:
    return {f.code for f in facility_list()}


def nearest(
    *,
    lat: float,
    lon: float,
    k: int = 5,
    open_now: bool = False,
    facilities: list[str] | None = None,
    station_type: str | None = None,
    at: dt.datetime | None = None,
) -> list[tuple[StationPoint, float, bool]]:
    """(station, metres, open now) nearest first, from the in-memory index (or, while a fresh
    worker builds it, from the stations around the point: ``index.nearest_where``)."""
    at = at or timezone.now()

    def select(index):
        return index.mask(
            at=at, open_now=open_now, facilities=facilities or (), station_type=station_type
        )

    return [(p, d, p.is_open(at)) for p, d in index_lib.nearest_where(lat, lon, k, at, select)]


@dataclass
class Nearby:
    """The answer to "near me": ``stations`` within ``within_km``, nearest first, each with its
    state; when open ones were asked for and none is within reach, ``later`` holds the nearest
    (closed) ones with when they open, and ``message`` says so in words. Nothing beyond the
    radius is ever offered."""

    within_km: float
    open_now: bool
    at: dt.datetime
    stations: list[tuple[StationPoint, float, hours_lib.State]] = field(default_factory=list)
    later: list[tuple[StationPoint, float, hours_lib.State]] = field(default_factory=list)

    @property
    def message(self) -> str:
        km = km_text(self.within_km)
        if self.stations:
            return ""
        if self.later:
            return _("%(km)s 公里内没有正在营业的驿站。下面是最近的驿站和开门时间。") % {"km": km}
        if self.open_now:
            return _("%(km)s 公里内没有正在营业的驿站，也没有其他符合条件的驿站。") % {"km": km}
        return _("%(km)s 公里内没有符合条件的驿站。") % {"km": km}


def near_me(
    *,
    lat: float,
    lon: float,
    k: int = 5,
    within_km: float | None = None,
    open_now: bool = False,
    facilities: list[str] | None = None,
    station_type: str | None = None,
    at: dt.datetime | None = None,
) -> Nearby:
    """Stations near a worker, by distance, with their state, from the in-memory index (see
    ``nearest``)."""
    at = at or timezone.now()
    within_km = near_me_km() if within_km is None else within_km
    result = Nearby(within_km=within_km, open_now=open_now, at=at)
    states: dict = {}

    def stated(found):
        return [(p, d, point_state(p, at, states)) for p, d in found]

    def matching(index):
        return index.mask(facilities=facilities or (), station_type=station_type)

    def matching_open(index):
        return index.mask(
            at=at, open_now=True, facilities=facilities or (), station_type=station_type
        )

    max_m = within_km * 1000
    result.stations = stated(
        index_lib.nearest_where(lat, lon, k, at, matching_open if open_now else matching, max_m)
    )
    if open_now and not result.stations:
        result.later = stated(index_lib.nearest_where(lat, lon, k, at, matching, max_m))
    return result


def point_state(point: StationPoint, at: dt.datetime, memo: dict | None = None):
    """A station's state; stations sharing a schedule share the computation."""
    if memo is None:
        return hours_lib.state_at(point.weekly, point.exceptions, at)
    key = (point.weekly, point.exceptions)
    if key not in memo:
        memo[key] = hours_lib.state_at(point.weekly, point.exceptions, at)
    return memo[key]


UNION_SUFFIXES = ("总工会", "工会联合会", "联合工会", "工会")


def place_name(org_name: str) -> str:
    """``郾城区总工会`` -> ``郾城区``: the place a union is named after, for a map label."""
    for suffix in UNION_SUFFIXES:
        if org_name.endswith(suffix) and len(org_name) > len(suffix):
            return org_name[: -len(suffix)]
    return org_name


MAP_PLACES_LIMIT = 2000


def map_places() -> list[dict]:
    """Labels that give the dots context when no basemap is configured: each active union
    with a position, its own, else the centre of the stations it runs, else of the
    enterprises in its area. Upper levels first (the map shows deeper ones as it zooms in)."""

    found: dict[int, dict] = {}

    def add(rows, source):
        for pk, name, depth, lat, lon in rows:
            if pk not in found and lat is not None and lon is not None:
                found[pk] = {
                    "name": name,
                    "label": place_name(name),
                    "depth": depth,
                    "latitude": float(lat),
                    "longitude": float(lon),
                    "source": source,
                }

    orgs = Organization.objects.active().filter(latitude__isnull=False, longitude__isnull=False)
    add(orgs.values_list("pk", "name", "depth", "latitude", "longitude"), "org")
    by_operator = (
        Station.objects.active()
        .filter(operator__dissolved_on__isnull=True)
        .values("operator_id", "operator__name", "operator__depth")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"))
        .values_list("operator_id", "operator__name", "operator__depth", "lat", "lon")
        .order_by()
    )
    add(by_operator, "stations")
    by_area = (
        Enterprise.objects.filter(
            latitude__isnull=False,
            longitude__isnull=False,
            street_org__dissolved_on__isnull=True,
        )
        .values("street_org_id", "street_org__name", "street_org__depth")
        .annotate(lat=Avg("latitude"), lon=Avg("longitude"))
        .values_list("street_org_id", "street_org__name", "street_org__depth", "lat", "lon")
        .order_by()
    )
    add(by_area, "enterprises")
    places = sorted(found.values(), key=lambda p: (p["depth"], p["label"]))
    return places[:MAP_PLACES_LIMIT]


def map_points(*, bbox: tuple[float, float, float, float] | None = None) -> list[StationPoint]:
    """Every active station (or those in a box) for the public map, from the index."""
    index = get_index()
    points = index.within(*bbox) if bbox else index.points
    return sorted(points, key=lambda p: p.name)


# At this zoom and closer the map gets the stations themselves; farther out, clusters.
MAP_POINTS_ZOOM = 13
# A box at point zoom holding more than this still gets clusters (at the finest resolution).
MAP_POINTS_MAX = 2000


def map_resolution(zoom: int) -> int | None:
    """The H3 resolution the map clusters at for a Leaflet zoom level, None for points: two
    zoom levels per resolution keep a cluster a few dozen pixels across."""
    if zoom >= MAP_POINTS_ZOOM:
        return None
    return min(max(zoom // 2, min(CLUSTER_RESOLUTIONS)), max(CLUSTER_RESOLUTIONS))


@dataclass
class MapView:
    """What the map draws for one viewport: clusters (several stations in one H3 cell) and
    single stations; ``total`` is every station in the box that matches the filters."""

    total: int
    resolution: int | None
    clusters: list[Cluster]
    points: list[StationPoint]
    open_counts: dict[str, int]
    extent: tuple[float, float, float, float] | None


def map_view(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    open_now: bool = False,
    facilities: list[str] | None = None,
    station_type: str | None = None,
    at: dt.datetime | None = None,
) -> MapView:
    """The active stations in a box for the public map, from the index: clustered by H3 cell
    below ``MAP_POINTS_ZOOM`` (or when the box holds too many), the stations themselves above.
    Numpy passes over the index; no query."""
    at = at or timezone.now()
    index = get_index(at)
    if not len(index):
        return MapView(0, map_resolution(zoom), [], [], {}, None)
    inside = index.within_mask(*bbox)
    mask = index.mask(
        at=at, open_now=open_now, facilities=facilities or (), station_type=station_type
    )
    if mask is not None:
        inside &= mask
    selected = np.flatnonzero(inside)
    res = map_resolution(zoom)
    if res is None and len(selected) > MAP_POINTS_MAX:
        res = max(CLUSTER_RESOLUTIONS)
    if res is None:
        clusters, singles = [], selected
    else:
        clusters, singles = index.clusters(selected, res)
    open_counts: dict[str, int] = {}
    if clusters:
        now_open = index.open_mask(at)[selected]
        cells = index.cells[res][selected]
        wanted = {h3_int.str_to_int(c.cell) for c in clusters}
        for cell, count in zip(*np.unique(cells[now_open], return_counts=True), strict=True):
            if int(cell) in wanted:
                open_counts[h3_int.int_to_str(int(cell))] = int(count)
    points = sorted((index.points[int(i)] for i in singles), key=lambda p: p.name)
    return MapView(len(selected), res, clusters, points, open_counts, index.extent)


def place_lookup(*, q: str) -> tuple[float, float, str] | None:
    """A typed place: "lat,lon", or the name of a station or union org with coordinates."""

    text = (q or "").strip().replace("，", ",")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            pass
        else:
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return lat, lon, _("坐标 %(lat).5f, %(lon).5f") % {"lat": lat, "lon": lon}
    if not text:
        return None
    # A place named exactly ("郾城区") is the union's area, not a station that bears its name.
    org = (
        Organization.objects.active()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .filter(name__in=[text, *(text + suffix for suffix in UNION_SUFFIXES)])
        .order_by("depth", "path")
        .first()
    )
    if org:
        return float(org.latitude), float(org.longitude), org.name
    station = Station.objects.active().filter(name__icontains=text).order_by("name").first()
    if station:
        return station.latitude, station.longitude, station.name
    for word in search_key(text).split()[:1]:
        org = (
            Organization.objects.filter(search_text__contains=word, latitude__isnull=False)
            .order_by("depth", "path")
            .first()
        )
        if org:
            return float(org.latitude), float(org.longitude), org.name
    return None


def usage_by_month(*, user, station_id=None, months: int = 12):
    """Visits per station per calendar month (Asia/Shanghai), newest first."""
    since = timezone.now() - dt.timedelta(days=31 * months)
    visits = CheckIn.objects.visible_to(user).filter(created_at__gte=since)
    if station_id is not None:
        visits = visits.filter(station_id=station_id)
    return (
        visits.annotate(month=TruncMonth("created_at", tzinfo=hours_lib.SHANGHAI))
        .values("station_id", "station__name", "month")
        .annotate(visits=Count("id"))
        .order_by("-month", "station__name")
    )


def _points(rows) -> np.ndarray:
    array = np.array(list(rows), dtype=float)
    return array.reshape(-1, 2)


def active_station_points() -> np.ndarray:
    index = get_index()
    return np.array([(p.latitude, p.longitude) for p in index.points], dtype=float).reshape(-1, 2)


def coverage_for_org(
    *, user, org, minutes: float, mode: str, basis: str = "work", top_k: int = 5
) -> dict:
    """The service circle of one org subtree: members (active, by work or home location) and
    enterprises within reach of any active station, wherever its operator sits: a worker near a
    station run by the neighbouring county is still served."""

    from . import coverage

    org = org_get(user=user, org_id=org.pk)  # out of scope is a 404
    speed = coverage.speeds_kmh()[mode]
    detour = coverage.detour_factor()
    stations = active_station_points()
    result: dict = {
        "org": org,
        "minutes": minutes,
        "mode": mode,
        "basis": basis,
        "speed_kmh": speed,
        "detour": detour,
        "stations": len(stations),
    }
    lat, lon = f"{basis}_latitude", f"{basis}_longitude"
    members = Member.objects.active().in_subtree(org)
    located = members.filter(**{f"{lat}__isnull": False, f"{lon}__isnull": False})
    points = _points(located.values_list(lat, lon).iterator(chunk_size=10_000))
    circle = coverage.service_circle(points, stations, minutes, speed, detour, top_k)
    result["members"] = circle
    result["members_without_location"] = members.count() - circle.total
    rows = list(
        Enterprise.objects.filter(
            street_org__path__subtree_of=org.path,
            latitude__isnull=False,
            longitude__isnull=False,
        ).values_list("latitude", "longitude", "employees")
    )
    radius = coverage.reach_m(minutes, speed, detour)
    places = np.array([(a, b) for a, b, _e in rows], dtype=float).reshape(-1, 2)
    employees = np.array([e for _a, _b, e in rows], dtype=float)
    mask = coverage.covered_mask(places, stations, radius)
    result["enterprises"] = {
        "total": len(rows),
        "covered": int(mask.sum()),
        "employees_total": int(employees.sum()),
        "employees_covered": int(employees[mask].sum()) if len(rows) else 0,
    }
    return result
