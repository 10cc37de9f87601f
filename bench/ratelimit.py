"""Rate limits: the cost of one counted hit (one upsert in its own transaction), and the code
endpoint refusing a flood from one address.

A throw-away database (a temp SQLite file, or <name>_bench on PostgreSQL when DATABASE_URL is
set: created, migrated, dropped). Prints:
- p50 and p99 of ratelimit.hit over 5,000 hits from 500 callers;
- hits per second from 4 threads on one counter (PostgreSQL only: SQLite serialises writers);
- POST /api/members/join/code from one address, 200 requests: how many sent, how many 429.
Run: .venv/bin/python bench/ratelimit.py
"""

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
from production_env import use_production_settings

use_production_settings()
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
else:
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench"
    os.environ.setdefault("DB_POOL", "0")

import django  # noqa: E402  (after the environment is set)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from gonghui.core import ratelimit  # noqa: E402


def create_database():
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def drop_database():
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        connections.close_all()
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    create_database()
    try:
        with override_settings(RATE_LIMITS={"bench": (10**9, 3600)}):
            samples = []
            for i in range(5000):
                start = time.perf_counter()
                ratelimit.hit("bench", f"caller-{i % 500}")
                samples.append(time.perf_counter() - start)
            samples.sort()
            print(
                f"{connection.vendor}: ratelimit.hit p50 {statistics.median(samples) * 1000:.3f} "
                f"ms, p99 {samples[int(len(samples) * 0.99)] * 1000:.3f} ms (5,000 hits)"
            )
            if connection.vendor == "postgresql":
                per_thread = 500

                def hammer():
                    for _ in range(per_thread):
                        ratelimit.hit("bench", "one hot caller")
                    connection.close()

                threads = [threading.Thread(target=hammer) for _ in range(4)]
                start = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                elapsed = time.perf_counter() - start
                print(f"4 threads, one counter: {4 * per_thread / elapsed:,.0f} hits/s")
        statuses = []
        client = Client()
        start = time.perf_counter()
        for i in range(200):
            body = json.dumps({"phone": f"139{i:08d}"})
            response = client.post("/api/members/join/code", body, content_type="application/json")
            statuses.append(response.status_code)
        elapsed = time.perf_counter() - start
        print(
            f"200 code requests from one address: {statuses.count(202)} sent, "
            f"{statuses.count(429)} refused with 429 ({elapsed * 1000 / 200:.2f} ms/request)"
        )
    finally:
        drop_database()


if __name__ == "__main__":
    main()
