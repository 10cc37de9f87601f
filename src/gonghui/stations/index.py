"""The nearest-station index: a k-d tree on unit-sphere xyz of the active stations, held in
memory per process and rebuilt when any station changes.

Staleness check: one primary-key read of ``IndexVersion`` per request. Every station write
(fields, facilities, hours, exceptions, the facility list) sets a new version token in its own
transaction (``bump_version``), so a change invalidates by version, never by age. A stale index
is rebuilt in a background thread and swapped in whole; requests meanwhile answer from the one
they have (see ``get_built``). The index also carries the day it was built for, so the exceptions
kept in memory (those not yet over) stay right across midnight.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import sys
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

import h3.api.basic_int as h3_int
import numpy as np
from django.db import connection
from scipy.spatial import cKDTree

from gonghui.core.gcpause import collection_paused
from gonghui.core.geometry import EARTH_RADIUS_M, chord_to_m, haversine_many, m_to_chord, to_xyz
from gonghui.core.giveway import background, give_way, giving_way, waiting

from . import hours as hours_lib

# Map clusters: one H3 resolution per pair of zoom levels, coarse (res 2, cells ~300 km across)
# at a country view down to res 7 (~2.5 km) at a district view.
CLUSTER_RESOLUTIONS = range(2, 8)
# Stations given their cells per step of a build (which gives way to requests between steps).
CELLS_PER_STEP = 5_000


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


@dataclass(frozen=True)
class Cluster:
    """Several stations in one H3 cell: the map draws one circle with the count."""

    cell: str
    count: int
    latitude: float
    longitude: float


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
        self.lats, self.lons = lats, lons
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
        self.cells: dict[int, np.ndarray] = {}
        if n:
            finest = max(CLUSTER_RESOLUTIONS)
            self.cells = {res: np.empty(n, np.uint64) for res in CLUSTER_RESOLUTIONS}
            for start in range(0, n, CELLS_PER_STEP):
                stop = min(n, start + CELLS_PER_STEP)
                step = zip(lats[start:stop].tolist(), lons[start:stop].tolist(), strict=True)
                fine = [h3_int.latlng_to_cell(a, b, finest) for a, b in step]
                for res, cells in self.cells.items():
                    cells[start:stop] = (
                        fine if res == finest else [h3_int.cell_to_parent(c, res) for c in fine]
                    )
                give_way()  # a background build: requests first
        self.extent = (
            (float(lats.min()), float(lons.min()), float(lats.max()), float(lons.max()))
            if n
            else None
        )

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
        nearest = np.argpartition(chords, k)[:k] if len(selected) > k else np.arange(len(selected))
        nearest = nearest[np.argsort(chords[nearest], kind="stable")]
        return self._pairs(selected[nearest], chords[nearest])

    def within_mask(self, south: float, west: float, north: float, east: float) -> np.ndarray:
        lat, lon = self.lats, self.lons
        return (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)

    def within(self, south: float, west: float, north: float, east: float) -> list[StationPoint]:
        inside = self.within_mask(south, west, north, east)
        return [self.points[int(i)] for i in np.flatnonzero(inside)]

    def clusters(self, selected: np.ndarray, res: int) -> tuple[list[Cluster], np.ndarray]:
        """Group the stations at ``selected`` (indexes) by their H3 cell at ``res``: a cell
        holding several is one cluster at the mean position of its stations; the indexes of
        stations alone in their cell come back as points."""
        if len(selected) == 0:
            return [], selected
        cells, inverse, counts = np.unique(
            self.cells[res][selected], return_inverse=True, return_counts=True
        )
        inverse = inverse.ravel()
        lat = np.bincount(inverse, self.lats[selected]) / counts
        lon = np.bincount(inverse, self.lons[selected]) / counts
        several = counts > 1
        clusters = [
            Cluster(h3_int.int_to_str(int(cells[i])), int(counts[i]), float(lat[i]), float(lon[i]))
            for i in np.flatnonzero(several)
        ]
        return clusters, selected[~several[inverse]]

    def _found(self, indexes, chords) -> list[tuple[StationPoint, float]]:
        inside = indexes < len(self.points)  # the tree's "none within the bound" marker
        return self._pairs(indexes[inside], chords[inside])

    def _pairs(self, indexes, chords) -> list[tuple[StationPoint, float]]:
        metres = chord_to_m(chords)
        return [
            (self.points[int(i)], float(m))
            for i, m in zip(indexes, np.atleast_1d(metres), strict=True)
        ]


# Inside a request the token is read once (an endpoint may consult the index and the facility
# list); the request_started/finished signals (apps.py) open and close that memo.
_request = threading.local()


def request_started(**_kwargs) -> None:
    _request.active, _request.version, _request.wants_rebuild = True, None, False


def request_finished(**_kwargs) -> None:
    wanted = getattr(_request, "wants_rebuild", False)
    _request.active, _request.version, _request.wants_rebuild = False, None, False
    if wanted:
        rebuild_in_background()


def _read_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_reads().version)
        row = cursor.fetchone()
    return row[0] if row else ""


def current_version() -> str:
    """The token of the station data in the database: one primary-key read (per request)."""
    if not getattr(_request, "active", False):
        return _read_version()
    if _request.version is None:
        _request.version = _read_version()
    return _request.version


def bump_version() -> str:
    """Called by every write that changes what the index holds, inside its transaction: the row
    lock serialises writers and the token commits (or rolls back) with the change."""
    from .models import IndexVersion

    token = uuid.uuid4().hex
    if not IndexVersion.objects.filter(pk=1).update(token=token):
        IndexVersion.objects.update_or_create(pk=1, defaults={"token": token})
    if getattr(_request, "active", False):
        _request.version = token
    return token


def build_index(today: dt.date) -> StationIndex:
    return StationIndex(load_points(today))


def load_points(today: dt.date, ids: Collection[int] | None = None) -> list[StationPoint]:
    """Four flat queries of tuples, no model instances: 10^5 stations and 7x10^5 opening
    intervals load in seconds. Identical intervals and weeks are shared, not copied. With
    ``ids``, only those stations (the active ones among them)."""
    rows = _all_rows(today) if ids is None else _rows_of(sorted(ids), today)
    return _points(*rows)


def _all_rows(today: dt.date) -> tuple[Iterable, Iterable, Iterable, Iterable]:
    """Every active station's facility, hour, exception and station rows, read in chunks."""
    from .models import HoursException, OpeningHours, Station

    def each(queryset):
        # Small chunks: psycopg turns a fetched chunk into tuples in one go with the GIL held,
        # and 20,000 rows at a time kept a background build's request threads waiting ~20 ms.
        # A background build gives way to the requests in flight every few hundred rows.
        return giving_way(queryset.iterator(chunk_size=2_000))

    through = Station.facilities.through.objects.filter(station__is_active=True)
    hours = OpeningHours.objects.filter(station__is_active=True)
    current = HoursException.objects.filter(
        station__is_active=True, end_date__gte=today - dt.timedelta(days=1)
    )
    return (
        each(through.values_list("station_id", "facility__code")),
        each(
            hours.order_by("station_id", "weekday", "opens").values_list(
                "station_id", "weekday", "opens", "closes"
            )
        ),
        each(
            current.values_list("station_id", "start_date", "end_date", "closed", "opens", "closes")
        ),
        each(Station.objects.active().order_by("pk").values_list(*STATION_COLUMNS)),
    )


