"""Members at provincial scale: one-click join throughput and bulk import speed, each next to a
fair baseline measured in the same run.

Needs PostgreSQL. The database (default postgres://postgres@127.0.0.1:5432/gonghui_membench) is
kept between runs: created, migrated and filled with BENCH_MEMBERS (10^6) members the first time
(a few minutes), only migrated afterwards. Prints:
- join: requests/s and p50/p99 of POST /api/members/join (code spent, ID validated, AES-GCM +
  HMAC, member + history + audit rows, one transaction) next to POST /bench/commit, a bare
  Django endpoint that inserts and commits one row (routed only with BENCH_ENDPOINTS=1): same
  granian server (WSGI, 1 worker, DEBUG off, production settings), same connections;
- import: rows/s of enrolling BENCH_IMPORT_ROWS (10^5) xlsx rows (read, validate, encrypt,
  members + history + audit rows) next to PostgreSQL COPY of the same finished rows into the same
  indexed tables (members, history, audit), timed inside a transaction that is rolled back.
The last line is key=value figures for scripts. The rows a run adds are deleted at its end.
BENCH_IMPORT_ROWS=0 measures the join alone.
Run: DATABASE_URL=postgres://... .venv/bin/python bench/members.py
"""

import datetime
import http.client
import io
import json
import os
import random
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gonghui_membench"
BASE_URL = os.environ.get("DATABASE_URL", DEFAULT_URL)
if not BASE_URL.startswith("postgres"):
    sys.exit("bench/members.py needs PostgreSQL: set DATABASE_URL=postgres://...")
parsed = urlparse(BASE_URL)
BENCH_DB = parsed.path.lstrip("/")
if not BENCH_DB.endswith("membench"):
    # `make bench` passes the suite's DATABASE_URL: this bench keeps its own filled database.
    BENCH_DB = BENCH_DB + "_membench"
BENCH_URL = parsed._replace(path="/" + BENCH_DB).geturl()

# Bench-only keys, fixed so the kept database's hashes stay valid from run to run.
PRODUCTION_ENV = {
    "DATABASE_URL": BENCH_URL,
    "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    "SECRET_KEY": "bench-only-secret-" + "b" * 60,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_COOKIES": "0",
    "MEMBER_SMS_BACKEND": "gonghui.joining.sms.SmsBackend",
    "CASES_NOTIFY_BACKEND": "gonghui.cases.notify.NotifyBackend",
    "TASKS_BACKEND": "database",
    "MEMBER_ID_KEYS": "k1:bench-only-id-key-" + "i" * 40,
    "MEMBER_ID_HASH_KEY": "bench-only-hash-key-" + "h" * 40,
    "MEMBER_CARD_KEYS": "c1:bench-only-card-key-" + "c" * 40,
    "LOG_LEVEL": "ERROR",
    # Production serves collected, hashed static files (make serve runs collectstatic).
    "STATIC_ROOT": str(ROOT / "var" / "bench_static"),
}
os.environ.pop("DEBUG", None)
os.environ.update(PRODUCTION_ENV)

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "1000000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
JOINS = int(os.environ.get("BENCH_JOINS", "3000"))
ROUNDS = 3
WARM_UP = 300
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
JOIN_PREFIX = "压测"
IMPORT_PREFIX = "导入压测"


def admin_connection():
    import psycopg

    return psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True)


