import datetime

import pytest

from gonghui.core.scoping import SYSTEM
from gonghui.enterprises import selectors, services
from gonghui.organizations.services import org_create, org_dissolve

from .factories import enterprise, project

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)


def union_under(parent, name="某企业工会", org_type="single"):
    return org_create(
        actor=SYSTEM, parent=parent, name=name, level="grassroots", org_type=org_type,
        region_code=parent.region_code,
    )  # fmt: skip


def test_formation_rates_match_a_hand_count(personas):
    union = union_under(personas.yancheng)
    for employees, covered in [(30, True), (100, True), (25, False), (24, False), (10, True)]:
        enterprise(personas.yancheng, employees=employees, union=union if covered else None)
    for covered in (True, True, False):
        enterprise(personas.yancheng, kind="small", employees=8, union=union if covered else None)
    figures = selectors.coverage_for(user=personas.luohe_officer, org_id=personas.luohe.pk)
    assert (figures["big"], figures["big_covered"]) == (3, 2)
    assert figures["big_rate"] == 66.7
    assert (figures["small"], figures["small_covered"]) == (3, 2)
    assert figures["small_rate"] == 66.7


def test_raising_employees_from_24_to_25_changes_the_rate(personas):
    union = union_under(personas.yancheng)
    enterprise(personas.yancheng, employees=30, union=union)
    borderline = enterprise(personas.yancheng, employees=24)
    before = selectors.coverage_for(user=personas.yancheng_officer, org_id=personas.yancheng.pk)
    services.enterprise_update(actor=SYSTEM, enterprise=borderline, employees=25)
    after = selectors.coverage_for(user=personas.yancheng_officer, org_id=personas.yancheng.pk)
    assert (before["big"], before["big_rate"]) == (1, 100.0)
    assert (after["big"], after["big_rate"]) == (2, 50.0)


def test_a_dissolved_union_covers_nobody(personas):
    union = union_under(personas.yancheng)
    enterprise(personas.yancheng, employees=30, union=union)
    org_dissolve(actor=SYSTEM, org=union, dissolved_on=datetime.date.today())
    figures = selectors.coverage_for(user=personas.yancheng_officer, org_id=personas.yancheng.pk)
    assert figures["big_rate"] == 0.0


def test_coverage_of_an_org_outside_the_scope_is_404(personas):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.coverage_for(user=personas.luohe_officer, org_id=personas.hunan.pk)


def test_violators_are_listed_oldest_first(personas):
    enterprise(
        personas.yancheng, name="新厂", employees=40, established_on=datetime.date(2024, 5, 1)
    )
    enterprise(
        personas.yancheng, name="老厂", employees=40, established_on=datetime.date(2010, 1, 1)
    )
    project(personas.yancheng, name="工地", workers=60, started_on=datetime.date(2015, 3, 1))
    names = [v.name for v in selectors.violators_for(
        user=personas.luohe_officer, org_id=personas.luohe.pk, today=TODAY)]  # fmt: skip
    assert names == ["老厂", "工地", "新厂"]


def test_the_one_month_rule_spares_a_new_project(personas):
    project(
        personas.yancheng, name="刚开工", workers=60, started_on=TODAY - datetime.timedelta(days=10)
    )
    project(
        personas.yancheng,
        name="开工一月",
        workers=60,
        started_on=TODAY - datetime.timedelta(days=31),
    )
    project(personas.yancheng, name="人少", workers=24, started_on=datetime.date(2020, 1, 1))
    names = [v.name for v in selectors.violators_for(
        user=personas.yancheng_officer, org_id=personas.yancheng.pk, today=TODAY)]  # fmt: skip
    assert names == ["开工一月"]


def test_a_province_rule_changes_the_threshold(personas):
    enterprise(personas.yancheng, employees=20)
    services.coverage_rule_set(actor=SYSTEM, province=personas.henan, min_workers=15, min_months=1)
    henan = selectors.coverage_for(user=SYSTEM, org_id=personas.luohe.pk)
    enterprise(personas.liuyang, employees=20)
    national = selectors.coverage_for(user=SYSTEM, org_id=personas.national.pk)
    assert henan["big"] == 1
    # 湖南 keeps the default 25: its 20-worker firm is not counted nationally.
    assert national["big"] == 1


def test_city_officer_cannot_change_the_province_rule(personas):
    from django.http import Http404

    with pytest.raises(Http404):
        services.coverage_rule_set(
            actor=personas.luohe_officer, province=personas.henan, min_workers=10, min_months=1
        )
