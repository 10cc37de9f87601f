"""Org hierarchy at county-to-province scale: subtree reads and a subtree move.

Builds a tree of ~10^5 orgs (1 province > 14 cities > 10 counties each > 12 streets each >
~60 grassroots unions each) in a throw-away database (SQLite file, or PostgreSQL when
DATABASE_URL is set: a database named <name>_bench is created and dropped), then prints:
- subtree count and page of the first 50 under a county / a city / the province (p50 of 20 runs)
- the query plan for the prefix filter (it must use the path index, not scan)
- moving a county's subtree (~730 orgs) to another city, with audit rows
Run: .venv/bin/python bench/orgs.py
"""

import os
import statistics
import sys
import tempfile
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

import django  # noqa: E402  (after the environment is set)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402, F401

from gonghui.core.scoping import SYSTEM  # noqa: E402
from gonghui.organizations.models import Organization, path_segment  # noqa: E402
from gonghui.organizations.services import org_move  # noqa: E402


def create_database():
    if connection.vendor == "postgresql":
        from django.db import connections

        name = connection.settings_dict["NAME"]
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def build_tree(cities=14, counties=10, streets=12, grassroots=60):
    rows = []

    def add(parent, index, level, kind, name):
        path = (parent.path if parent else "") + path_segment(index)
        org = Organization(
            path=path, depth=len(path) // 4 - 1, parent=parent, name=name, level=level,
            org_type=kind, region_code="430000", search_text=name,
        )  # fmt: skip
        rows.append(org)
        return org

    province = add(None, 0, "province", "federation", "省总工会")
    Organization.objects.bulk_create([province])
    rows.clear()
    for c in range(cities):
        city = add(province, c, "city", "federation", f"市{c}")
        Organization.objects.bulk_create([city])
        rows.clear()
        counties_made = [
            add(city, k, "county", "federation", f"市{c}县{k}") for k in range(counties)
        ]
        Organization.objects.bulk_create(counties_made)
        rows.clear()
        for county in counties_made:
            street_rows = [
                add(county, s, "street", "regional", f"{county.name}街{s}") for s in range(streets)
            ]
            Organization.objects.bulk_create(street_rows)
            rows.clear()
            for street in street_rows:
                for g in range(grassroots):
                    add(street, g, "grassroots", "single", f"{street.name}企业{g}")
            Organization.objects.bulk_create(rows, batch_size=2000)
            rows.clear()
    return province


def p50_ms(fn, runs=20):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    create_database()
    start = time.perf_counter()
    province = build_tree()
    total = Organization.objects.count()
    print(
        f"database: {connection.vendor}; built {total} orgs in {time.perf_counter() - start:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database

    county = Organization.objects.filter(level="county").order_by("path")[3]
    city = county.parent
    for label, root in [("county", county), ("city", city), ("province", province)]:
        subtree = Organization.objects.filter(path__subtree_of=root.path)
        count_ms = p50_ms(lambda s=subtree: s.count())
        page_ms = p50_ms(lambda s=subtree: list(s.order_by("path")[:50]))
        print(
            f"subtree of a {label:<8} ({subtree.count():>6} orgs): count p50 {count_ms:7.2f} ms, "
            f"first page of 50 p50 {page_ms:6.2f} ms"
        )

    sql, params = Organization.objects.filter(path__subtree_of=county.path).query.sql_with_params()
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(explain + sql, params)
        plan = " | ".join(
            str(row[-1] if connection.vendor == "sqlite" else row[0]) for row in cursor.fetchall()
        )
    print(f"prefix filter plan: {plan}")

    other_city = Organization.objects.filter(level="city").exclude(pk=city.pk).first()
    size = Organization.objects.filter(path__subtree_of=county.path).count()
    start = time.perf_counter()
    org_move(actor=SYSTEM, org=county, new_parent=other_city)
    elapsed_ms = (time.perf_counter() - start) * 1000
    print(f"move a county subtree ({size} orgs, with {size} audit rows): {elapsed_ms:.0f} ms")


if __name__ == "__main__":
    main()
