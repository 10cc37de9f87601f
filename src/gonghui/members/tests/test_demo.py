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
