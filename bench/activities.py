"""Campaigns, the activities report and benefits: the scan-to-deliver write path, the report
over a large delivery table, and the public job list sorted by distance.

Loads the demo (all apps) into a throw-away database (SQLite file, or PostgreSQL when
DATABASE_URL is set: <name>_bench is created and dropped), then prints:
- how long the demo's activities part takes;
- delivery_record p50 for a first delivery and for a refused second one (the scan page's write);
- the report for 连云区 and for the national root after adding 200,000 bulk deliveries;
- open_jobs sorted by distance over 5,000 postings.
Run: .venv/bin/python bench/activities.py
"""

import datetime
import io
import os
import random
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

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from gonghui.activityreports import selectors as reports  # noqa: E402
from gonghui.benefits import selectors as benefits  # noqa: E402
from gonghui.benefits.models import JobPosting  # noqa: E402
from gonghui.campaigns import services  # noqa: E402
from gonghui.campaigns.models import Campaign, Delivery  # noqa: E402
from gonghui.core.scoping import SYSTEM  # noqa: E402
from gonghui.members.models import Member  # noqa: E402
from gonghui.organizations.models import Organization  # noqa: E402


def create_database():
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def p50_ms(samples):
    return statistics.median(samples) * 1000


def timed(fn, repeat=20):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return p50_ms(samples)


def main():
    create_database()
    start = time.perf_counter()
    call_command("demo", quiet_accounts=True, stdout=io.StringIO())
    print(f"database: {connection.vendor}; demo (all apps) {time.perf_counter() - start:.1f} s")

    county = Organization.objects.get(name="连云区总工会")
    campaign = services.campaign_create(
        actor=SYSTEM, organizer=county, name="bench 送清凉", kind="summer_cooling",
        starts_on=timezone.localdate(), ends_on=timezone.localdate(),
        items=[{"name": "物资", "quantity": 1000}],
    )  # fmt: skip
    item = campaign.items.get()
    members = list(Member.objects.filter(union__path__subtree_of=county.path)[:200])
    first, refused = [], []
    for member in members:
        beneficiary = services.Beneficiary(member=member)
        t = time.perf_counter()
        services.delivery_record(actor=SYSTEM, campaign=campaign, item=item,
                                 beneficiary=beneficiary, site="停车场")  # fmt: skip
        first.append(time.perf_counter() - t)
        t = time.perf_counter()
        try:
            services.delivery_record(actor=SYSTEM, campaign=campaign, item=item,
                                     beneficiary=beneficiary)  # fmt: skip
        except ValidationError:
            refused.append(time.perf_counter() - t)
    print(f"delivery_record: first p50 {p50_ms(first):.2f} ms, refused repeat p50 "
          f"{p50_ms(refused):.2f} ms ({len(members)} members)")  # fmt: skip

    rng = random.Random(3)
    big = Campaign.objects.get(name__startswith="2025年连云区“送清凉”")
    big_item = big.items.first()
    when = timezone.now() - datetime.timedelta(days=30)
    rows = [
        Delivery(campaign=big, item=big_item, beneficiary_name=f"非会员{i}",
                 beneficiary_phone=f"13{i:09d}", occupation_group=rng.choice(
                     ["truck_driver", "courier", "food_delivery", "other"]),
                 delivered_at=when - datetime.timedelta(minutes=i))
        for i in range(200_000)
    ]  # fmt: skip
    t = time.perf_counter()
    Delivery.objects.bulk_create(rows, batch_size=5000)
    print(f"bulk-inserted 200,000 deliveries in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    national = Organization.objects.get(parent__isnull=True)
    start_day, end_day = datetime.date(2025, 1, 1), timezone.localdate()
    for label, org in [("连云区", county), ("national", national)]:
        ms = timed(lambda o=org: reports.report(org=o, start=start_day, end=end_day), 5)
        report = reports.report(org=org, start=start_day, end=end_day)
        total = sum(line.beneficiaries for line in report.campaigns)
        print(f"report {label:<8}: p50 {ms:8.1f} ms ({total} beneficiaries, "
              f"{len(report.contests)} contests)")  # fmt: skip

    today = timezone.localdate()
    jobs = [
        JobPosting(org=county, title=f"岗位{i}", employer="企业", category="logistics",
                   pay_min=4000, pay_max=8000, place="某地", latitude=20 + rng.random() * 20,
                   longitude=100 + rng.random() * 20, contact="12351",
                   expires_on=today + datetime.timedelta(days=rng.randint(-30, 60)))
        for i in range(5000)
    ]  # fmt: skip
    JobPosting.objects.bulk_create(jobs)
    ms = timed(lambda: benefits.open_jobs(lat=34.76, lon=119.37), 20)
    print(f"open_jobs by distance (5,000 postings, <=200 shown): p50 {ms:.1f} ms")


if __name__ == "__main__":
    main()