def ensure_database():
    with admin_connection() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def fill_members(personas):
    """Bring the table to MEMBERS rows with set-based SQL (filler identities: random hashes,
    no decryptable ID numbers), spread over the personas' unions."""
    from django.db import connection

    from gonghui.members import rows
    from gonghui.members.models import Member

    have = Member.objects.count()
    if have >= MEMBERS:
        return
    print(f"filling {MEMBERS - have:,} members (once; the database is kept) ...", flush=True)
    unions = [personas.xinwuling.pk, personas.yancheng_project.pk, personas.yancheng.pk]
    overrides = {
        "created_at": "now()",
        "updated_at": "now()",
        "union_id": f"(ARRAY{unions})[1 + i %% {len(unions)}]",
        "name": "'会员' || i",
        "id_card_encrypted": "'filler'",
        "id_card_hash": "md5('h1' || i) || md5('h2' || i)",
        "id_card_masked": "'4301**********' || lpad((i %% 10000)::text, 4, '0')",
        "id_last4": "lpad((i %% 10000)::text, 4, '0')",
        "phone": "'139' || lpad(i::text, 8, '0')",
        "phone_last4": "lpad((i %% 10000)::text, 4, '0')",
        "gender": "CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END",
        "birth_date": "date '1970-01-01' + (i %% 12000)",
        "employer_name": "'企业' || (i %% 5000)",
        "occupation_group": "'courier'",
        "member_number": f"'430181' || {rows.number_sql()}",
        "joined_on": "current_date - (i %% 3000)",
        "status": "'active'",
        "channel": "'import'",
        "search_text": "'会员' || i || ' 企业' || (i %% 5000)",
    }
    columns, values, params = [], [], []
    for field in Member._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in overrides:
            values.append(overrides[field.column])
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    step = 200_000
    with connection.cursor() as cursor:
        for start in range(have + 1, MEMBERS + 1, step):
            stop = min(start + step - 1, MEMBERS)
            cursor.execute(
                f"INSERT INTO members_member ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM generate_series({start}, {stop}) AS i",
                params,
            )
            print(f"  {stop:,}", flush=True)
    connection.close()
    with admin_connection() as conn:
        conn.execute(f"ALTER DATABASE \"{BENCH_DB}\" SET work_mem = '16MB'")
    with __import__("psycopg").connect(BENCH_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE members_member")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v0"],
        env=os.environ, cwd=ROOT, check=True,
    )  # fmt: skip
    env = dict(os.environ, BENCH_ENDPOINTS="1", PYTHONPATH=str(ROOT / "src"),
               DB_POOL_MIN="2", DB_POOL_MAX="10")  # fmt: skip
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "bench_members_server.log", "wb")  # noqa: SIM115 (the server outlives this block)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--workers", "1",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
         "--working-dir", str(ROOT / "src"), "gonghui.wsgi:application"],
        env=env, cwd=ROOT, stdout=log, stderr=log,
    )  # fmt: skip
    for _ in range(600):  # a loaded machine takes a while to import Django
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


def cpu_by_side(server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the app server (granian and its worker) and by
    PostgreSQL (its backends; a backend that exits between two readings is not counted), read
    from /proc."""
    sides = {"server": 0.0, "postgresql": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat:
                head, rest = stat.read().rsplit(")", 1)
        except OSError:
            continue
        name, fields = head.split("(", 1)[1], rest.split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if name.startswith("postgres"):
            sides["postgresql"] += seconds
        elif pid == str(server_pid) or fields[1] == str(server_pid):
            sides["server"] += seconds
    return sides


def percentiles(latencies) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def report(label, rate, latencies):
    p50, p99 = percentiles(latencies)
    print(f"  {label:<34} {rate:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")


def delete_bench_rows(prefix: str):
    """The members a run added (by name prefix), their history and audit rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE gone AS SELECT id FROM members_member WHERE name LIKE %s",
            [prefix + "%"],
        )
        cursor.execute(
            "DELETE FROM core_auditlog WHERE content_type_id = "
            "(SELECT id FROM django_content_type WHERE app_label = 'members' AND model = 'member')"
            " AND object_id IN (SELECT id::text FROM gone)"
        )
        cursor.execute("DELETE FROM members_memberevent WHERE member_id IN (SELECT id FROM gone)")
        cursor.execute("DELETE FROM members_member WHERE id IN (SELECT id FROM gone)")
        cursor.execute("DROP TABLE gone")