# What a StationPoint is made of, in its order (``operator__name`` is the operator's name).
STATION_COLUMNS = (
    "pk", "latitude", "longitude", "station_type", "name", "address", "operator__name",
    "contact_phone", "capacity",
)  # fmt: skip


@dataclass(frozen=True)
class _Reads:
    version: str
    box: str
    facilities: str
    hours: str
    exceptions: str
    stations: str


@functools.cache
def _reads() -> _Reads:
    """The SQL of the reads a request may make (the version token, the positions in a box, a
    few stations' rows), written once from the models' tables. The ORM compiles a query anew
    every time, ~1 ms each on a slow host: several times what these reads cost the database.
    Each says the same as the ORM query of ``_all_rows`` it stands for (tests compare them)."""
    from gonghui.organizations.models import Organization

    from .models import Facility, HoursException, IndexVersion, OpeningHours, Station

    def table(model):
        return f'"{model._meta.db_table}"'

    station, through = table(Station), table(Station.facilities.through)
    active = f"JOIN {station} s ON s.id = r.station_id AND s.is_active"
    ids = "r.station_id IN ({ids})"
    return _Reads(
        version=f"SELECT token FROM {table(IndexVersion)} WHERE id = 1",
        # Off the partial index station_active_position_idx alone (no join, no ordering).
        box=(
            f"SELECT id, latitude, longitude FROM {station} WHERE is_active"
            " AND latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s"
        ),
        facilities=(
            f"SELECT r.station_id, f.code FROM {through} r {active}"
            f" JOIN {table(Facility)} f ON f.id = r.facility_id WHERE {ids}"
        ),
        hours=(
            f"SELECT r.station_id, r.weekday, r.opens, r.closes FROM {table(OpeningHours)} r"
            f" {active} WHERE {ids} ORDER BY r.station_id, r.weekday, r.opens"
        ),
        exceptions=(
            "SELECT r.station_id, r.start_date, r.end_date, r.closed, r.opens, r.closes"
            f" FROM {table(HoursException)} r {active} WHERE r.end_date >= %s AND {ids}"
            " ORDER BY r.start_date"
        ),
        stations=(
            "SELECT s.id, s.latitude, s.longitude, s.station_type, s.name, s.address, o.name,"
            f" s.contact_phone, s.capacity FROM {station} s JOIN {table(Organization)} o"
            " ON o.id = s.operator_id WHERE s.is_active AND s.id IN ({ids}) ORDER BY s.id"
        ),
    )


