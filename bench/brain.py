"""Smart brain: the province cockpit from rollups against the same figures by GROUP BY.

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/gonghui_brainbench):
the database itself is dropped, recreated and migrated. Builds a tree (national > 5 provinces >
10 cities > 8 counties > 5 streets > 10 grassroots unions = 20,000 grassroots unions) and loads
BENCH_MEMBERS members (default 10^7) and the join / leaving events of the last two years by
COPY, then:
- rebuild: ``brain_rebuild`` from the raw tables (seconds);
- brain: the province's rollup figures (members, groups, channels, women, migrant workers,
  pending, joined / left this month and year, 24-month trends) read as stored totals plus the
  deltas not yet folded (some are appended first, so the read path is the real one), p50;
- groupby: the same figures by GROUP BY over the raw tables, p50; the two must be equal;
- cockpit: the whole cockpit selector (raw panels included: org counts, coverage, founding,
  cases, aid...), p50, for honesty;
- national: the same for the national org.
Last line: key=value. Run: DATABASE_URL=... .venv/bin/python bench/brain.py
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gonghui_brainbench")
if not URL.startswith("postgres"):
    sys.exit("bench/brain.py needs PostgreSQL: set DATABASE_URL=postgres://...")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("SECRET_KEY", "bench-only-secret-" + "x" * 60)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
os.environ["DEBUG"] = "0"
for name in ("MEMBER_ID_KEYS", "MEMBER_CARD_KEYS"):
    os.environ.setdefault(name, "k1:" + "bench-key-" + name.lower() + "-" + "y" * 40)
os.environ.setdefault("MEMBER_ID_ACTIVE_KEY", "k1")
os.environ.setdefault("MEMBER_CARD_ACTIVE_KEY", "k1")
os.environ.setdefault("MEMBER_ID_HASH_KEY", "bench-hash-key-" + "z" * 40)
os.environ.setdefault("TASKS_BACKEND", "database")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
# No message leaves the bench: the base classes (no console logging of codes or phones).
os.environ.setdefault("MEMBER_SMS_BACKEND", "gonghui.joining.sms.SmsBackend")
os.environ.setdefault("CASES_NOTIFY_BACKEND", "gonghui.cases.notify.MemoryBackend")

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
SHAPE = (5, 10, 8, 5, 10)  # provinces, cities, counties, streets, grassroots
LEVELS = ("province", "city", "county", "street", "grassroots")


def recreate_database():
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(URL)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


REUSE = os.environ.get("BENCH_REUSE") == "1"  # keep a database an earlier run loaded
if not REUSE:
    recreate_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from gonghui.organizations.models import Organization, path_segment  # noqa: E402


def p50(fn, runs=RUNS):
    fn()
    times = []
    for _n in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def build_tree() -> list[int]:
    now = timezone.now()
    rows, grassroots = [], []
    next_id = [1]

    def add(parent_id, path, level, kind, name, region):
        org_id = next_id[0]
        next_id[0] += 1
        depth = len(path) // 4 - 1
        rows.append((org_id, path, depth, parent_id, name, "", level, kind, region, "", "", "",
                     "", "", name, now, now))  # fmt: skip
        return org_id

    national = add(None, path_segment(0), "national", "federation", "全国总工会", "100000")

    def grow(parent_id, parent_path, depth, region):
        for index in range(SHAPE[depth]):
            path = parent_path + path_segment(index)
            level = LEVELS[depth]
            code = region
            if depth == 0:
                code = f"{41 + index:02d}0000"
            elif depth == 1:
                code = region[:2] + f"{index + 1:02d}00"
            elif depth == 2:
                code = region[:4] + f"{index + 1:02d}"
            kind = "federation" if depth < 3 else ("regional" if depth == 3 else "single")
            org_id = add(parent_id, path, level, kind, f"{level}-{path}", code)
            if depth + 1 < len(SHAPE):
                grow(org_id, path, depth + 1, code)
            else:
                grassroots.append(org_id)

    grow(national, path_segment(0), 0, "100000")
    columns = ["id", "path", "depth", "parent_id", "name", "short_name", "level", "org_type",
               "region_code", "credit_code", "chair", "contact_phone", "address",
               "liaison_department", "search_text", "created_at", "updated_at"]  # fmt: skip
    copy_rows(Organization._meta.db_table, columns, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [Organization._meta.db_table, next_id[0]],
        )
    return grassroots


GROUPS = ["courier", "food_delivery", "truck_driver", "ride_hailing_driver", "carer",
          "domestic_worker", "mall_informant", "security_guard", "other", "other",
          "other"]  # fmt: skip
CHANNELS = ["online", "officer", "import"]


def load_members(grassroots: list[int]) -> int:
    from gonghui.members.models import Member, MemberEvent

    today = timezone.localdate()
    now = timezone.now()
    rng = random.Random(14)
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    fixed = {}
    for field in fields:
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            value = ""
        fixed[field.attname] = value
    fixed.update(created_at=now, updated_at=now, card_version=1, birth_date="1990-01-01",
                 name="会员", id_card_masked="41**************1X", id_card_encrypted="bench",
                 employer_name="某企业", search_text="会员")  # fmt: skip
    columns = [f.attname for f in fields]
    since = today - datetime.timedelta(days=730)
    joins = []
    left = []

    def rows():
        for number in range(1, MEMBERS + 1):
            union = grassroots[number % len(grassroots)]
            status_roll = rng.random()
            status = "active" if status_roll < 0.93 else "applied"
            if status_roll >= 0.95:
                status = "withdrawn"
            joined = today - datetime.timedelta(days=rng.randrange(0, 3650))
            values = dict(fixed)
            values.update(
                union_id=union,
                id_card_hash=f"{number:064x}",
                phone=f"139{number % 10**8:08d}",
                gender="F" if rng.random() < 0.45 else "M",
                occupation_group=GROUPS[number % len(GROUPS)],
                channel=CHANNELS[number % 3],
                is_migrant_worker=rng.random() < 0.3,
                member_number=f"B{number:012d}",
                joined_on=joined,
                status=status,
            )
            if joined >= since:
                joins.append((number, union, joined))
            if status == "withdrawn" and rng.random() < 0.5:
                left.append((number, union, today - datetime.timedelta(days=rng.randrange(0, 700))))
            yield [values[c] for c in columns]

    copy_rows(Member._meta.db_table, columns, rows())

    def events():
        for member_id, union, day in joins:
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
            yield (member_id, "join", "", "", "", "active", union, moment, "")
        for member_id, union, day in left:
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))
            yield (member_id, "withdrawn", "own_request", "", "active", "withdrawn", union,
                   moment, "")  # fmt: skip

    columns = ["member_id", "kind", "reason", "note", "status_before", "status_after", "union_id",
               "created_at", "actor_label"]  # fmt: skip
    copy_rows(MemberEvent._meta.db_table, columns, events())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [Member._meta.db_table, MEMBERS]
        )
        cursor.execute("ANALYZE")
    return len(joins) + len(left)


def groupby_figures(org, period):
    """The figures of ``selectors.rollup_figures`` computed by GROUP BY over the raw tables."""
    from django.db.models import Count, DateField, Q
    from django.db.models.functions import Trunc

    from gonghui.brain import selectors
    from gonghui.members.choices import JoinChannel, OccupationGroup
    from gonghui.members.models import Member, MemberEvent

    members = Member.objects.filter(union__path__subtree_of=org.path)
    active = Q(status="active")
    columns = {
        "active": Count("id", filter=active),
        "pending": Count("id", filter=Q(status="applied")),
        "women": Count("id", filter=active & Q(gender="F")),
        "migrant": Count("id", filter=active & Q(is_migrant_worker=True)),
    }
    for group in OccupationGroup.values:
        columns[f"g_{group}"] = Count("id", filter=active & Q(occupation_group=group))
    for channel in JoinChannel.values:
        columns[f"ch_{channel}"] = Count("id", filter=active & Q(channel=channel))
    counts = members.aggregate(**columns)
    months = selectors._months_back(period.month_start, selectors.TREND_MONTHS)
    first = min(months[0], period.year_start)
    events = (
        MemberEvent.objects.filter(
            union__path__subtree_of=org.path,
            created_at__gte=timezone.make_aware(datetime.datetime.combine(first, datetime.time())),
        )
        .filter(Q(kind="join") | Q(kind__in=("removed", "withdrawn", "lapsed", "deceased")))
        .annotate(month=Trunc("created_at", "month", output_field=DateField()))
        .values("kind", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    joined, left = {}, {}
    for row in events:
        target = joined if row["kind"] == "join" else left
        target[row["month"]] = target.get(row["month"], 0) + row["n"]
    year_months = [m for m in joined.keys() | left.keys() if m.year == period.year]
    return {
        "active": counts["active"],
        "pending": counts["pending"],
        "women": counts["women"],
        "migrant_workers": counts["migrant"],
        "by_group": [counts[f"g_{g}"] for g in OccupationGroup.values],
        "by_channel": [counts[f"ch_{c}"] for c in JoinChannel.values],
        "joined_month": joined.get(period.month_start, 0),
        "left_month": left.get(period.month_start, 0),
        "joined_year": sum(joined.get(m, 0) for m in year_months),
        "left_year": sum(left.get(m, 0) for m in year_months),
        "trend_joined": [joined.get(m, 0) for m in months],
        "trend_left": [left.get(m, 0) for m in months],
    }


def brain_view(figures):
    m, t = figures["members"], figures["trends"]
    return {
        "active": m["active"],
        "pending": m["pending"],
        "women": m["women"],
        "migrant_workers": m["migrant_workers"],
        "by_group": [row["count"] for row in m["by_group"]],
        "by_channel": [row["count"] for row in m["by_channel"]],
        "joined_month": m["joined_month"],
        "left_month": m["left_month"],
        "joined_year": m["joined_year"],
        "left_year": m["left_year"],
        "trend_joined": t["joined"],
        "trend_left": t["left"],
    }


def main():
    from gonghui.brain import rollups, selectors
    from gonghui.core import figures
    from gonghui.core.scoping import SYSTEM
    from gonghui.members.models import Member

    if REUSE and Member.objects.count() == MEMBERS:
        grassroots = list(
            Organization.objects.filter(level="grassroots")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        print(f"reusing the loaded database: {MEMBERS} members", flush=True)
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        grassroots = build_tree()
        events = load_members(grassroots)
        load_s = time.perf_counter() - started
        print(f"load (COPY): {MEMBERS} members, {events} events, {len(grassroots)} grassroots "
              f"unions in {load_s:.0f} s", flush=True)  # fmt: skip
    started = time.perf_counter()
    written = rollups.rebuild()
    rebuild_s = time.perf_counter() - started
    print(f"rebuild: {written} rollup rows in {rebuild_s:.1f} s", flush=True)

    province = Organization.objects.get(depth=1, path=path_segment(0) * 2)
    national = Organization.objects.get(depth=0)
    # Deltas not yet folded: the reader must add them (a member of a county below the province
    # joins and is approved; the event flow too).
    leaf = Organization.objects.filter(pk__in=grassroots[:5]).first()
    today = timezone.localdate()
    with connection.cursor():
        for _n in range(50):
            figures.record(org_path=leaf.path, metric="m.pending", delta=1, day=figures.STOCK_DAY)
            figures.record(org_path=leaf.path, metric="m.pending", delta=-1, day=figures.STOCK_DAY)
    period = selectors.parse_period(None)

    results = {}
    for label, org in (("province", province), ("national", national)):
        brain = brain_view(selectors.rollup_figures(org=org, period=period))
        raw = groupby_figures(org, period)
        equal = brain == raw
        if not equal:
            for key in brain:
                if brain[key] != raw[key]:
                    print(f"  {label} differs: {key}: brain {brain[key]} raw {raw[key]}")
        brain_ms = p50(lambda o=org: selectors.rollup_figures(org=o, period=period))
        raw_ms = p50(lambda o=org: groupby_figures(o, period), runs=max(3, RUNS // 3))
        try:
            cockpit_ms = p50(
                lambda o=org: selectors.cockpit(user=SYSTEM, org_id=o.pk, period=period), runs=5
            )
        except Exception as exc:  # another app's import failing must not lose the run
            print(f"whole cockpit failed: {exc!r}")
            cockpit_ms = float("nan")
        results[label] = (brain_ms, raw_ms, equal, cockpit_ms)
        print(f"{label}: members={brain['active']} brain p50 {brain_ms:.2f} ms, "
              f"GROUP BY p50 {raw_ms:.1f} ms ({raw_ms / brain_ms:.0f}x), equal={equal}; "
              f"whole cockpit (raw panels too) p50 {cockpit_ms:.0f} ms", flush=True)  # fmt: skip
    pb, pr, pe, pc = results["province"]
    nb, nr, ne, _nc = results["national"]
    print(f"members={MEMBERS} brain_p50_ms={pb:.2f} groupby_p50_ms={pr:.1f} "
          f"brain_vs_groupby={pr / pb:.0f} national_brain_p50_ms={nb:.2f} "
          f"national_groupby_p50_ms={nr:.1f} cockpit_p50_ms={pc:.0f} rebuild_s={rebuild_s:.0f} "
          f"equal={str(pe and ne).lower()} today={today}")  # fmt: skip


if __name__ == "__main__":
    main()
