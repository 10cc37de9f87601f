"""Stations: nearest-station index vs a brute-force scan, and the service-circle computation.

Pure in-memory (the same functions the API and the coverage page call); no database needed.
Prints:
- nearest (k=5) p50/p99 over 10^5 stations: the k-d tree index, the same with an open-now +
  facility filter (over-fetch and widening), and a vectorised numpy haversine scan, in one run;
- service circle for 10^6 members and 10^5 stations: coverage, H3 heat map of the uncovered,
  greedy top-5 suggested sites, each timed, plus the total.
With --api: also the real endpoint, GET /api/stations/nearest through Django (URL routing, the
index staleness query, fetching and serialising k stations), on 10^5 stations in a throw-away
SQLite file (bulk-inserted: the services would take minutes and are not what is measured).
Run: DEBUG=1 .venv/bin/python bench/stations.py [--api]
"""

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
API = "--api" in sys.argv
if API:
    SCRATCH = Path(tempfile.mkdtemp()) / "bench_stations.sqlite3"
    os.environ["SQLITE_PATH"] = str(SCRATCH)
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from gonghui.stations import coverage  # noqa: E402
from gonghui.stations import hours as hours_lib  # noqa: E402
from gonghui.stations.geo import haversine_many  # noqa: E402
from gonghui.stations.index import StationIndex, StationPoint  # noqa: E402

STATIONS = 100_000
MEMBERS = 1_000_000
QUERIES = 2_000
BRUTE_QUERIES = 300
K = 5
rng = np.random.default_rng(7)

# Population is clustered: 3,000 towns inside China's populated box, stations and members
# scattered around them (a uniform spread would make every query trivially far from everything).
towns = np.column_stack((rng.uniform(22, 42, 3000), rng.uniform(100, 122, 3000)))


def around_towns(n, spread):
    which = rng.integers(0, len(towns), n)
    return towns[which] + rng.normal(0, spread, size=(n, 2))


def pct(samples, q):
    return float(np.percentile(np.asarray(samples) * 1000, q))


def bench_nearest():
    points_ll = around_towns(STATIONS, 0.05)
    day = [hours_lib.Interval(d, dt.time(7), dt.time(21)) for d in range(1, 8)]
    always = [hours_lib.Interval(d, dt.time(0), dt.time(0)) for d in range(1, 8)]
    facilities = [frozenset({"water", "rest"}), frozenset({"rest"}), frozenset({"water"})]
    points = [
        StationPoint(
            id=i,
            latitude=float(lat),
            longitude=float(lon),
            facilities=facilities[i % 3],
            weekly=tuple(always if i % 4 == 0 else day),
        )
        for i, (lat, lon) in enumerate(points_ll)
    ]
    started = time.perf_counter()
    index = StationIndex(points)
    build = time.perf_counter() - started
    queries = around_towns(QUERIES, 0.05)
    at = dt.datetime(2026, 7, 15, 22, 30, tzinfo=hours_lib.SHANGHAI)  # night: only 1 in 4 open

    plain, filtered, near = [], [], []
    for lat, lon in queries:
        t = time.perf_counter()
        index.nearest(lat, lon, K)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        # As the API does it: build the mask (facility array & open-now per distinct week).
        index.nearest(lat, lon, K, index.mask(at=at, open_now=True, facilities=["water"]))
        filtered.append(time.perf_counter() - t)
        t = time.perf_counter()
        # "Near me" as the API answers it: open & water within 20 km, else the nearest within
        # 20 km whatever their state; either way each with its state (opens at 07:00).
        mask = index.mask(at=at, open_now=True, facilities=["water"])
        found = index.nearest(lat, lon, K, mask, max_m=20_000) or index.nearest(
            lat, lon, K, index.mask(facilities=["water"]), max_m=20_000
        )
        for p, _d in found:
            hours_lib.state_at(p.weekly, p.exceptions, at)
        near.append(time.perf_counter() - t)

    lats, lons = points_ll[:, 0], points_ll[:, 1]
    brute = []
    agree = 0
    for lat, lon in queries[:BRUTE_QUERIES]:
        t = time.perf_counter()
        distances = haversine_many(lat, lon, lats, lons)
        nearest = np.argpartition(distances, K)[:K]
        nearest = nearest[np.argsort(distances[nearest])]
        brute.append(time.perf_counter() - t)
        got = [p.id for p, _d in index.nearest(lat, lon, K)]
        agree += np.allclose(distances[got], distances[nearest])
    print(f"nearest, {STATIONS:,} stations, k={K} (index build {build * 1000:.0f} ms)")
    print(
        f"  k-d tree index            p50 {pct(plain, 50):7.3f} ms   p99 {pct(plain, 99):7.3f} ms"
    )
    print(
        f"  index + open-now & water  p50 {pct(filtered, 50):7.3f} ms   "
        f"p99 {pct(filtered, 99):7.3f} ms"
    )
    print(f"  near me: 20 km + states   p50 {pct(near, 50):7.3f} ms   p99 {pct(near, 99):7.3f} ms")
    print(
        f"  brute-force haversine     p50 {pct(brute, 50):7.3f} ms   p99 {pct(brute, 99):7.3f} ms"
    )
    print(f"  speed-up at p50: {pct(brute, 50) / pct(plain, 50):,.0f}x")
    print(f"  same answers as brute force: {agree}/{BRUTE_QUERIES}")


