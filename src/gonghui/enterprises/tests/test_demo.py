import io

import pytest

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises import selectors
from gonghui.enterprises.demo import load_demo
from gonghui.enterprises.models import Enterprise
from gonghui.organizations.models import Organization

pytestmark = pytest.mark.django_db

# ``demo`` is the session's demo data (src/conftest.py), built once.


def figures(name):
    return selectors.coverage_for(user=SYSTEM, org_id=Organization.objects.get(name=name).pk)


def test_yinchuan_park_forms_unions_in_every_enterprise_of_25_or_more(demo):
    park = figures("银川经济技术开发区工会")
    assert park["big"] == 8
    assert park["big_rate"] == 100.0


def test_lianyun_small_and_micro_formation_rate_is_at_least_90(demo):
    lianyun = figures("连云区总工会")
    assert (lianyun["small"], lianyun["small_covered"]) == (30, 28)
    assert lianyun["small_rate"] >= 90


def test_lianyun_has_45_key_social_organisations_26_with_unions(demo):
    lianyun = figures("连云区总工会")
    assert (lianyun["key_social"], lianyun["key_social_covered"]) == (45, 26)


def test_luohe_demo_has_violators_oldest_first(demo):
    luohe = Organization.objects.get(name="漯河市总工会")
    names = [v.name for v in selectors.violators_for(user=SYSTEM, org_id=luohe.pk)]
    assert names[0] == "漯河市郾城区食品加工有限公司"
    assert "城关镇老旧小区改造工程" in names
    assert "康养产业园智慧养老项目" not in names


def test_loading_the_demo_twice_changes_nothing(demo):
    before = Enterprise.objects.count()
    assert load_demo(io.StringIO()) == 0
    assert Enterprise.objects.count() == before
