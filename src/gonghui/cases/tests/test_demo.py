import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from gonghui.cases.models import Case, HardshipDisbursement, MutualAidClaim, MutualAidEnrolment

pytestmark = pytest.mark.django_db


def test_demo_loads_the_report_figures_and_is_idempotent(demo):
    counts = (
        Case.objects.count(),
        HardshipDisbursement.objects.count(),
        MutualAidEnrolment.objects.count(),
    )
    hengnan = HardshipDisbursement.objects.filter(application__county_union__name="衡南县总工会")
    assert hengnan.aggregate(total=Sum("amount"))["total"] == Decimal("1840000")
    units = MutualAidEnrolment.objects.filter(union__name="衡南县总工会", year=2026)
    assert units.count() == 205
    assert units.aggregate(total=Sum("participants"))["total"] == 18566
    statuses = set(MutualAidClaim.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "approved", "rejected", "paid"}
    louxing = Case.objects.filter(handling_union__path__startswith=_path("娄星区总工会"))
    assert louxing.count() >= 9
    assert louxing.filter(status="closed", rating__isnull=False).exists()

    call_command("demo", "--quiet-accounts", stdout=io.StringIO())
    assert (
        Case.objects.count(),
        HardshipDisbursement.objects.count(),
        MutualAidEnrolment.objects.count(),
    ) == counts
    assert MutualAidClaim.objects.count() == 4


def _path(name):
    from gonghui.organizations.models import Organization

    return Organization.objects.get(name=name).path
