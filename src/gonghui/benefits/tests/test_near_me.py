"""Issue 11 item 2 for jobs and discounts: "near me" lists only what is within reach
(NEAR_ME_KM, 20 km by default, or ``within_km``), nearest first, and says in words when nothing
is near instead of listing postings 500 km away."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from gonghui.core.scoping import SYSTEM

from .. import selectors, services
from ..choices import DiscountCategory
from . import factories

pytestmark = pytest.mark.django_db
YANCHENG = {"lat": "33.5870", "lon": "114.0069"}  # a worker in 郾城区
LIUYANG = (28.1745, 113.6520)  # 浏阳, about 600 km south


def discount(org, **fields):
    today = timezone.localdate()
    fields.setdefault("merchant", "职工食堂")
    fields.setdefault("offer", "九折")
    fields.setdefault("category", DiscountCategory.FOOD)
    fields.setdefault("place", "郾城区")
    return services.discount_create(
        actor=SYSTEM, org=org, valid_from=today - datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=30), **fields,
    )  # fmt: skip


@pytest.fixture
def far_and_near(personas):
    far = factories.job(personas.liuyang, title="浏阳快递分拣员", latitude=LIUYANG[0],
                        longitude=LIUYANG[1])  # fmt: skip
    return far


def test_jobs_page_says_nothing_near_instead_of_a_job_600_km_away(client, far_and_near):
    html = client.get("/jobs/", YANCHENG).content.decode()
    assert "离您 20 公里内没有岗位。" in html
    assert "浏阳快递分拣员" not in html
    assert 'href="?"' in html  # back to the whole list
    everything = client.get("/jobs/").content.decode()
    assert "浏阳快递分拣员" in everything and "公里内" not in everything


def test_jobs_near_me_are_nearest_first_with_distances(client, personas, far_and_near):
    second = factories.job(
        personas.yancheng, title="沙北装卸工", latitude=33.6010, longitude=114.02
    )
    first = factories.job(
        personas.yancheng, title="城关保洁员", latitude=33.5890, longitude=114.009
    )
    factories.job(personas.yancheng, title="地点未定")  # no coordinates: not "near"
    jobs = selectors.open_jobs(lat=33.587, lon=114.0069)
    assert [j.pk for j in jobs] == [first.pk, second.pk]
    html = client.get("/jobs/", YANCHENG).content.decode()
    assert "离您 20 公里内的岗位，由近到远。" in html
    assert html.index("城关保洁员") < html.index("沙北装卸工")
    assert "296 米" in html and "2.0 公里" in html
    assert "地点未定" not in html and "浏阳快递分拣员" not in html


def test_jobs_api_keeps_its_fields_and_adds_distance_m_within_the_radius(
    api, personas, far_and_near
):
    near = factories.job(personas.yancheng, title="城关保洁员", latitude=33.5890, longitude=114.009)
    ridge = factories.job(personas.yancheng, title="北站搬运", latitude=33.8570, longitude=114.0069)
    body = api().get("/api/activities/jobs/open", **YANCHENG).json()
    assert [j["title"] for j in body] == ["城关保洁员"]
    assert body[0]["distance_km"] == pytest.approx(0.3, abs=0.01)
    assert body[0]["distance_m"] == pytest.approx(295, abs=1)
    wider = api().get("/api/activities/jobs/open", within_km=40, **YANCHENG).json()
    assert [j["id"] for j in wider] == [near.pk, ridge.pk]
    assert 29_000 < wider[1]["distance_m"] < 31_000
    everything = api().get("/api/activities/jobs/open").json()
    assert {j["title"] for j in everything} == {"城关保洁员", "北站搬运", "浏阳快递分拣员"}
    assert all(j["distance_m"] is None for j in everything)


@pytest.mark.parametrize("value", [0, 201, "far"])
def test_bad_within_km_is_a_422_field_error(api, db, value):
    for url in ("/api/activities/jobs/open", "/api/activities/discounts/open",
                "/api/activities/trainings/open"):  # fmt: skip
        response = api().get(url, within_km=value, **YANCHENG)
        assert response.status_code == 422
        assert "within_km" in response.json()["errors"]


@override_settings(NEAR_ME_KM=1)
def test_discounts_near_me_follow_the_setting_and_say_when_none_is_near(api, client, personas):
    discount(personas.yancheng, merchant="城关食堂", latitude=33.5890, longitude=114.009)
    discount(personas.yancheng, merchant="沙北超市", latitude=33.6010, longitude=114.02)  # 2 km
    body = api().get("/api/activities/discounts/open", **YANCHENG).json()
    assert [d["merchant"] for d in body] == ["城关食堂"]
    html = client.get("/discounts/", {"lat": "33.70", "lon": "114.0069"}).content.decode()
    assert "离您 1 公里内没有优惠商家。" in html and "城关食堂" not in html
