"""The server under load, on PostgreSQL: a real granian (WSGI, DEBUG off, production settings)
against the test database, hit over loopback.

Issue 10: 200 parallel requests answered 500 "too many clients" and the connections stayed held
for minutes. Now each worker has a bounded psycopg pool; a request that cannot get a connection
within DB_POOL_TIMEOUT answers 503 with Retry-After, and connections go back at once.
"""

import concurrent.futures
import contextlib
import datetime
import http.client
import json
import os
import secrets
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from gonghui.core.testing.personas import build_personas
from gonghui.members import crypto
from gonghui.members.ids import synthetic_id_card
from gonghui.members.models import Member, PhoneCode

ROOT = Path(__file__).resolve().parents[4]
GRANIAN = ROOT / ".venv" / "bin" / "granian"
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="pooling is PostgreSQL's; SQLite opens a file"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 2
POOL_MAX = 4
BURST = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def production_env(**extra) -> dict:
    """Production settings (DEBUG off) with explicit keys, a provider SMS backend class (never
    called here) and the database task queue, as settings.py requires outside DEBUG."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"} and not k.startswith("DB_POOL")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gonghui.settings",
            # The test process writes the one-time codes; both must hash them alike.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "DATABASE_URL": database_url(),
            "MEMBER_SMS_BACKEND": "gonghui.joining.sms.SmsBackend",
            "CASES_NOTIFY_BACKEND": "gonghui.cases.notify.NotifyBackend",
            "TASKS_BACKEND": "database",
            "MEMBER_ID_KEYS": f"k1:{KEYS[0]}",
            "MEMBER_ID_HASH_KEY": KEYS[1],
            "MEMBER_CARD_KEYS": f"c1:{KEYS[2]}",
            "LOG_LEVEL": "ERROR",
            # libpq's own variable: names the server's connections in pg_stat_activity.
            "PGAPPNAME": APP_NAME,
            **extra,
        }
    )
    return env


KEYS = [secrets.token_urlsafe(48) for _ in range(3)]
APP_NAME = "gonghui-load-test"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production serves collected, hashed static files (make serve runs collectstatic)."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py"), "collectstatic",
         "--no-input", "-v0"],
        env=production_env(STATIC_ROOT=str(root)),
        check=True,
        capture_output=True,
    )  # fmt: skip
    return root


class Server:
    """granian serving gonghui.wsgi as `make serve` does, on the test database."""

    def __init__(self, static_root, *, workers, pool_max, pool_timeout, threads=None):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop(); the server outlives __init__)
        env = production_env(
            STATIC_ROOT=str(static_root),
            DB_POOL_MIN="1",
            DB_POOL_MAX=str(pool_max),
            DB_POOL_TIMEOUT=str(pool_timeout),
        )
        self.process = subprocess.Popen(
            [
                str(GRANIAN),
                "--interface",
                "wsgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                # Unset, granian's default: 256 threads a worker, as `make serve` runs.
                *(["--blocking-threads", str(threads)] if threads else []),
                "--working-dir",
                str(ROOT / "src"),
                "gonghui.wsgi:application",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: a pipe nobody reads fills up and stalls the server.
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"granian exited: {self.log_tail()}")
            try:
                if self.request("GET", "/api/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError("granian did not answer /api/health within 30 s")

    def request(self, method, path, body=None, timeout=30.0):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if body is not None and not isinstance(body, bytes):
                body = json.dumps(body)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def announce_body(self, path, length):
        """POST announcing a ``length``-byte JSON body, send its first 64 KiB and read the
        answer, as a client that watches for an early response does."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("POST", path)
            conn.putheader("Content-Type", "application/json")
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            # The server may have answered and closed already.
            with contextlib.suppress(OSError):
                conn.send(b'{"name": "' + b"a" * 65536)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.log.close()

    def log_tail(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]


