"""Demo data for the smart brain: rollups rebuilt from whatever the other apps loaded, and a
statistics report submitted by the first grassroots unions under 郾城区 for the county to review."""

from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.organizations.models import Organization

from . import rollups, services
from .models import AnnualReport

# What a small union types in (the rows the platform holds nothing to count).
DEMO_TYPED = {
    "female_employees": 46,
    "migrant_employees": 18,
    "committee_members": 7,
    "committee_women": 3,
    "full_time_officers": 1,
    "audit_committee_members": 3,
    "women_committee": 1,
    "open_affairs": 1,
    "general_contracts": 1,
    "women_contracts": 1,
    "workers_homes": 1,
    "dues_income_yuan": 12000,
    "allocation_income_yuan": 31000,
    "spending_yuan": 9000,
}


def load_demo(stdout) -> None:
    rows = rollups.rebuild()
    year = timezone.localdate().year
    county = Organization.objects.filter(name__startswith="郾城区").order_by("depth").first()
    submitted = 0
    if county is not None:
        unions = Organization.objects.filter(
            path__subtree_of=county.path, level="grassroots", dissolved_on__isnull=True
        ).order_by("path")[:2]
        for union in unions:
            if AnnualReport.objects.filter(union=union, year=year).exists():
                continue
            report = services.report_draft(actor=SYSTEM, union=union, year=year)
            report = services.report_fill(actor=SYSTEM, report=report, typed=DEMO_TYPED)
            services.report_submit(actor=SYSTEM, report=report)
            submitted += 1
    stdout.write(f"brain: {rows} rollup rows, {submitted} statistics reports submitted")