def bench_service_circle():
    stations = around_towns(STATIONS, 0.05)
    members = around_towns(MEMBERS, 0.08)
    speed = coverage.DEFAULT_SPEEDS_KMH["walk"]
    radius = coverage.reach_m(15, speed, coverage.DEFAULT_DETOUR_FACTOR)
    t0 = time.perf_counter()
    covered = coverage.covered_mask(members, stations, radius)
    t1 = time.perf_counter()
    uncovered = members[~covered]
    cells = coverage.heat_cells(uncovered)
    t2 = time.perf_counter()
    sites = coverage.suggest_sites(uncovered, radius, 5)
    t3 = time.perf_counter()
    print(
        f"service circle, {MEMBERS:,} members, {STATIONS:,} stations, 15 min walk ({radius:.0f} m)"
    )
    print(f"  coverage {covered.mean():.1%}: {t1 - t0:.2f} s")
    print(f"  heat map, {len(cells):,} H3 cells of {len(uncovered):,} uncovered: {t2 - t1:.2f} s")
    print(f"  top-5 sites, gains {[s.gain for s in sites]}: {t3 - t2:.2f} s")
    print(f"  total {t3 - t0:.2f} s")


def bench_api():
    from django.core.management import call_command
    from django.test import Client

    from gonghui.core.scoping import SYSTEM
    from gonghui.organizations.services import org_create
    from gonghui.stations.models import Facility, OpeningHours, Station

    call_command("migrate", verbosity=0)
    operator = org_create(
        actor=SYSTEM, parent=None, name="基准测试总工会", level="national",
        org_type="federation", region_code="100000",
    )  # fmt: skip
    coords = around_towns(STATIONS, 0.05)
    started = time.perf_counter()
    Station.objects.bulk_create(
        (
            Station(
                name=f"站{i}", station_type="outdoor_station", operator=operator, address="-",
                latitude=float(lat), longitude=float(lon), h3_cell="-", checkin_token=f"t{i}",
            )
            for i, (lat, lon) in enumerate(coords)
        ),
        batch_size=5000,
    )  # fmt: skip
    ids = list(Station.objects.values_list("pk", flat=True))
    water = Facility.objects.get(code="water")
    Station.facilities.through.objects.bulk_create(
        (Station.facilities.through(station_id=pk, facility_id=water.pk) for pk in ids[::2]),
        batch_size=5000,
    )
    OpeningHours.objects.bulk_create(
        (
            OpeningHours(station_id=pk, weekday=d, opens=dt.time(7), closes=dt.time(21))
            for pk in ids
            for d in range(1, 8)
        ),
        batch_size=10000,
    )
    print(f"api: {STATIONS:,} stations inserted in {time.perf_counter() - started:.1f} s")
    client = Client()
    queries = around_towns(QUERIES // 4, 0.05)
    started = time.perf_counter()
    client.get("/api/stations/nearest", {"lat": 30, "lon": 110})
    first = time.perf_counter() - started
    print(f"  first request (builds the index from the database): {first:.2f} s")
    for label, extra in [
        ("k=5", {}),
        ("k=5 open_now & water", {"open_now": "true", "facility": "water"}),
    ]:
        samples = []
        for lat, lon in queries:
            t = time.perf_counter()
            response = client.get(
                "/api/stations/nearest", {"lat": lat, "lon": lon, "k": K, **extra}
            )
            samples.append(time.perf_counter() - t)
            assert response.status_code == 200
        p50, p99 = pct(samples, 50), pct(samples, 99)
        print(f"  GET /api/stations/nearest {label:<22} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
    SCRATCH.unlink(missing_ok=True)


if __name__ == "__main__":
    bench_nearest()
    bench_service_circle()
    if API:
        bench_api()
