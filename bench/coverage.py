"""Coverage figures for a province-sized subtree: one aggregate query vs a naive loop.

Builds the bench/orgs.py province (~10^5 orgs) plus 10^5 enterprises, 2,000 projects and 10^6
members linked to them (``Member.employer``) in a throw-away database (SQLite file, or PostgreSQL
when DATABASE_URL is set: <name>_bench is created and dropped), then prints, for a county, a city
and the province: the time of ``selectors.coverage_for`` (formation rates: 25+, small/micro, key
social organisations, projects, the violator count, and membership coverage: active members of
the subtree's enterprises over their employees) next to a naive per-enterprise Python loop that
reads each enterprise's union and counts its active members one by one, and checks both give the
same figures.
Members are written with PostgreSQL COPY (10^6 rows); on SQLite, with bulk_create and only
BENCH_SQLITE_MEMBERS (default 100,000) rows, so a local run stays short.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_x \
     .venv/bin/python bench/coverage.py
"""

import datetime
import hashlib
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import orgs
from django.db import connection
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.enterprises import selectors
from gonghui.enterprises.models import Enterprise, Project, h3_cell_for
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

ENTERPRISES = 100_000
MEMBERS = 1_000_000
SQLITE_MEMBERS = int(os.environ.get("BENCH_SQLITE_MEMBERS", "100000"))
ACTIVE_SHARE = 0.95  # the rest are lapsed: coverage counts active members only
GROUPS = ["other"] * 6 + ["courier", "truck_driver", "food_delivery", "security_guard"]


def build_enterprises(province):
    rng = random.Random(7)
    streets = list(Organization.objects.filter(level="street").order_by("path"))
    rows = []
    for i in range(ENTERPRISES):
        street = streets[i % len(streets)]
        first17 = f"91430000MA{i:07d}"
        lat, lng = 28 + rng.random(), 112 + rng.random()
        kind = rng.choices(["enterprise", "small", "social"], weights=[5, 4, 1])[0]
        employees = rng.randint(3, 20) if kind == "small" else rng.randint(5, 400)
        rows.append(Enterprise(
            name=f"企业{i}", credit_code=first17 + credit_code_check_char(first17), industry="C",
            kind=kind, employees=employees, street_org=street,
            union=street if rng.random() < 0.8 else None, latitude=lat, longitude=lng,
            h3_cell=h3_cell_for(lat, lng), search_text=f"企业{i}",
        ))  # fmt: skip
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    projects = []
    for i in range(2000):
        street = streets[i % len(streets)]
        projects.append(Project(
            name=f"项目{i}", workers=rng.randint(10, 300), street_org=street,
            started_on="2024-01-01", union=None if rng.random() < 0.3 else street,
        ))  # fmt: skip
    Project.objects.bulk_create(projects, batch_size=2000)


def member_values(count, employers):
    """Synthetic member rows, one dict of column values each. The ID-card columns only need to be
    distinct (the bench never decrypts): the hash is sha256 of the row index. Each member works
    for a random one of ``employers`` ((id, street_org_id) pairs) and belongs to its street union.
    Runs no query, so it can feed a COPY in progress on the same connection."""
    rng = random.Random(11)
    now = timezone.now()
    born = datetime.date(1965, 1, 1)
    joined = datetime.date(2015, 1, 1)
    for i in range(count):
        employer_id, street_id = employers[rng.randrange(len(employers))]
        yield {
            "created_at": now,
            "updated_at": now,
            "union_id": street_id,
            "name": f"会员{i}",
            "id_card_encrypted": f"bench:{i}",
            "id_card_hash": hashlib.sha256(str(i).encode()).hexdigest(),
            "id_card_masked": f"4301**********{i % 10000:04d}",
            "phone": f"139{i:08d}",
            "gender": "M" if i % 2 else "F",
            "birth_date": born + datetime.timedelta(days=rng.randrange(12000)),
            "employer_name": f"企业{employer_id}",
            "employer_id": employer_id,
            "work_place": "",
            "occupation_group": GROUPS[i % len(GROUPS)],
            "member_number": f"BM{i:010d}",
            "joined_on": joined + datetime.timedelta(days=rng.randrange(3500)),
            "status": "active" if rng.random() < ACTIVE_SHARE else "lapsed",
            "channel": "import",
            "card_version": 1,
            "search_text": f"会员{i} 企业{employer_id}",
        }


def copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def build_members():
    """Returns how many member rows were written and how long it took."""
    employers = list(Enterprise.objects.values_list("id", "street_org_id"))
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        # Every column, not just the ones the bench sets: the model's own defaults fill the
        # rest (its profile columns are NOT NULL with Python-side defaults only, so a COPY
        # that leaves them out fails).
        fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
        defaults = {f.column: copy_text(f.get_default()) for f in fields}
        by_attname = {f.attname: f.column for f in fields}
        columns = [f.column for f in fields]
        sql = f"COPY {Member._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        chunk = io.StringIO()
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for n, row in enumerate(member_values(MEMBERS, employers), 1):
                values = dict(defaults)
                values.update({by_attname[k]: copy_text(v) for k, v in row.items()})
                chunk.write("\t".join(values[c] for c in columns))
                chunk.write("\n")
                if n % 100_000 == 0:
                    copy.write(chunk.getvalue())
                    chunk = io.StringIO()
            copy.write(chunk.getvalue())
        count = MEMBERS
    else:
        count = SQLITE_MEMBERS
        print(
            f"note: SQLite run, {count:,} members (not 10^6) via bulk_create; "
            "set DATABASE_URL=postgres://... for the full 10^6"
        )
        Member.objects.bulk_create(
            (Member(**row) for row in member_values(count, employers)), batch_size=5000
        )
    return count, time.perf_counter() - start


def naive(root):
    """What a first draft does: load every enterprise, touch its union, count its active members
    one query at a time, and add up in Python."""
    big = big_covered = small = small_covered = members = 0
    for enterprise in Enterprise.objects.filter(street_org__path__startswith=root.path):
        covered = enterprise.union_id is not None and enterprise.union.dissolved_on is None
        if enterprise.kind != "social" and enterprise.employees >= 25:
            big += 1
            big_covered += covered
        if enterprise.kind == "small":
            small += 1
            small_covered += covered
        members += enterprise.members.filter(status="active").count()
    return big, big_covered, small, small_covered, members


def main():
    orgs.create_database()
    start = time.perf_counter()
    province = orgs.build_tree()
    build_enterprises(province)
    print(
        f"database: {connection.vendor}; {Organization.objects.count()} orgs, "
        f"{Enterprise.objects.count()} enterprises, {Project.objects.count()} projects "
        f"built in {time.perf_counter() - start:.1f} s"
    )
    written, member_s = build_members()
    how = "COPY" if connection.vendor == "postgresql" else "bulk_create"
    print(
        f"{Member.objects.count():,} members ({Member.objects.filter(status='active').count():,} "
        f"active) written with {how} in {member_s:.1f} s ({written / member_s:,.0f} rows/s)"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    county = Organization.objects.filter(level="county").order_by("path")[3]
    for label, root in [("county", county), ("city", county.parent), ("province", province)]:
        size = Enterprise.objects.filter(street_org__path__startswith=root.path).count()
        fast_ms = orgs.p50_ms(
            lambda r=root: selectors.coverage_for(user=SYSTEM, org_id=r.pk), runs=5
        )
        figures = selectors.coverage_for(user=SYSTEM, org_id=root.pk)
        start = time.perf_counter()
        slow = naive(root)
        slow_ms = (time.perf_counter() - start) * 1000
        fast = (
            figures["big"],
            figures["big_covered"],
            figures["small"],
            figures["small_covered"],
            figures["members"],
        )
        assert slow[4] == figures["members"], (label, slow[4], figures["members"])
        print(
            f"{label:<8} ({size:>6} enterprises): coverage_for p50 {fast_ms:8.1f} ms | naive loop "
            f"{slow_ms:9.1f} ms | 25+ rate {figures['big_rate']}% small {figures['small_rate']}% "
            f"violators {figures['violators']} | same figures: {slow == fast}\n"
            f"{'':<8}  members {figures['members']:>9,} of {figures['total_employees']:>10,} "
            f"employees: member rate {figures['member_rate']}% (naive loop: {slow[4]:,})"
        )


if __name__ == "__main__":
    main()
