"""Members: one-click join throughput against a live server, and bulk import speed.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/gonghui_members): a
database named <name>_bench is created, migrated and dropped. Prints:
- join: requests/s and p50/p99 latency of POST /api/members/join (code check, ID validation,
  AES-GCM + HMAC, insert, history and audit rows) next to GET /api/health (a bare Django JSON
  endpoint) measured in the same run, same server (granian WSGI, 1 worker), same concurrency;
- import: rows/s of enrolling 100,000 spreadsheet rows (calamine read + validation + encryption +
  bulk insert of members, history and audit rows) next to PostgreSQL COPY of the same rows.
Run: DEBUG=1 .venv/bin/python bench/members.py
"""

import datetime
import http.client
import io
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

BASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui_members")
if not BASE_URL.startswith("postgres"):
    sys.exit("bench/members.py needs PostgreSQL: set DATABASE_URL=postgres://...")
parsed = urlparse(BASE_URL)
BENCH_DB = parsed.path.lstrip("/") + "_bench"
BENCH_URL = parsed._replace(path="/" + BENCH_DB).geturl()
SECRET = "bench-only-secret-" + "b" * 60
os.environ.update(
    DATABASE_URL=BENCH_URL, SECRET_KEY=SECRET, DJANGO_SETTINGS_MODULE="gonghui.settings"
)
os.environ.setdefault("DEBUG", "1")

CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
JOINS = int(os.environ.get("BENCH_JOINS", "2000"))
HEALTH = int(os.environ.get("BENCH_HEALTH", "4000"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))


def admin_connection():
    import psycopg

    admin = parsed._replace(path="/postgres").geturl()
    return psycopg.connect(admin, autocommit=True)


def recreate_database():
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database():
    from django.db import connections

    connections.close_all()
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    # DEBUG=1 only so that static files need no collectstatic; the API path is the same.
    env = dict(os.environ, DEBUG="1", ALLOWED_HOSTS="127.0.0.1", PYTHONPATH=str(ROOT / "src"),
               LOG_LEVEL="ERROR")  # fmt: skip
    log = open(ROOT / "var" / "bench_members_server.log", "wb")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--workers", "1",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
         "gonghui.wsgi:application"],
        env=env, cwd=ROOT, stdout=log, stderr=log,
    )  # fmt: skip
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("server did not start: see var/bench_members_server.log")


def load(port: int, requests: list[tuple[str, str, bytes | None]], expect: set[int]):
    """Send the requests over CONCURRENCY keep-alive connections; return (req/s, latencies)."""
    chunks = [requests[i::CONCURRENCY] for i in range(CONCURRENCY)]
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def run(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        for method, path, body in chunk:
            started = time.perf_counter()
            headers = {"Content-Type": "application/json"} if body else {}
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status not in expect:
                bad.append(response.status)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        print(f"  !! {len(failures)} unexpected statuses, e.g. {failures[:5]}")
    return len(requests) / elapsed, latencies


def report(label, rate, latencies):
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    print(f"  {label:<28} {rate:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")


def main():
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gonghui.core.testing.personas import build_personas
    from gonghui.members import crypto, importing
    from gonghui.members.ids import synthetic_id_card
    from gonghui.members.models import ImportJob, Member, PhoneCode

    try:
        call_command("migrate", verbosity=0)
        personas = build_personas()
        union = personas.xinwuling

        # ---- join vs bare endpoint ----
        code = "246810"
        people = []
        for i in range(JOINS):
            birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=i // 900)
            people.append((synthetic_id_card("430181", birth, i % 900), f"136{i:08d}"))
        expires = timezone.now() + datetime.timedelta(minutes=30)
        PhoneCode.objects.bulk_create(
            [PhoneCode(phone=phone, purpose="join", code_hash=crypto.code_hash(phone, "join", code),
                       expires_at=expires) for _id, phone in people],
            batch_size=2000,
        )  # fmt: skip
        connection.close()
        port = free_port()
        server = start_server(port)
        try:
            print(f"join vs bare endpoint: granian WSGI 1 worker, {CONCURRENCY} connections, "
                  f"PostgreSQL")  # fmt: skip
            load(port, [("GET", "/api/health", None)] * 300, {200})  # warm-up
            health_rate, health_lat = load(port, [("GET", "/api/health", None)] * HEALTH, {200})
            joins = [
                ("POST", "/api/members/join", json.dumps({
                    "name": f"压测{i}", "id_card": number, "phone": phone, "code": code,
                    "occupation_group": "courier", "work_place": "新屋岭", "union_id": union.pk,
                }).encode())
                for i, (number, phone) in enumerate(people)
            ]  # fmt: skip
            join_rate, join_lat = load(port, joins, {201})
            repeat_rate, repeat_lat = load(port, joins[: JOINS // 2], {200})
        finally:
            server.terminate()
            server.wait(10)
        report(f"GET /api/health ({HEALTH})", health_rate, health_lat)
        report(f"POST /api/members/join ({JOINS})", join_rate, join_lat)
        report(f"same joins again ({JOINS // 2})", repeat_rate, repeat_lat)
        print(f"  members after the run: {Member.objects.count()} (expected {JOINS})")

        # ---- import vs COPY ----
        from openpyxl import Workbook

        rows = []
        for i in range(IMPORT_ROWS):
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 900)
            rows.append([f"导入{i}", synthetic_id_card("411103", birth, i % 900), f"135{i:08d}",
                         "货车司机", "港航物流园", "郾城区", "2024-03-01"])  # fmt: skip
        book = Workbook(write_only=True)
        sheet = book.create_sheet("会员")
        sheet.append([header for _n, header, *_rest in importing.COLUMNS])
        for row in rows:
            sheet.append(row)
        media = Path(os.environ.get("MEDIA_ROOT", ROOT / "var" / "media"))
        media.mkdir(parents=True, exist_ok=True)
        path = media / f"bench-import-{secrets.token_hex(4)}.xlsx"
        book.save(path)
        job = ImportJob.objects.create(
            union=personas.yancheng_project, original_name=path.name, file=str(path),
            total_rows=IMPORT_ROWS,
        )  # fmt: skip
        started = time.perf_counter()
        read = importing.read_rows(path.read_bytes())
        read_s = time.perf_counter() - started
        importing.import_rows(job, read)
        import_s = time.perf_counter() - started
        job.refresh_from_db()
        assert job.created_count == IMPORT_ROWS, (job.created_count, job.error_count)

        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(row) + "\n")
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_copy (name text, id_card text, phone text, grp text, "
                "employer text, place text, joined date)"
            )
            started = time.perf_counter()
            with cursor.copy("COPY bench_copy FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            copy_s = time.perf_counter() - started
            cursor.execute("SELECT count(*) FROM bench_copy")
            copied = cursor.fetchone()[0]
        print(f"import of {IMPORT_ROWS:,} rows (xlsx):")
        print(f"  enrol (read {read_s:.1f}s + validate, encrypt, insert members+history+audit)"
              f"  {IMPORT_ROWS / import_s:9.0f} rows/s  ({import_s:.1f} s)")  # fmt: skip
        print(f"  PostgreSQL COPY of the same raw rows into a bare table"
              f"             {copied / copy_s:9.0f} rows/s  ({copy_s:.2f} s)")  # fmt: skip
        path.unlink(missing_ok=True)
        if job.error_report:
            job.error_report.delete(save=False)
    finally:
        drop_database()


if __name__ == "__main__":
    main()
