import io

import pytest

from gonghui.members.demo import SITES, load_demo
from gonghui.members.models import Member

pytestmark = pytest.mark.django_db


def test_demo_members_load_on_the_demo_tree_and_are_idempotent(demo):
    ours = Member.objects.filter(
        union__name__in=[site[0] for site in SITES], name__startswith="演示"
    )
    assert ours.count() == sum(site[1] for site in SITES)
    total = Member.objects.count()
    load_demo(io.StringIO())
    assert Member.objects.count() == total


def test_demo_membership_coverage_of_xinwuling_is_a_real_figure(demo):
    from gonghui.core.scoping import SYSTEM
    from gonghui.enterprises.selectors import coverage_for
    from gonghui.organizations.models import Organization

    xinwuling = Organization.objects.get(name="新屋岭社区工会联合会")
    figures = coverage_for(user=SYSTEM, org_id=xinwuling.pk)
    # 40 couriers of the 花炮配送 company (one of them lapsed) and 25 food couriers of the
    # 外卖配送站, over 52 + 31 employees.
    assert figures["members"] == 64
    assert figures["total_employees"] == 83
    assert figures["member_rate"] == 77.1