def main():
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gonghui.core.testing.personas import build_personas
    from gonghui.members import crypto
    from gonghui.members.ids import synthetic_id_card
    from gonghui.members.models import ImportJob, Member, PhoneCode
    from gonghui.organizations.models import Organization
    from gonghui.rosters import importing

    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(name="新屋岭社区工会联合会").exists():
        personas = build_personas()
    else:
        from types import SimpleNamespace

        by_name = {o.name: o for o in Organization.objects.all()}
        personas = SimpleNamespace(
            xinwuling=by_name["新屋岭社区工会联合会"],
            yancheng_project=by_name["康养产业园智慧养老项目工会"],
            yancheng=by_name["郾城区总工会"],
        )
    fill_members(personas)
    delete_bench_rows(JOIN_PREFIX)
    delete_bench_rows(IMPORT_PREFIX)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_commit "
            "(id bigserial PRIMARY KEY, payload text, created_at timestamptz)"
        )
        cursor.execute("TRUNCATE bench_commit")
    members_before = Member.objects.count()

    # ---- join vs one-row commit ----
    code = "246810"
    offset = random.randrange(10**6)
    people = []
    for i in range(JOINS + WARM_UP):
        n = offset + i
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=(n // 900) % 12000)
        people.append((synthetic_id_card("430181", birth, n % 900), f"136{n % 10**8:08d}"))
    expires = timezone.now() + datetime.timedelta(minutes=30)
    PhoneCode.objects.filter(phone__startswith="136").delete()
    PhoneCode.objects.bulk_create(
        [PhoneCode(phone=phone, purpose="join", code_hash=crypto.code_hash(phone, "join", code),
                   expires_at=expires) for _id, phone in people],
        batch_size=2000,
    )  # fmt: skip
    connection.close()
    port = free_port()
    server = start_server(port)
    union_id = personas.xinwuling.pk
    try:
        print(f"join vs one-row commit: granian WSGI 1 worker, DEBUG off, {CONCURRENCY} "
              f"connections, PostgreSQL, {members_before:,} members")  # fmt: skip
        commit = [("POST", "/bench/commit", b'{"x": 1}')] * JOINS
        load(port, commit[:WARM_UP], {201})  # warm-up
        joins = [
            ("POST", "/api/members/join", json.dumps({
                "name": f"{JOIN_PREFIX}{i}", "id_card": number, "phone": phone, "code": code,
                "occupation_group": "courier", "work_place": "新屋岭", "union_id": union_id,
            }).encode())
            for i, (number, phone) in enumerate(people)
        ]  # fmt: skip
        warm_up, joins = joins[:WARM_UP], joins[WARM_UP:]
        load(port, warm_up, {201})  # each pooled connection prepares the join statement once
        # In alternating rounds, so a drift of the machine's speed (a shared host) during the
        # run weighs on both sides alike; each rate is its requests over its own time.
        commit_lat, join_lat, commit_s, join_s = [], [], 0.0, 0.0
        # Where each request's CPU goes: the app server's process or PostgreSQL's (the machine's
        # cores are shared by both and by this client).
        cpu = {kind: {"server": 0.0, "postgresql": 0.0} for kind in ("commit", "join")}
        for r in range(ROUNDS):
            for batch, latencies, kind in (
                (commit[r::ROUNDS], commit_lat, "commit"), (joins[r::ROUNDS], join_lat, "join")
            ):  # fmt: skip
                before = cpu_by_side(server.pid)
                rate, measured = load(port, batch, {201})
                after = cpu_by_side(server.pid)
                for side in before:
                    cpu[kind][side] += after[side] - before[side]
                latencies.extend(measured)
                if kind == "commit":
                    commit_s += len(batch) / rate
                else:
                    join_s += len(batch) / rate
        commit_rate, join_rate = JOINS / commit_s, JOINS / join_s
        repeat_rate, repeat_lat = load(port, joins[: JOINS // 2], {200})
    finally:
        server.terminate()
        server.wait(10)
    report(f"POST /bench/commit ({JOINS})", commit_rate, commit_lat)
    report(f"POST /api/members/join ({JOINS})", join_rate, join_lat)
    report(f"same joins again ({JOINS // 2})", repeat_rate, repeat_lat)
    for kind in ("commit", "join"):
        print(
            f"  CPU per {kind}: app server {cpu[kind]['server'] / JOINS * 1000:.2f} ms, "
            f"PostgreSQL {cpu[kind]['postgresql'] / JOINS * 1000:.2f} ms "
            f"({os.cpu_count()} cores, shared with this client)"
        )
    joined = Member.objects.filter(name__startswith=JOIN_PREFIX).count()
    print(f"  joined members: {joined} (expected {JOINS + WARM_UP}, {WARM_UP} in the warm-up)")
    _p50, join_p99 = percentiles(join_lat)
    join_figures = (
        f"join_vs_commit={join_rate / commit_rate:.2f} join_p99_ms={join_p99:.0f} "
        f"join_rps={join_rate:.0f} commit_rps={commit_rate:.0f}"
    )
    if not IMPORT_ROWS:  # BENCH_IMPORT_ROWS=0: the join alone, for quick turns on it
        delete_bench_rows(JOIN_PREFIX)
        print(f"{join_figures} members={members_before}")
        return

    # ---- import vs COPY into the same indexed tables ----
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员")
    sheet.append([header for _n, header, *_rest in importing.COLUMNS])
    for i in range(IMPORT_ROWS):
        n = offset + i
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n // 900) % 12000)
        number = synthetic_id_card("411103", birth, n % 900)
        phone = f"135{n % 10**8:08d}"
        sheet.append([f"{IMPORT_PREFIX}{i}", number, phone, "货车司机", "港航物流园", "郾城区",
                      "2024-03-01"])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    job = ImportJob.objects.create(
        union=personas.yancheng_project, original_name="bench.xlsx", total_rows=IMPORT_ROWS
    )
    started = time.perf_counter()
    table = importing.read_rows(content)
    read_s = time.perf_counter() - started
    importing.import_rows(job, table)
    import_s = time.perf_counter() - started
    job.refresh_from_db()
    print(f"import of {IMPORT_ROWS:,} xlsx rows into {Member.objects.count():,} members:")
    print(f"  created {job.created_count:,}, existing {job.existing_count:,}, "
          f"errors {job.error_count:,}")  # fmt: skip

    # The same finished rows, COPY'd into the same tables with every index in place.
    queries = {
        "members_member": "SELECT * FROM members_member WHERE name LIKE %s",
        "members_memberevent": "SELECT e.* FROM members_memberevent e JOIN members_member m "
        "ON m.id = e.member_id WHERE m.name LIKE %s",
        "core_auditlog": "SELECT a.* FROM core_auditlog a JOIN members_member m "
        "ON a.object_id = m.id::text WHERE m.name LIKE %s AND a.content_type_id = "
        "(SELECT id FROM django_content_type WHERE app_label = 'members' AND model = 'member')",
    }
    dumps = {}
    raw = connection.cursor().cursor  # psycopg cursor: COPY TO/FROM
    for name, query in queries.items():
        buffer = io.BytesIO()
        sql = raw.mogrify(query, [IMPORT_PREFIX + "%"])
        with raw.copy(f"COPY ({sql}) TO STDOUT") as copy:
            for chunk in copy:
                buffer.write(chunk)
        dumps[name] = buffer.getvalue()
    with connection.cursor() as cursor, __import__("django").db.transaction.atomic():
        delete_bench_rows(IMPORT_PREFIX)
        started = time.perf_counter()
        for name in queries:
            with cursor.copy(f"COPY {name} FROM STDIN") as copy:
                copy.write(dumps[name])
        copy_s = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM members_member WHERE name LIKE %s",
                       [IMPORT_PREFIX + "%"])  # fmt: skip
        copied = cursor.fetchone()[0]
        connection.set_rollback(True)
    print(f"  enrol (read {read_s:.1f}s + validate, encrypt, members+history+audit)"
          f"  {IMPORT_ROWS / import_s:9.0f} rows/s  ({import_s:.1f} s)")  # fmt: skip
    print(f"  COPY of the same {copied:,} finished rows into the indexed tables"
          f"    {copied / copy_s:9.0f} rows/s  ({copy_s:.2f} s)")  # fmt: skip
    members_now = Member.objects.count()
    delete_bench_rows(JOIN_PREFIX)
    delete_bench_rows(IMPORT_PREFIX)
    print(
        f"{join_figures} "
        f"import_vs_copy={import_s / copy_s:.1f} import_rows_s={IMPORT_ROWS / import_s:.0f} "
        f"members={members_now}"
    )


if __name__ == "__main__":
    main()
