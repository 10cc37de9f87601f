"""Stations: nearest-station index vs a brute-force scan, and the service-circle computation.

Pure in-memory (the same functions the API and the coverage page call); no database needed.
Prints:
- nearest (k=5) p50/p99 over 10^5 stations: the k-d tree index, the same with an open-now +
  facility filter (over-fetch and widening), and a vectorised numpy haversine scan, in one run;
- service circle for 10^6 members and 10^5 stations: coverage, H3 heat map of the uncovered,
  greedy top-5 suggested sites, each timed, plus the total.
Then over HTTP, as a phone would meet it: 10^5 stations bulk-inserted into a throw-away
database (PostgreSQL <name>_stations_bench when DATABASE_URL is set, else a SQLite file), served
by granian (1 worker, DEBUG off, collected static files). Prints a fresh worker's first
"nearest", nearest p50/p99, the first request after each of 20 station changes (the index is
rebuilt in the background; goal < 20 ms) and how soon the change is visible, and the bytes a
phone transfers for the first view of /map and for a pan. Last line: key=value figures.
Run: [DATABASE_URL=postgres://...] .venv/bin/python bench/stations.py (BENCH_KEEP_DB=1 keeps the
PostgreSQL database for a closer look; BENCH_PARTS=http skips the in-memory part)
"""

import datetime as dt
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
os.environ.setdefault("DEBUG", "1")  # this process only; the server runs with DEBUG off
if os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_stations_bench"
else:
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench_stations.sqlite3")

import django

django.setup()

import numpy as np  # noqa: E402

from gonghui.core.geometry import haversine_many  # noqa: E402
from gonghui.stations import coverage  # noqa: E402
from gonghui.stations import hours as hours_lib  # noqa: E402
from gonghui.stations.index import StationIndex, StationPoint  # noqa: E402

STATIONS = int(os.environ.get("BENCH_STATIONS", "100000"))
MEMBERS = 1_000_000
QUERIES = 2_000
CHANGES = 20
FRESH = 300  # a fresh worker's first requests, timed from the moment it answers
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