# Ids per read: a rebuild reloads up to a tenth of the stations, and PostgreSQL takes at most
# 65,535 parameters in one statement.
IDS_PER_READ = 5_000


def _rows_of(ids: list[int], today: dt.date) -> tuple[list, list, list, list]:
    """The rows of ``_all_rows`` for the stations ``ids`` only, in plain SQL reads (on
    PostgreSQL sent together in one pipeline: one round trip, not four)."""
    reads = _reads()
    yesterday = today - dt.timedelta(days=1)
    found: tuple[list, list, list, list] = ([], [], [], [])
    connection.ensure_connection()
    pipelined = connection.vendor == "postgresql"
    with contextlib.ExitStack() as stack:
        if pipelined:
            stack.enter_context(connection.connection.pipeline())
        for start in range(0, len(ids), IDS_PER_READ):
            some = ids[start : start + IDS_PER_READ]
            marks = ", ".join(["%s"] * len(some))
            cursors = []
            for sql, params in (
                (reads.facilities, some),
                (reads.hours, some),
                (reads.exceptions, [yesterday, *some]),
                (reads.stations, some),
            ):
                cursor = stack.enter_context(connection.cursor())
                cursor.execute(sql.format(ids=marks), params)
                cursors.append(cursor)
            for rows, cursor in zip(found, cursors, strict=True):
                rows.extend(cursor.fetchall())
    return found


def _points(facility_rows, hour_rows, exception_rows, station_rows) -> list[StationPoint]:
    """StationPoints from the rows of ``_all_rows`` (read in that order: the four may be lazy
    reads of one database cursor each)."""
    facilities: dict[int, set[str]] = {}
    for station_id, code in facility_rows:
        facilities.setdefault(station_id, set()).add(code)
    intervals: dict[tuple, hours_lib.Interval] = {}
    weekly: dict[int, list[hours_lib.Interval]] = {}
    for station_id, weekday, opens, closes in hour_rows:
        key = (weekday, opens, closes)
        interval = intervals.get(key)
        if interval is None:
            interval = intervals[key] = hours_lib.Interval(weekday, opens, closes)
        weekly.setdefault(station_id, []).append(interval)
    exceptions: dict[int, list[hours_lib.Exception_]] = {}
    for station_id, *fields in exception_rows:
        exceptions.setdefault(station_id, []).append(hours_lib.Exception_(*fields))
    weeks: dict[tuple, tuple] = {}
    frozen: dict[frozenset, frozenset] = {}
    points = []
    for pk, lat, lon, kind, name, address, operator, phone, capacity in station_rows:
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
    return points


# Stations saved this long before the previous build began are reloaded by the next one, so a
# transaction that committed late (or an app server whose clock is behind) is still caught.
CHANGE_MARGIN = dt.timedelta(minutes=10)


