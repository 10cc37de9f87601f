import io

import pytest
from django.core.management import call_command

from gonghui.cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_loads_the_report_figures_and_is_idempotent(demo):
    count = Case.objects.count()
    louxing = Case.objects.filter(handling_union__path__startswith=_path("娄星区总工会"))
    assert louxing.count() >= 9
    assert louxing.filter(status="closed", rating__isnull=False).exists()

    call_command("demo", "--quiet-accounts", stdout=io.StringIO())
    assert Case.objects.count() == count


def _path(name):
    from gonghui.organizations.models import Organization

    return Organization.objects.get(name=name).path