def bench_http():
    """The real thing over HTTP: granian (1 worker, DEBUG off, collected static files), 10^5
    stations in the database, the index built at worker start in the background."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gonghui.core.scoping import SYSTEM
    from gonghui.organizations.services import org_create
    from gonghui.stations.index import bump_version
    from gonghui.stations.models import Facility, OpeningHours, Station
    from gonghui.stations.services import station_update

    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
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
                name=f"站{i}", station_type="outdoor_station", operator=operator,
                address=f"某市某区某路{i}号", latitude=float(lat), longitude=float(lon),
                h3_cell="-", checkin_token=f"t{i}",
            )
            for i, (lat, lon) in enumerate(coords)
        ),
        batch_size=5000,
    )  # fmt: skip
    ids = list(Station.objects.order_by("pk").values_list("pk", flat=True))
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
    # A province's stations were saved long ago; a rebuild reloads only those saved lately.
    Station.objects.update(updated_at=timezone.now() - dt.timedelta(days=30))
    bump_version()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"http: {connection.vendor}, {STATIONS:,} stations inserted in "
        f"{time.perf_counter() - started:.1f} s; granian 1 worker, DEBUG off"
    )
    with Granian() as server:
        http_figures = measure_server(server, coords, ids, station_update, Station, SYSTEM)
    if connection.vendor == "postgresql" and not os.environ.get("BENCH_KEEP_DB"):
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return http_figures


def production_env(**extra) -> dict:
    import secrets

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "MEMBER_SMS_BACKEND": "gonghui.joining.sms.SmsBackend",
            "CASES_NOTIFY_BACKEND": "gonghui.cases.notify.NotifyBackend",
            "TASKS_BACKEND": "database",
            "MEMBER_ID_KEYS": f"k1:{secrets.token_urlsafe(48)}",
            "MEMBER_ID_HASH_KEY": secrets.token_urlsafe(48),
            "MEMBER_CARD_KEYS": f"c1:{secrets.token_urlsafe(48)}",
            "LOG_LEVEL": "ERROR",
            **extra,
        }
    )
    return env


class Granian:
    """granian serving gonghui.wsgi as `make serve` does (one worker), on the bench database."""

    def __enter__(self):
        import socket
        import subprocess

        root = Path(__file__).resolve().parent.parent
        static = Path(tempfile.mkdtemp()) / "static"
        env = production_env(STATIC_ROOT=str(static))
        subprocess.run(
            [str(root / ".venv/bin/python"), str(root / "manage.py"), "collectstatic",
             "--no-input", "-v0"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(root / ".venv/bin/granian"), "--interface", "wsgi", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1", "--working-dir", str(root / "src"),
             "gonghui.wsgi:application"],
            env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip
        self.started = time.perf_counter()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"granian exited: {self.log.read()[-2000:].decode()}")
            try:
                if self.get("/api/health")[0] == 200:
                    self.up = time.perf_counter()
                    return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("granian did not answer /api/health within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(20)

    def connection(self):
        import http.client

        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def get(self, path, conn=None, headers=None):
        """(status, raw body bytes as transferred, headers)."""
        own = conn is None
        conn = conn or self.connection()
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            if own:
                conn.close()


def timed_get(server, conn, path):
    t = time.perf_counter()
    status, body, _h = server.get(path, conn)
    elapsed = time.perf_counter() - t
    assert status == 200, (status, body[:300])
    return elapsed, body


def nearest_path(lat, lon, k=K, **extra):
    from urllib.parse import urlencode

    return "/api/stations/nearest?" + urlencode({"lat": lat, "lon": lon, "k": k, **extra})


def measure_server(server, coords, ids, station_update, Station, SYSTEM):
    import json

    conn = server.connection()
    # A fresh worker: its first "nearest" and the ones after it, while its first index is being
    # built (they answer from the stations around the point, read from the database).
    queries = around_towns(QUERIES // 4, 0.05)
    fresh = [timed_get(server, conn, nearest_path(a, b))[0] for a, b in queries[:FRESH]]
    print(
        f"  fresh worker ({(server.up - server.started):.1f} s after launch): first GET "
        f"/api/stations/nearest {fresh[0] * 1000:.1f} ms; the first {FRESH} p50 "
        f"{pct(fresh, 50):.2f} ms, p99 {pct(fresh, 99):.2f} ms, max {max(fresh) * 1000:.1f} ms "
        f"(over {sum(fresh):.1f} s)"
    )
    # The figures below are those of a worker with its index: a map request waits for the first
    # build (which gave way to the requests above), so they start once it is in.
    from urllib.parse import urlencode

    waited = time.perf_counter()
    box = ",".join(f"{v:.5f}" for v in viewport(34, 110, 4))
    assert server.get("/api/stations/map?" + urlencode({"bbox": box, "zoom": 4}), conn)[0] == 200
    print(
        f"  its first index was in {time.perf_counter() - server.started:.1f} s after launch "
        f"(waited {time.perf_counter() - waited:.1f} s for it after those requests)"
    )
    for label, extra in [("k=5", {}), ("k=5 open_now & water", {"open_now": "true",
                                                              "facility": "water"})]:  # fmt: skip
        samples = [timed_get(server, conn, nearest_path(a, b, **extra))[0] for a, b in queries]
        print(
            f"  GET /api/stations/nearest {label:<22} p50 {pct(samples, 50):6.2f} ms   "
            f"p99 {pct(samples, 99):6.2f} ms"
        )
    # A change, then at once a request: it must not wait for the rebuild.
    firsts, during, visible = [], [], []
    rng_local = np.random.default_rng(3)
    for n in range(CHANGES):
        i = int(rng_local.integers(len(ids)))
        station = Station.objects.select_related("operator").get(pk=ids[i])
        new_name = f"改名{n}-{i}"
        station_update(actor=SYSTEM, station=station, name=new_name)
        changed = time.perf_counter()
        lat, lon = station.latitude, station.longitude
        elapsed, body = timed_get(server, conn, nearest_path(lat, lon, k=1))
        firsts.append(elapsed)
        deadline = changed + 120
        while time.perf_counter() < deadline:
            elapsed, body = timed_get(server, conn, nearest_path(lat, lon, k=1))
            if json.loads(body)["stations"][0]["name"] == new_name:
                visible.append(time.perf_counter() - changed)
                break
            during.append(elapsed)
            time.sleep(0.005)
        else:
            server.log.seek(0)
            raise SystemExit(f"change {n} not visible after 120 s: {server.log.read()[-3000:]}")
    print(
        f"  after a station change ({CHANGES} changes): first request p50 "
        f"{pct(firsts, 50):.2f} ms, p99 {pct(firsts, 99):.2f} ms, max {max(firsts) * 1000:.2f} ms"
    )
    print(
        f"  requests while the index rebuilt in the background: {len(during)}, p50 "
        f"{pct(during, 50) if during else 0:.2f} ms, p99 {pct(during, 99) if during else 0:.2f} "
        f"ms; change visible after {np.median(visible):.2f} s (median)"
    )
    conn.close()
    return {
        "fresh_first_nearest_ms": fresh[0] * 1000,
        "fresh_nearest_p99_ms": pct(fresh, 99),
        "first_after_change_p99_ms": pct(firsts, 99),
        **measure_map(server),
    }


def viewport(lat, lon, zoom, width=375, height=373):
    """The bbox Leaflet shows for a centre and zoom (Web Mercator), padded 10% as the map JS
    pads it, for a phone (375 px wide, the map 46% of an 812 px screen)."""
    import math

    def to_xy(a, b):
        scale = 256 * 2**zoom
        x = (b + 180) / 360 * scale
        r = math.radians(a)
        y = (1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * scale
        return x, y

    def to_ll(x, y):
        scale = 256 * 2**zoom
        b = x / scale * 360 - 180
        a = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
        return a, b

    x, y = to_xy(lat, lon)
    w, h = width * 1.2, height * 1.2
    north, west = to_ll(x - w / 2, y - h / 2)
    south, east = to_ll(x + w / 2, y + h / 2)
    return (max(south, -90), max(west, -180), min(north, 90), min(east, 180))


def fit_zoom(extent, width=375, height=373, padding=20):
    import math

    south, west, north, east = extent
    for zoom in range(15, 0, -1):
        scale = 256 * 2**zoom
        dx = (east - west) / 360 * scale

        def merc(a):
            r = math.radians(a)
            return math.log(math.tan(r) + 1 / math.cos(r))

        dy = (merc(north) - merc(south)) / (2 * math.pi) * scale
        if dx <= width - 2 * padding and dy <= height - 2 * padding:
            return zoom
    return 1


def measure_map(server):
    """What a phone downloads for the first view of /map: the page, its CSS and JS (as
    WhiteNoise serves them, pre-compressed), the place labels, and the two map requests the JS
    makes (the default view, then the view fitted to the stations' extent)."""
    import json
    import re
    from urllib.parse import urlencode

    accept = {"Accept-Encoding": "gzip, deflate, br"}
    parts = []
    t = time.perf_counter()
    status, page, headers = server.get("/map", headers=accept)
    parts.append(("/map", len(page), headers.get("content-encoding", "-"), time.perf_counter() - t))
    assert status == 200
    # The page itself, warm: drawn from the in-memory index, bounded to its list length.
    renders = []
    for _n in range(5):
        t = time.perf_counter()
        server.get("/map", headers=accept)
        renders.append((time.perf_counter() - t) * 1000)
    map_html_ms = sorted(renders)[len(renders) // 2]
    html = gzip.decompress(page).decode() if headers.get("content-encoding") == "gzip" else ""
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    for asset in assets:
        t = time.perf_counter()
        _s, body, h = server.get(asset, headers=accept)
        parts.append((asset, len(body), h.get("content-encoding", "-"), time.perf_counter() - t))
    t = time.perf_counter()
    _s, body, h = server.get("/api/stations/map/places", headers=accept)
    parts.append(("places", len(body), h.get("content-encoding", "-"), time.perf_counter() - t))
    box = viewport(34, 110, 4)
    path = "/api/stations/map?" + urlencode({"bbox": ",".join(f"{v:.5f}" for v in box),
                                             "zoom": 4})  # fmt: skip
    t = time.perf_counter()
    _s, body, h = server.get(path, headers=accept)
    parts.append(("map zoom 4", len(body), h.get("content-encoding", "-"), time.perf_counter() - t))
    extent = json.loads(gzip.decompress(body))["extent"]
    zoom = fit_zoom(extent)
    box = viewport((extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2, zoom)
    path = "/api/stations/map?" + urlencode({"bbox": ",".join(f"{v:.5f}" for v in box),
                                             "zoom": zoom})  # fmt: skip
    t = time.perf_counter()
    _s, body, h = server.get(path, headers=accept)
    fitted = json.loads(gzip.decompress(body))
    parts.append(
        (f"map zoom {zoom} (fitted)", len(body), h.get("content-encoding", "-"),
         time.perf_counter() - t)
    )  # fmt: skip
    # A pan at street level: only what is visible.
    centre = around_towns(1, 0.0)[0]
    box = viewport(float(centre[0]), float(centre[1]), 14)
    path = "/api/stations/map?" + urlencode({"bbox": ",".join(f"{v:.5f}" for v in box),
                                             "zoom": 14})  # fmt: skip
    t = time.perf_counter()
    _s, pan, h = server.get(path, headers=accept)
    pan_ms = (time.perf_counter() - t) * 1000
    pan_body = json.loads(gzip.decompress(pan))
    total = sum(size for _p, size, _e, _t in parts)
    print(f"  /map first view, {STATIONS:,} stations (phone, no tiles); page warm p50 "
          f"{map_html_ms:.0f} ms:")  # fmt: skip
    for name, size, encoding, seconds in parts:
        print(f"    {name:<48} {size / 1024:8.1f} KB  {encoding:<5} {seconds * 1000:7.1f} ms")
    print(
        f"    total {total / 1024:.1f} KB transferred; the fitted view holds "
        f"{fitted['total']:,} stations in {len(fitted['clusters'])} clusters"
    )
    print(
        f"  a pan at zoom 14: {len(pan) / 1024:.1f} KB, {pan_body['total']} stations in view, "
        f"{pan_ms:.1f} ms"
    )
    return {"map_first_view_kb": total / 1024, "map_pan_kb": len(pan) / 1024,
            "map_html_ms": map_html_ms}  # fmt: skip


if __name__ == "__main__":
    if "memory" in os.environ.get("BENCH_PARTS", "memory,http"):
        bench_nearest()
        bench_service_circle()
    figures = bench_http()
    print(
        f"nearest_first_after_change_ms={figures['first_after_change_p99_ms']:.1f} "
        f"fresh_first_nearest_ms={figures['fresh_first_nearest_ms']:.1f} "
        f"fresh_nearest_p99_ms={figures['fresh_nearest_p99_ms']:.1f} "
        f"map_first_view_kb={figures['map_first_view_kb']:.0f} "
        f"map_pan_kb={figures['map_pan_kb']:.1f} map_html_ms={figures['map_html_ms']:.0f} "
        f"stations={STATIONS}"
    )
