"""Distances and "near me" lists over rows with ``latitude``/``longitude``."""

from __future__ import annotations

import math

from django.conf import settings
from ninja import Field, Schema

from gonghui.core.geometry import EARTH_RADIUS_M, haversine_m

EARTH_KM = EARTH_RADIUS_M / 1000


def distance_km(lat1, lon1, lat2, lon2) -> float:
    return haversine_m(lat1, lon1, lat2, lon2) / 1000


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """South, west, north, east of a box holding every point within ``km`` of (lat, lon), a
    little generous. Near a pole the box spans every longitude; across the antimeridian
    ``west > east``, and the caller filters on latitude only."""
    dlat = math.degrees(km / EARTH_KM) * 1.001
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    if south <= -89.9 or north >= 89.9:
        return south, -180.0, north, 180.0
    # The widest longitude span of the circle is at the latitude nearest the pole.
    widest = max(abs(south), abs(north))
    dlon = math.degrees(km / (EARTH_KM * math.cos(math.radians(widest)))) * 1.001
    if dlon >= 180:
        return south, -180.0, north, 180.0
    west, east = lon - dlon, lon + dlon
    if west < -180:
        west += 360
    if east > 180:
        east -= 360
    return south, west, north, east


def near_me_km() -> float:
    """How far "near me" reaches unless the worker widens it (setting ``NEAR_ME_KM``)."""
    return float(getattr(settings, "NEAR_ME_KM", 20) or 20)


def nearest(
    queryset, lat: float | None, lon: float | None, limit: int, within_km: float | None = None
) -> list:
    """The first ``limit`` rows of ``queryset``; with a position, only those within
    ``within_km`` (default ``NEAR_ME_KM``), nearest first, each with ``distance_km`` and
    ``distance_m``: rows far away or without coordinates are not "near me", so an empty list
    means nothing is near. Distances are computed over every candidate's coordinates (one
    narrow query), so the nearest are never cut off by the limit; without a position the
    queryset's own order stands."""
    if lat is None or lon is None:
        rows = list(queryset[:limit])
        for row in rows:
            row.distance_km = row.distance_m = None
        return rows
    reach = near_me_km() if within_km is None else within_km
    south, west, north, east = bounding_box(lat, lon, reach)
    # Only rows in the box that holds the circle are fetched and measured.
    candidates = queryset.filter(latitude__range=(south, north))
    if west <= east:
        candidates = candidates.filter(longitude__range=(west, east))
    ranked = sorted(
        (distance, pk)
        for pk, row_lat, row_lon in candidates.filter(
            latitude__isnull=False, longitude__isnull=False
        ).values_list("pk", "latitude", "longitude")
        if (distance := distance_km(lat, lon, row_lat, row_lon)) <= reach
    )[:limit]
    by_pk = queryset.in_bulk([pk for _d, pk in ranked])
    rows = []
    for distance, pk in ranked:
        row = by_pk[pk]
        row.distance_km = round(distance, 2)
        row.distance_m = round(distance * 1000, 1)
        rows.append(row)
    return rows


def position_from(request) -> tuple[float | None, float | None]:
    """The worker's position from ``?lat=&lon=``; missing or out of range is no position."""
    try:
        lat = float(request.GET["lat"])
        lon = float(request.GET["lon"])
    except (KeyError, ValueError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def near_context(request, lat) -> dict:
    """What the "near me" lists say about the search: located or not, within how far, and
    the link back to the whole list (same filters, no position)."""
    params = request.GET.copy()
    for key in ("lat", "lon"):
        params.pop(key, None)
    return {
        "located": lat is not None,
        "near_km": f"{near_me_km():g}",
        "all_url": f"?{params.urlencode()}" if params else "?",
    }


class NearFilters(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    within_km: float | None = Field(
        None,
        gt=0,
        le=200,
        description="与 lat/lon 一起用：只列这个距离（公里）以内的，默认 NEAR_ME_KM",
    )