def server_connections() -> int:
    """The server's connections to the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return cursor.fetchone()[0]


def joins(union, count: int) -> list[dict]:
    """``count`` different workers, each with a fresh one-time code already on record."""
    now = timezone.now()
    payloads, codes = [], []
    for n in range(count):
        phone = f"137{n:08d}"
        code = f"{n % 10**6:06d}"
        codes.append(
            PhoneCode(
                phone=phone,
                purpose="join",
                code_hash=crypto.code_hash(phone, "join", code),
                expires_at=now + datetime.timedelta(minutes=10),
            )
        )
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=n)
        payloads.append(
            {
                "name": f"压测{n}",
                "id_card": synthetic_id_card("411103", birth, n + 1),
                "phone": phone,
                "code": code,
                "occupation_group": "courier",
                "employer_name": "",
                "work_place": "郾城区",
                "union_id": union.pk,
            }
        )
    PhoneCode.objects.bulk_create(codes)
    return payloads


def burst(server: Server, method: str, path: str, bodies: list) -> list[tuple]:
    """Every request released at the same instant, each on its own connection."""
    start = threading.Barrier(len(bodies))

    def one(body):
        start.wait()
        try:
            return server.request(method, path, body)
        except OSError as exc:  # a refused or reset connection is an answer too: record it
            return (0, {}, str(exc).encode())

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(one, bodies))


def connect_time() -> float:
    db = connection.settings_dict
    started = time.monotonic()
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        connect_timeout=2,
    ) as probe:
        probe.execute("SELECT 1")
    return time.monotonic() - started


def test_300_concurrent_joins_answer_without_a_500_and_leave_the_database_open(static_root):
    personas = build_personas()
    payloads = joins(personas.yancheng_project, BURST)
    server = Server(static_root, workers=WORKERS, pool_max=POOL_MAX, pool_timeout=3)
    try:
        started = time.monotonic()
        answers = burst(server, "POST", "/api/members/join", payloads)
        elapsed = time.monotonic() - started
        statuses = sorted(status for status, _, _ in answers)
        counts = {status: statuses.count(status) for status in set(statuses)}
        print(f"\n{BURST} joins in {elapsed:.1f} s: {counts}")
        assert all(200 <= s < 300 or 400 <= s < 500 or s == 503 for s in statuses), (
            counts,
            server.log_tail(),
        )
        assert counts.get(201, 0) >= 1
        for status, headers, body in answers:
            if status == 503:
                assert headers.get("Retry-After") == "5"
                assert json.loads(body)["detail"]
        # The pool bounds the server: never more than workers x pool size connections.
        assert server_connections() <= WORKERS * POOL_MAX
        assert connect_time() < 1.0
        # Every created member is a whole join (no half-written rows from refused requests).
        assert Member.objects.count() == counts.get(201, 0)
        status, _, _ = server.request("GET", "/api/health")
        assert status == 200
        # A 20 MB body is refused before it is read, in the API's error shape.
        status, body = server.announce_body("/api/members/join", 20 * 1024 * 1024)
        assert (status, json.loads(body)) == (413, {"detail": "请求内容太大。", "errors": {}})
    finally:
        server.stop()


def test_a_request_that_cannot_get_a_connection_answers_503_with_retry_after(static_root):
    personas = build_personas()
    [waiting] = joins(personas.yancheng_project, 1)
    waiting["code"] = "000000"  # wrong: the join ends in a 422 once it gets past the lock
    server = Server(static_root, workers=1, threads=8, pool_max=1, pool_timeout=0.3)
    try:
        # Hold the worker's only pooled connection: a join waits on a lock this test holds.
        with psycopg.connect(database_url(), autocommit=True) as blocker, blocker.transaction():
            blocker.execute("LOCK TABLE members_phonecode IN ACCESS EXCLUSIVE MODE")
            held = threading.Thread(
                target=server.request, args=("POST", "/api/members/join", waiting), daemon=True
            )
            held.start()
            time.sleep(1.0)
            api = server.request("GET", "/api/orgs", timeout=10)
            page = server.request("GET", "/accounts/login/", timeout=10)
        held.join(timeout=10)
        assert api[0] == 503 and api[1]["Retry-After"] == "5"
        assert json.loads(api[2]) == {"detail": "服务繁忙，请稍后再试。", "errors": {}}
        assert page[0] == 503 and page[1]["Retry-After"] == "5"
        assert "服务繁忙" in page[2].decode()
        # Once the lock is gone the same server answers again, on the same one connection.
        assert server.request("GET", "/api/health")[0] == 200
        assert server.request("GET", "/accounts/login/")[0] == 200
        assert server_connections() <= 1
    finally:
        server.stop()