def build_changes(previous: Built, today: dt.date) -> StationIndex | None:
    """The previous index with only the stations saved since it was built reloaded (every
    station write saves the station); None when a full build is due instead (a new day, or
    more than a tenth of the stations changed)."""
    from .models import Station

    if previous.today != today or previous.loaded_at is None:
        return None
    since = previous.loaded_at - CHANGE_MARGIN
    changed = set(Station.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    if len(changed) > max(1000, len(previous.index) // 10):
        return None
    fresh = {p.id: p for p in load_points(today, changed)} if changed else {}
    points = [
        fresh.pop(p.id) if p.id in fresh else p
        for p in previous.index.points
        if p.id not in changed or p.id in fresh
    ]
    if fresh:  # new stations
        points = sorted([*points, *fresh.values()], key=lambda p: p.id)
    if len(points) != Station.objects.active().count():
        return None  # a station deleted outright (the services never do): build it all
    return StationIndex(points)


@dataclass(frozen=True)
class Built:
    """An index with the data version and the day it was built for; swapped in as one object."""

    version: str
    today: dt.date
    index: StationIndex
    facilities: tuple  # the Facility rows, in order: the public filter list, cached with it
    loaded_at: dt.datetime | None = None  # when its data was read (app clock)


class _Holder:
    """The process's current index. Readers take ``current`` without a lock (one attribute
    read is atomic); a rebuild runs in one background thread and replaces ``current`` when it
    is complete, so no request ever waits for it and none sees a half-built index."""

    def __init__(self):
        self.current: Built | None = None
        self.lock = threading.Lock()  # guards starting a build, never held by a reader
        self.first = threading.Lock()  # the very first build of a process
        self.rebuilding: threading.Thread | None = None
        self.builds = 0  # completed builds, for tests and the benchmark


_holder = _Holder()
REBUILD_SWITCH_INTERVAL_S = 0.0005


def _build(today: dt.date, previous: Built | None = None) -> Built:
    # The version is read before the data, so the data is at least as new as its label; a
    # change committed in between only causes one more (harmless) rebuild.
    from django.utils import timezone

    from .models import Facility

    version = _read_version()
    loaded_at = timezone.now()
    index = None
    if previous is not None and background_enabled():
        index = build_changes(previous, today)
    if index is None:
        index = build_index(today)
    facilities = tuple(Facility.objects.all())
    built = Built(
        version=version, today=today, index=index, facilities=facilities, loaded_at=loaded_at
    )
    _holder.builds += 1
    return built


def _rebuild_loop() -> None:
    from django.db import close_old_connections
    from django.utils import timezone

    # The build is Python code holding the GIL; a short switch interval while it runs hands the
    # GIL to request threads within half a millisecond instead of five, so requests served
    # meanwhile stay fast (the build takes a little longer).
    # Nor do full garbage collections, set off by what the build allocates, stall them.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, REBUILD_SWITCH_INTERVAL_S))
    try:
        with collection_paused(), background():
            while True:
                today = hours_lib.local(timezone.now()).date()
                built = _build(today, _holder.current)
                _holder.current = built
                # Checked under the lock a request takes to start a rebuild: a change committed
                # after this check finds no rebuild running and starts the next one.
                with _holder.lock:
                    if _read_version() == built.version:
                        _holder.rebuilding = None
                        break
    finally:
        sys.setswitchinterval(interval)
        with _holder.lock:
            if _holder.rebuilding is threading.current_thread():
                _holder.rebuilding = None
        close_old_connections()
        connection.close()


def rebuild_in_background() -> threading.Thread:
    """Start a rebuild unless one is running; returns the thread doing it."""
    with _holder.lock:
        if _holder.rebuilding is None:
            thread = threading.Thread(target=_rebuild_loop, name="station-index", daemon=True)
            _holder.rebuilding = thread
            thread.start()
        return _holder.rebuilding


def background_enabled() -> bool:
    from django.conf import settings

    return getattr(settings, "STATION_INDEX_BACKGROUND", True)


def get_built(now: dt.datetime | None = None, *, wait: bool = True) -> Built | None:
    """The index for a request. Up to date: returned at once. Out of date (the version token
    moved, or the day changed): a background rebuild starts and this request is answered from
    the index it has, so the first request after a change costs what any other does. Only a
    process with no index yet builds one in the request, once (``warm()`` does that at worker
    start), or with ``wait=False`` gets None at once while that build goes on. With
    ``STATION_INDEX_BACKGROUND = False`` (the test settings) a stale index is rebuilt in the
    request, so a test sees its own writes at once."""
    from django.utils import timezone

    today = hours_lib.local(now or timezone.now()).date()
    version = current_version()
    built = _holder.current
    if built is not None and built.version == version and built.today == today:
        return built
    if built is None and background_enabled():
        if not wait:
            rebuild_in_background()  # warm() started it, unless this process skipped warm()
            return None
        # A fresh worker: wait for the build warm() started rather than run a second one.
        warming = _holder.rebuilding
        if warming is not None:
            with waiting():  # the build does not give way to a request waiting for it
                warming.join(120)
        built = _holder.current
        if built is not None:
            return built
    if built is None or not background_enabled():
        with _holder.first:
            built = _holder.current
            if built is None or built.version != version or built.today != today:
                built = _holder.current = _build(today, built)
        return built
    if getattr(_request, "active", False):
        # Started once this answer has been sent, so the request that noticed the change is
        # not slowed down by the rebuild it asked for.
        _request.wants_rebuild = True
    else:
        rebuild_in_background()
    return built


def get_index(now: dt.datetime | None = None) -> StationIndex:
    return get_built(now).index


# A fresh worker's facility list until its first index is in: (version token, rows).
_facilities_read: tuple[str, tuple] = ("", ())


def facility_list() -> tuple:
    """The Facility rows in order, cached with the index; while a fresh worker's first index is
    still being built, read from the database once per data version."""
    global _facilities_read
    from .models import Facility

    built = get_built(wait=False)
    if built is not None:
        return built.facilities
    version = current_version()
    read_version, rows = _facilities_read
    if read_version != version or not version:
        rows = tuple(Facility.objects.all())
        _facilities_read = (version, rows)
    return rows


Select = Callable[[StationIndex], "np.ndarray | None"]

# Half the side of the boxes a fresh worker reads around a point, in degrees of latitude
# (~2 km, 9 km, 36 km, 140 km, 210 km); past the last it waits for the whole index. The last
# reaches beyond the farthest radius the public "nearest" takes (200 km), so that never waits.
NEARBY_HALF_SIDES_DEG = (0.02, 0.08, 0.32, 1.28, 1.9)


def nearest_where(
    lat: float, lon: float, k: int, at: dt.datetime, select: Select, max_m: float | None = None
) -> list[tuple[StationPoint, float]]:
    """``StationIndex.nearest`` with the mask ``select(index)``, over the process's index. A
    worker whose first index is still being built does not wait for it: it answers from the
    stations around the point, read from the database in growing boxes (the same answer: a box
    is only trusted out to the distance every station outside it is farther than)."""
    built = get_built(at, wait=False)
    if built is None:
        found = _nearest_from_database(lat, lon, k, hours_lib.local(at).date(), select, max_m)
        if found is not None:
            return found
        built = get_built(at)
    return built.index.nearest(lat, lon, k, select(built.index), max_m=max_m)


def _nearest_from_database(lat, lon, k, today, select, max_m):
    for half in NEARBY_HALF_SIDES_DEG:
        edge = abs(lat) + half
        if edge >= 89:
            break
        # Wide enough in longitude at the box's edge nearest a pole: a station outside the box
        # is at least ``half`` degrees of arc away (a little less than that, for safety).
        half_lon = half / math.cos(math.radians(edge))
        if abs(lon) + half_lon > 180:
            break  # a box across the antimeridian: the whole index answers
        reach_m = math.radians(half) * EARTH_RADIUS_M * 0.999
        bound = reach_m if max_m is None else min(reach_m, max_m)
        # The positions in the box (read off an index), nearest first within the bound; the rest
        # of a station is read only when it is among the nearest few that may answer.
        with connection.cursor() as cursor:
            cursor.execute(_reads().box, [lat - half, lat + half, lon - half_lon, lon + half_lon])
            ids, lats, lons = np.array(cursor.fetchall(), dtype=float).reshape(-1, 3).T
        metres = haversine_many(lat, lon, lats, lons)
        inside = metres <= bound
        candidates = ids[inside][np.argsort(metres[inside], kind="stable")].astype(np.int64)
        if len(candidates) < k and bound == reach_m:
            continue  # too few in this box, whatever they hold: a wider one
        found: list = []
        read = min(len(candidates), max(4 * k, 16))
        while read:
            around = StationIndex(load_points(today, candidates[:read].tolist()))
            found = around.nearest(lat, lon, k, select(around), max_m=bound)
            if len(found) >= k:
                return found  # every station not read is farther than every one read
            if read == len(candidates):
                break
            read = min(len(candidates), read * 4)
        if bound < reach_m:
            return found  # all within the radius asked for were read
    return None


def warm() -> threading.Thread:
    """Build the first index at worker start, off the request path."""
    return rebuild_in_background()


def forget() -> None:
    """Drop this process's index (tests that need a cold start)."""
    global _facilities_read
    _holder.current = None
    _facilities_read = ("", ())
