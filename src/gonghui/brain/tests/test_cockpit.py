import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.brain import rollups
from gonghui.core.models import AuditAction, AuditLog
from gonghui.members.tests.factories import make_member
from gonghui.stations.tests.factories import make_station


@pytest.fixture
def figures_tree(personas):
    for _n in range(2):
        make_member(personas.xinwuling, occupation_group="courier")
    make_member(personas.yancheng_project, occupation_group="carer")
    rollups.rebuild()
    return personas


def test_province_officer_sees_the_province_figures_and_children(client, figures_tree):
    p = figures_tree
    client.force_login(p.hunan_officer)
    response = client.get(reverse("brain:cockpit"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["org"]["id"] == p.hunan.pk
    assert figures["members"]["active"] == 2
    assert {row["key"]: row["count"] for row in figures["members"]["by_group"]}["courier"] == 2
    assert [row["name"] for row in figures["children"]] == [p.changsha.name]
    assert figures["children"][0]["active"] == 2
    assert 'id="brain-data"' in response.content.decode()


def test_drill_down_keeps_breadcrumbs_inside_the_scope(client, figures_tree):
    p = figures_tree
    client.force_login(p.hunan_officer)
    response = client.get(reverse("brain:org", args=[p.liuyang.pk]))
    assert response.status_code == 200
    assert [org.pk for org in response.context["crumbs"]] == [
        p.hunan.pk,
        p.changsha.pk,
        p.liuyang.pk,
    ]
    assert p.national.name not in response.content.decode().split("<main")[1].split("brain-data")[0]


def test_org_outside_the_scope_is_404_like_a_missing_one(client, figures_tree, api):
    p = figures_tree
    client.force_login(p.hunan_officer)
    assert client.get(reverse("brain:org", args=[p.henan.pk])).status_code == 404
    assert client.get(reverse("brain:org", args=[999999])).status_code == 404
    outside = api(p.hunan_officer).get(f"/api/brain/{p.yancheng.pk}")
    missing = api(p.hunan_officer).get("/api/brain/999999")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_api_returns_the_same_figures_and_one_panel(figures_tree, api):
    p = figures_tree
    body = api(p.luohe_officer).get(f"/api/brain/{p.luohe.pk}").json()
    assert body["members"]["active"] == 1
    panel = api(p.luohe_officer).get(f"/api/brain/{p.luohe.pk}/members").json()
    assert panel["members"] == body["members"]
    assert set(panel) == {"org", "period", "members"}


@pytest.mark.parametrize("period", ["2099-01", "1999-12", "2026-13", "soon"])
def test_period_in_the_future_or_before_2000_is_422(figures_tree, api, period):
    p = figures_tree
    response = api(p.hunan_officer).get(f"/api/brain/{p.hunan.pk}", period=period)
    assert response.status_code == 422
    assert "period" in response.json()["errors"]


def test_unknown_panel_is_422(figures_tree, api):
    p = figures_tree
    response = api(p.hunan_officer).get(f"/api/brain/{p.hunan.pk}/weather")
    assert response.status_code == 422
    assert "panel" in response.json()["errors"]


def test_page_with_a_future_period_is_422_and_says_why(client, figures_tree):
    client.force_login(figures_tree.hunan_officer)
    response = client.get(reverse("brain:cockpit"), {"period": "2099-01"})
    assert response.status_code == 422
    assert "统计期间不能晚于本月" in response.content.decode()


def test_export_writes_every_panel_and_an_audit_row(client, figures_tree):
    p = figures_tree
    client.force_login(p.hunan_officer)
    response = client.get(reverse("brain:export", args=[p.hunan.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 7
    assert "服务圈" in book.sheetnames
    members = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert members["会员总数"] == 2
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, org_path=p.hunan.path).count() == 1


def test_worker_and_anonymous_get_no_cockpit(client, figures_tree, api):
    p = figures_tree
    anonymous = client.get(reverse("brain:cockpit"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(p.worker)
    page = client.get(reverse("brain:cockpit"))
    assert page.status_code == 404 and 'id="panel-children"' not in page.content.decode()
    answer = api(p.worker).get(f"/api/brain/{p.hunan.pk}")
    assert answer.status_code == 404 and "湖南省总工会" not in answer.content.decode()


def test_cockpit_api_query_budget_does_not_grow_with_members(
    figures_tree, api, django_assert_max_num_queries
):
    p = figures_tree
    client = api(p.hunan_officer)
    client.get(f"/api/brain/{p.hunan.pk}")
    with django_assert_max_num_queries(40):
        small = client.get(f"/api/brain/{p.hunan.pk}")
    for _n in range(5):
        make_member(p.xinwuling)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(f"/api/brain/{p.hunan.pk}")
    assert small.status_code == 200
    assert len(first) <= 40


def test_service_circle_share_is_on_the_cockpit_and_in_the_api(client, figures_tree, api):
    p = figures_tree
    make_station(p.changsha, latitude=28.20, longitude=112.95)
    make_member(p.xinwuling, work_latitude=28.201, work_longitude=112.951)  # about 150 m away
    make_member(p.xinwuling, work_latitude=28.40, work_longitude=112.95)  # 22 km away
    client.force_login(p.hunan_officer)
    page = client.get(reverse("brain:cockpit")).content.decode()
    assert f'hx-get="{reverse("brain:circle", args=[p.hunan.pk])}"' in page
    fragment = client.get(reverse("brain:circle", args=[p.hunan.pk])).content.decode()
    assert 'id="fig-circle-share">50.0%' in fragment
    circle = api(p.hunan_officer).get(f"/api/brain/{p.hunan.pk}/circle").json()["circle"]
    assert (circle["members_located"], circle["members_covered"]) == (2, 1)
    assert circle["member_share"] == 50.0
    assert circle["members_without_location"] == 2  # the two members of the fixture
    outside = client.get(reverse("brain:circle", args=[p.henan.pk]))
    assert outside.status_code == 404 and "%" not in outside.content.decode()
