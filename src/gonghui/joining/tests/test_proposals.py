"""Which union a worker is offered: in their own place (county, then distance), employer first,
then the local industry union, then the regional union; never a union in another province
pre-selected; the nearest regional union or the 12351 hotline when nothing is near."""

import json

import pytest
from django.test import Client

from gonghui.core.testing.asserts import nothing_written
from gonghui.members import selectors
from gonghui.members.models import UnionJoinPolicy
from gonghui.members.tests.factories import id_card, phone
from gonghui.organizations.demo_tree import TREE
from gonghui.organizations.models import Organization
from gonghui.portal.management.commands.demo import Command as DemoCommand

pytestmark = pytest.mark.django_db


def load_demo_tree():
    command = DemoCommand()
    command.created, command.serial = 0, 0
    command._ensure(TREE, parent=None)


@pytest.fixture
def demo_tree(db):
    load_demo_tree()
    return {org.name: org for org in Organization.objects.all()}


def propose(**fields):
    response = Client().post(
        "/api/members/join/propose", json.dumps(fields), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def province_of(org_id):
    return Organization.objects.get(pk=org_id).ancestors().filter(level="province").get().name


def test_food_delivery_rider_in_yancheng_is_offered_a_yancheng_union_first(demo_tree):
    proposals = propose(occupation_group="food_delivery", work_place="郾城区城关镇")
    assert proposals[0]["name"] == "郾城区城关镇工会" and proposals[0]["local"] is True
    assert {province_of(p["id"]) for p in proposals} == {"河南省总工会"}
    assert "新屋岭外卖配送行业工会" not in [p["name"] for p in proposals]


def test_truck_driver_in_yuanhui_gets_the_yuanhui_union_not_hunan_or_jiangsu(demo_tree):
    proposals = propose(occupation_group="truck_driver", work_place="源汇区")
    assert [p["name"] for p in proposals] == ["源汇区总工会"]
    assert proposals[0]["local"] is True


def test_local_industry_union_comes_before_the_regional_union(demo_tree):
    proposals = propose(occupation_group="courier", work_place="浏阳市集里街道新屋岭社区")
    assert [(p["name"], p["reason"]) for p in proposals[:2]] == [
        ("新屋岭快递物流行业工会", "industry"),
        ("新屋岭社区工会联合会", "regional"),
    ]


def test_employer_union_comes_first_then_the_place(demo_tree):
    proposals = propose(occupation_group="carer", work_place="郾城区康养产业园")
    assert proposals[0]["name"] == "康养产业园智慧养老项目工会"
    assert proposals[0]["reason"] == "employer"
    assert [p["reason"] for p in proposals[1:]] == ["regional", "regional"]


def test_a_union_not_taking_joins_is_never_offered(demo_tree):
    UnionJoinPolicy.objects.create(union=demo_tree["郾城区城关镇工会"], accepts_joins=False)
    proposals = propose(occupation_group="food_delivery", work_place="郾城区城关镇")
    names = [p["name"] for p in proposals]
    assert "郾城区城关镇工会" not in names and names[0] == "郾城区总工会"


def test_worker_with_no_union_near_gets_an_empty_list_not_a_distant_one(demo_tree):
    assert propose(occupation_group="food_delivery", work_place="北京市朝阳区") == []
    beijing = {"work_latitude": 39.9219, "work_longitude": 116.4436}
    assert propose(occupation_group="food_delivery", work_place="北京市朝阳区", **beijing) == []


def test_nearest_regional_union_outside_the_county_is_offered_but_not_local(demo_tree):
    # Only a position (no place words): the nearest regional unions within reach.
    near_yancheng = {"work_latitude": 33.59, "work_longitude": 114.01}
    proposals = propose(occupation_group="food_delivery", **near_yancheng)
    assert proposals and all(p["reason"] == "nearby" and not p["local"] for p in proposals)
    assert {province_of(p["id"]) for p in proposals} == {"河南省总工会"}
    assert all(p["distance_km"] <= selectors.NEARBY_KM for p in proposals)


def test_join_page_sends_a_worker_with_no_union_near_to_the_hotline(client, demo_tree):
    details = {
        "name": "李师傅", "id_card": id_card("110105"), "phone": phone(),
        "occupation_group": "food_delivery", "employer_name": "", "work_place": "北京市朝阳区",
        "step": "details",
    }  # fmt: skip
    with nothing_written():
        page = client.post("/join", details)
    assert page.status_code == 422 and "12351" in page.content.decode()


def test_join_page_preselects_only_a_union_in_the_workers_county(client, demo_tree):
    details = {
        "name": "李师傅", "id_card": id_card("411103"), "phone": phone(),
        "occupation_group": "food_delivery", "employer_name": "", "step": "details",
    }  # fmt: skip
    page = client.post("/join", {**details, "work_place": "郾城区城关镇"}).content.decode()
    chosen = demo_tree["郾城区城关镇工会"].pk
    assert f'value="{chosen}" checked' in page
    assert "您所在地的区域工会" in page and "湖南" not in page
    # A city named, not a county: unions are offered, none chosen for the worker.
    page = client.post("/join", {**details, "work_place": "漯河市", "phone": phone()})
    body = page.content.decode()
    assert 'data-local="0"' in body and "checked" not in body and "12351" in body


def test_employer_union_in_another_county_is_offered_after_the_workers_own(demo_tree):
    proposals = propose(
        occupation_group="carer", employer_name="康养产业园智慧养老项目", work_place="源汇区"
    )
    assert [(p["name"], p["local"]) for p in proposals] == [
        ("源汇区总工会", True),
        ("康养产业园智慧养老项目工会", False),
    ]
