"""Cases: how the officer queue, the overdue sweep and submission hold up at county scale.

A throw-away database (a temp SQLite file, or <name>_bench on PostgreSQL when DATABASE_URL is
set) gets the persona tree, 200 grassroots unions under one county and BENCH_CASES cases
(default 100,000) bulk-inserted. Prints:
- queue: ms for the first page (50 rows, earliest deadline first) of a county officer's queue,
  and of the overdue-only filter, with the query plan's use of the (union, status, due_on) index;
- submit: case_submit calls/s through the service (routing, working-day deadlines, timeline,
  audit, notifications);
- sweep: overdue cases escalated per second by case_escalate_overdue.
Run: .venv/bin/python bench/cases.py
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

CASES = int(os.environ.get("BENCH_CASES", "100000"))
SUBMITS = int(os.environ.get("BENCH_SUBMITS", "300"))
SWEEP = int(os.environ.get("BENCH_SWEEP", "1000"))

BASE_URL = os.environ.get("DATABASE_URL", "")
if BASE_URL.startswith("postgres"):
    parsed = urlparse(BASE_URL)
    BENCH_DB = parsed.path.lstrip("/") + "_bench"
    os.environ["DATABASE_URL"] = parsed._replace(path="/" + BENCH_DB).geturl()
else:
    parsed = None
    os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench_cases.sqlite3")
from production_env import use_production_settings  # noqa: E402

use_production_settings()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")


def recreate_pg():
    import psycopg

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def main():
    if parsed is not None:
        recreate_pg()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.CASES_NOTIFY_BACKEND = "gonghui.cases.notify.MemoryBackend"
    call_command("migrate", verbosity=0)

    from gonghui.cases import selectors, services
    from gonghui.cases.models import Case, CaseType
    from gonghui.core.scoping import SYSTEM
    from gonghui.core.testing.personas import build_personas
    from gonghui.members.tests.factories import make_member
    from gonghui.organizations.services import org_create

    personas = build_personas()
    unions = [
        org_create(
            actor=SYSTEM, parent=personas.yancheng, name=f"基层工会{n:03d}", level="grassroots",
            org_type="single", region_code="411103",
        )
        for n in range(200)
    ]  # fmt: skip
    members = [make_member(union) for union in unions]
    other = CaseType.objects.get(code="other")
    today = datetime.date.today()
    started = time.perf_counter()
    batch = []
    for n in range(CASES):
        index = n % len(unions)
        due = today + datetime.timedelta(days=(n % 60) - 20)
        batch.append(
            Case(
                member=members[index], case_type=other, handling_union=unions[index],
                title=f"诉求{n}", description="bench", status="submitted" if n % 3 else "closed",
                submitted_on=due - datetime.timedelta(days=3), ack_due=due, resolve_due=due,
                due_on=due if n % 3 else None, overdue_for=due if n % 3 else None,
            )
        )  # fmt: skip
    Case.objects.bulk_create(batch, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"setup: {CASES:,} cases bulk-inserted in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor})")  # fmt: skip

    officer = personas.yancheng_officer

    def timed(label, make_qs, repeat=20):
        list(make_qs()[:50])
        started = time.perf_counter()
        for _ in range(repeat):
            rows = list(make_qs()[:50])
        ms = (time.perf_counter() - started) * 1000 / repeat
        print(f"queue: {label}: {ms:.1f} ms for {len(rows)} rows")

    timed("first page, earliest deadline first", lambda: selectors.case_queue(user=officer))
    timed("overdue only", lambda: selectors.case_queue(user=officer, overdue=True))
    plan = selectors.case_queue(user=officer)[:50].explain()
    print("queue plan:", " | ".join(line.strip() for line in plan.splitlines()[:4]))

    started = time.perf_counter()
    for n in range(SUBMITS):
        services.case_submit(
            actor=SYSTEM, member=members[n % len(members)], case_type=other, description="bench"
        )
    rate = SUBMITS / (time.perf_counter() - started)
    print(f"submit: {rate:.0f} case_submit/s ({SUBMITS} calls)")

    # Make SWEEP open cases overdue for the sweep (the rest were already swept: overdue_for set).
    ids = list(Case.objects.filter(status="submitted").values_list("pk", flat=True)[:SWEEP])
    Case.objects.filter(pk__in=ids).update(
        due_on=today - datetime.timedelta(days=2), overdue_for=None
    )
    started = time.perf_counter()
    done = services.case_escalate_overdue(today=today)
    elapsed = time.perf_counter() - started
    print(f"sweep: {done} cases escalated in {elapsed:.1f} s ({done / elapsed:.0f}/s)")
    started = time.perf_counter()
    again = services.case_escalate_overdue(today=today)
    print(f"sweep again (idempotent): {again} cases, {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
