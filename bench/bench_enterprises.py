"""Coverage figures for a province-sized subtree: one aggregate query vs a naive loop.

Builds the bench_orgs province (~10^5 orgs) plus 10^5 enterprises and 2,000 projects in a
throw-away database (SQLite file, or PostgreSQL when DATABASE_URL is set: <name>_bench is created
and dropped), then prints, for a county, a city and the province: the time of
``selectors.coverage_for`` (formation rates: 25+, small/micro, key social organisations,
projects, and the violator count) next to a naive per-enterprise Python loop that reads each
enterprise's union one by one, and checks both give the same figures.
Members are not linked to enterprises yet, so the 10^6-member membership coverage is not measured.
Run: DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui_x \
     .venv/bin/python bench/bench_enterprises.py
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_orgs
from django.db import connection

from gonghui.core.scoping import SYSTEM
from gonghui.core.validators import credit_code_check_char
from gonghui.enterprises import selectors
from gonghui.enterprises.models import Enterprise, Project, h3_cell_for
from gonghui.organizations.models import Organization

ENTERPRISES = 100_000


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


def naive(root):
    """What a first draft does: load every enterprise, touch its union, count in Python."""
    big = big_covered = small = small_covered = 0
    for enterprise in Enterprise.objects.filter(street_org__path__startswith=root.path):
        covered = enterprise.union_id is not None and enterprise.union.dissolved_on is None
        if enterprise.kind != "social" and enterprise.employees >= 25:
            big += 1
            big_covered += covered
        if enterprise.kind == "small":
            small += 1
            small_covered += covered
    return big, big_covered, small, small_covered


def main():
    bench_orgs.create_database()
    start = time.perf_counter()
    province = bench_orgs.build_tree()
    build_enterprises(province)
    print(
        f"database: {connection.vendor}; {Organization.objects.count()} orgs, "
        f"{Enterprise.objects.count()} enterprises, {Project.objects.count()} projects "
        f"built in {time.perf_counter() - start:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    county = Organization.objects.filter(level="county").order_by("path")[3]
    for label, root in [("county", county), ("city", county.parent), ("province", province)]:
        size = Enterprise.objects.filter(street_org__path__startswith=root.path).count()
        fast_ms = bench_orgs.p50_ms(
            lambda r=root: selectors.coverage_for(user=SYSTEM, org_id=r.pk), runs=5
        )
        figures = selectors.coverage_for(user=SYSTEM, org_id=root.pk)
        start = time.perf_counter()
        slow = naive(root)
        slow_ms = (time.perf_counter() - start) * 1000
        same = slow == (
            figures["big"],
            figures["big_covered"],
            figures["small"],
            figures["small_covered"],
        )
        print(
            f"{label:<8} ({size:>6} enterprises): coverage_for p50 {fast_ms:8.1f} ms | naive loop "
            f"{slow_ms:9.1f} ms | 25+ rate {figures['big_rate']}% small {figures['small_rate']}% "
            f"violators {figures['violators']} | same figures: {same}"
        )


if __name__ == "__main__":
    main()
