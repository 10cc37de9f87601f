import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from gonghui.aid.models import HardshipDisbursement, MutualAidClaim, MutualAidEnrolment

pytestmark = pytest.mark.django_db


def test_demo_loads_the_report_figures_and_is_idempotent(demo):
    counts = (HardshipDisbursement.objects.count(), MutualAidEnrolment.objects.count())
    hengnan = HardshipDisbursement.objects.filter(application__county_union__name="衡南县总工会")
    assert hengnan.aggregate(total=Sum("amount"))["total"] == Decimal("1840000")
    units = MutualAidEnrolment.objects.filter(union__name="衡南县总工会", year=2026)
    assert units.count() == 205
    assert units.aggregate(total=Sum("participants"))["total"] == 18566
    statuses = set(MutualAidClaim.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "approved", "rejected", "paid"}

    call_command("demo", "--quiet-accounts", stdout=io.StringIO())
    assert (HardshipDisbursement.objects.count(), MutualAidEnrolment.objects.count()) == counts
    assert MutualAidClaim.objects.count() == 4
