"""The nearest-station index: a k-d tree on unit-sphere xyz of the active stations, held in
memory per process and rebuilt when any station changes.

Staleness check: one indexed ``MAX(updated_at)`` query per request. Every station write (fields,
facilities, hours, exceptions) saves the station, so its ``updated_at`` moves; stations are
deactivated, never deleted, by the services. The stamp also carries today's date so the
exceptions kept in memory (those not yet over) stay right across midnight. Two writers committing
out of timestamp order on PostgreSQL could leave the maximum unchanged, so an index is also
rebuilt when it is older than ``MAX_AGE_S``: staleness is bounded either way.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from . import hours as hours_lib
from .geo import chord_to_m, m_to_chord, to_xyz


@dataclass(frozen=True)
class StationPoint:
    """What the public answers need about a station, so they need no query per station."""

    id: int
    latitude: float
    longitude: float
    station_type: str = ""
    facilities: frozenset[str] = frozenset()
    weekly: tuple[hours_lib.Interval, ...] = ()
    exceptions: tuple[hours_lib.Exception_, ...] = ()
    name: str = ""
    address: str = ""
    operator: str = ""
    contact_phone: str = ""
    capacity: int | None = None

    def is_open(self, at: dt.datetime) -> bool:
        return hours_lib.is_open(self.weekly, self.exceptions, at)


class StationIndex:
    """Nearest queries, optionally restricted by a boolean mask over the stations.

    Filters are masks, not per-station Python calls: facilities and types are precomputed
    arrays, and "open now" is evaluated once per distinct weekly schedule (a county has a
    handful) plus once per station with a current exception. So even a filter that matches
    almost nothing (open now at 3 a.m.) costs a few numpy passes, never 10^5 Python calls.
    """

    # Past this many tree candidates a filtered query switches to scanning the masked subset.
    MAX_FETCH = 1024

    def __init__(self, points: Sequence[StationPoint]):
        self.points = list(points)
        n = len(self.points)
        lats = np.fromiter((p.latitude for p in self.points), float, n)
        lons = np.fromiter((p.longitude for p in self.points), float, n)
        self.xyz = to_xyz(lats, lons)
        self.tree = cKDTree(self.xyz) if n else None
        week_ids: dict[tuple, int] = {}
        self.week_of = np.fromiter(
            (week_ids.setdefault(p.weekly, len(week_ids)) for p in self.points), np.intp, n
        )
        self.weeks = list(week_ids)
        self.with_exceptions = np.array(
            [i for i, p in enumerate(self.points) if p.exceptions], dtype=np.intp
        )
        self._facility_masks: dict[str, np.ndarray] = {}
        self._type_masks: dict[str, np.ndarray] = {}

    def __len__(self):
        return len(self.points)

    def facility_mask(self, code: str) -> np.ndarray:
        if code not in self._facility_masks:
            self._facility_masks[code] = np.fromiter(
                (code in p.facilities for p in self.points), bool, len(self.points)
            )
        return self._facility_masks[code]

    def type_mask(self, station_type: str) -> np.ndarray:
        if station_type not in self._type_masks:
            self._type_masks[station_type] = np.fromiter(
                (p.station_type == station_type for p in self.points), bool, len(self.points)
            )
        return self._type_masks[station_type]

    def open_mask(self, at: dt.datetime) -> np.ndarray:
        week_open = np.fromiter(
            (hours_lib.is_open(week, (), at) for week in self.weeks), bool, len(self.weeks)
        )
        mask = week_open[self.week_of] if len(self.points) else np.zeros(0, bool)
        for i in self.with_exceptions:
            mask[i] = self.points[i].is_open(at)
        return mask

    def mask(
        self,
        *,
        at: dt.datetime | None = None,
        open_now: bool = False,
        facilities: Iterable[str] = (),
        station_type: str | None = None,
    ) -> np.ndarray | None:
        """None when nothing is filtered."""
        mask = None
        for code in facilities:
            mask = self.facility_mask(code) if mask is None else mask & self.facility_mask(code)
        if station_type:
            kind = self.type_mask(station_type)
            mask = kind if mask is None else mask & kind
        if open_now:
            if at is None:
                raise ValueError("open_now needs the moment to judge it at")
            now_open = self.open_mask(at)
            mask = now_open if mask is None else mask & now_open
        return mask

    def nearest(
        self,
        lat: float,
        lon: float,
        k: int,
        mask: np.ndarray | None = None,
        max_m: float | None = None,
    ) -> list[tuple[StationPoint, float]]:
        """The ``k`` nearest stations (where ``mask`` is true, and no farther than ``max_m``)
        with great-circle metres, nearest first.

        With a mask, over-fetch 4k from the tree and widen fourfold; past ``MAX_FETCH``
        candidates the matches are rare, so measure the masked subset directly instead. A
        radius bounds the tree search itself, so a night-time query with nothing open nearby
        stops at the radius instead of walking the country."""
        n = len(self.points)
        if n == 0 or k <= 0:
            return []
        query = to_xyz([lat], [lon])[0]
        bound = np.inf if max_m is None else m_to_chord(max_m) * (1 + 1e-12)
        if mask is None:
            chords, indexes = self.tree.query(query, k=min(k, n), distance_upper_bound=bound)
            return self._found(np.atleast_1d(indexes), np.atleast_1d(chords))
        fetch = min(n, max(4 * k, 16))
        while fetch <= self.MAX_FETCH or fetch >= n:
            chords, indexes = self.tree.query(query, k=fetch, distance_upper_bound=bound)
            chords, indexes = np.atleast_1d(chords), np.atleast_1d(indexes)
            inside = indexes < n
            keep = inside.copy()
            keep[inside] = mask[indexes[inside]]
            if keep.sum() >= k or fetch >= n or not inside.all():
                return self._pairs(indexes[keep][:k], chords[keep][:k])
            fetch = min(n, fetch * 4)
        selected = np.flatnonzero(mask)
        chords = np.linalg.norm(self.xyz[selected] - query, axis=1)
        near = chords <= bound
        selected, chords = selected[near], chords[near]
        if len(selected) == 0:
            return []
        if len(selected) > k:
            nearest = np.argpartition(chords, k)[:k]
        else:
            nearest = np.arange(len(selected))
        nearest = nearest[np.argsort(chords[nearest], kind="stable")]
        return self._pairs(selected[nearest], chords[nearest])

    def within(self, south: float, west: float, north: float, east: float) -> list[StationPoint]:
        lat = np.fromiter((p.latitude for p in self.points), float, len(self.points))
        lon = np.fromiter((p.longitude for p in self.points), float, len(self.points))
        inside = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
        return [self.points[int(i)] for i in np.flatnonzero(inside)]

    def _found(self, indexes, chords) -> list[tuple[StationPoint, float]]:
        inside = indexes < len(self.points)  # the tree's "none within the bound" marker
        return self._pairs(indexes[inside], chords[inside])

    def _pairs(self, indexes, chords) -> list[tuple[StationPoint, float]]:
        metres = chord_to_m(chords)
        return [
            (self.points[int(i)], float(m))
            for i, m in zip(indexes, np.atleast_1d(metres), strict=True)
        ]


MAX_AGE_S = 300
_lock = threading.Lock()
_cached: dict = {"stamp": None, "index": None, "built": 0.0}


def _stamp(today: dt.date):
    from django.db.models import Max

    from .models import Station

    return (Station.objects.aggregate(last=Max("updated_at"))["last"], today)


def build_index(today: dt.date) -> StationIndex:
    """Four flat queries of tuples, no model instances: 10^5 stations and 7x10^5 opening
    intervals load in seconds. Identical intervals and weeks are shared, not copied."""
    from .models import HoursException, OpeningHours, Station

    active = Station.objects.active()
    facilities: dict[int, set[str]] = {}
    through = Station.facilities.through.objects.filter(station__is_active=True)
    for station_id, code in through.values_list("station_id", "facility__code").iterator(
        chunk_size=20_000
    ):
        facilities.setdefault(station_id, set()).add(code)
    intervals: dict[tuple, hours_lib.Interval] = {}
    weekly: dict[int, list[hours_lib.Interval]] = {}
    rows = OpeningHours.objects.filter(station__is_active=True).order_by(
        "station_id", "weekday", "opens"
    )
    for station_id, weekday, opens, closes in rows.values_list(
        "station_id", "weekday", "opens", "closes"
    ).iterator(chunk_size=50_000):
        key = (weekday, opens, closes)
        interval = intervals.get(key)
        if interval is None:
            interval = intervals[key] = hours_lib.Interval(weekday, opens, closes)
        weekly.setdefault(station_id, []).append(interval)
    exceptions: dict[int, list[hours_lib.Exception_]] = {}
    current = HoursException.objects.filter(
        station__is_active=True, end_date__gte=today - dt.timedelta(days=1)
    )
    for station_id, *fields in current.values_list(
        "station_id", "start_date", "end_date", "closed", "opens", "closes"
    ):
        exceptions.setdefault(station_id, []).append(hours_lib.Exception_(*fields))
    weeks: dict[tuple, tuple] = {}
    frozen: dict[frozenset, frozenset] = {}
    points = []
    rows = active.order_by("pk").values_list(
        "pk",
        "latitude",
        "longitude",
        "station_type",
        "name",
        "address",
        "operator__name",
        "contact_phone",
        "capacity",
    )
    for pk, lat, lon, kind, name, address, operator, phone, capacity in rows.iterator(
        chunk_size=20_000
    ):
        week = tuple(weekly.get(pk, ()))
        week = weeks.setdefault(week, week)
        codes = frozenset(facilities.get(pk, ()))
        codes = frozen.setdefault(codes, codes)
        points.append(
            StationPoint(
                id=pk,
                latitude=lat,
                longitude=lon,
                station_type=kind,
                facilities=codes,
                weekly=week,
                exceptions=tuple(exceptions.get(pk, ())),
                name=name,
                address=address,
                operator=operator,
                contact_phone=phone,
                capacity=capacity,
            )
        )
    return StationIndex(points)


def get_index(now: dt.datetime | None = None) -> StationIndex:
    from django.utils import timezone

    today = hours_lib.local(now or timezone.now()).date()
    stamp = _stamp(today)
    with _lock:
        expired = time.monotonic() - _cached["built"] > MAX_AGE_S
        if _cached["stamp"] != stamp or _cached["index"] is None or expired:
            _cached["index"] = build_index(today)
            _cached["stamp"] = stamp
            _cached["built"] = time.monotonic()
        return _cached["index"]
