# ruff: noqa: E501  (request tables read best one call per line)
import datetime

import pytest

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises import services
from gonghui.enterprises.models import (
    Enterprise,
    GridAssignment,
    ServiceClaim,
    ServiceProject,
    Visit,
)

from .factories import credit_code, enterprise, project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def hunan_world(personas):
    """Objects under 湖南 that a 漯河 officer must never see or touch."""
    firm = enterprise(personas.liuyang, name="浏阳烟花厂", latitude=28.16, longitude=113.64)
    social = enterprise(personas.liuyang, name="浏阳志愿者协会", kind="social", industry="S")
    site = project(personas.liuyang, name="浏阳工地")
    visit = services.visit_record(
        actor=SYSTEM, enterprise=firm, visited_on=datetime.date(2025, 1, 2), result="agreed"
    )
    service = services.service_project_publish(
        actor=SYSTEM, publisher=personas.liuyang, title="送清凉"
    )
    claim = services.service_claim_submit(actor=SYSTEM, project=service, social_org=social)
    return {"firm": firm, "social": social, "site": site, "visit": visit,
            "service": service, "claim": claim}  # fmt: skip


def read_urls(w, p):
    return [
        f"/api/enterprises/{w['firm'].pk}",
        f"/api/enterprises/{w['firm'].pk}/visits",
        f"/api/projects/{w['site'].pk}",
        f"/api/coverage?org_id={p.liuyang.pk}",
        f"/api/coverage/violators?org_id={p.liuyang.pk}",
        f"/api/coverage-rules/{p.hunan.pk}",
        f"/api/grid?org_id={p.liuyang.pk}",
        f"/api/social-orgs?org_id={p.liuyang.pk}",
        f"/api/service-projects/{w['service'].pk}",
        f"/api/service-projects/{w['service'].pk}/claims",
    ]


def write_calls(w, p):
    return [
        ("patch", f"/api/enterprises/{w['firm'].pk}", {"employees": 1}),
        ("post", f"/api/enterprises/{w['firm'].pk}/visits", {"visited_on": "2025-01-03", "result": "refused"}),
        ("patch", f"/api/projects/{w['site'].pk}", {"workers": 1}),
        ("post", f"/api/projects/{w['site'].pk}/end", {"ended_on": "2025-06-01"}),
        ("put", f"/api/coverage-rules/{p.hunan.pk}", {"min_workers": 5, "min_months": 1}),
        ("post", f"/api/service-projects/{w['service'].pk}/claims", {"social_org_id": w["social"].pk}),
        ("post", f"/api/service-claims/{w['claim'].pk}/approve", {}),
        ("post", f"/api/service-projects/{w['service'].pk}/deliver", {"delivered_on": "2025-01-01", "beneficiaries": 3}),
    ]  # fmt: skip


def test_luohe_officer_gets_404_for_every_hunan_read(personas, hunan_world, api):
    client = api(personas.luohe_officer)
    for url in read_urls(hunan_world, personas):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "浏阳" not in response.content.decode() and response.json()["detail"], url


def test_hunan_officer_reads_the_same_urls(personas, hunan_world, api):
    client = api(personas.hunan_officer)
    for url in read_urls(hunan_world, personas):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert not (isinstance(body, dict) and "detail" in body), url  # data, not an error


def test_anonymous_gets_401_everywhere(personas, hunan_world, api):
    client = api()
    for url in read_urls(hunan_world, personas):
        response = client.get(url)
        assert response.status_code == 401, url
        assert "浏阳" not in response.content.decode() and response.json()["detail"], url
    with nothing_written():
        for method, url, payload in write_calls(hunan_world, personas):
            assert client.request(method, url, payload).status_code == 401, url


def test_out_of_scope_writes_are_404_and_change_nothing(personas, hunan_world, api):
    client = api(personas.luohe_officer)
    for method, url, payload in write_calls(hunan_world, personas):
        assert client.request(method, url, payload).status_code == 404, url
    firm = Enterprise.objects.get(pk=hunan_world["firm"].pk)
    assert firm.employees == 30
    assert Visit.objects.count() == 1
    assert hunan_world["site"].__class__.objects.get().ended_on is None
    assert ServiceClaim.objects.get().status == "pending"
    assert ServiceProject.objects.get().status == "published"


def test_out_of_scope_lists_are_empty(personas, hunan_world, api):
    client = api(personas.luohe_officer)
    for url in (
        "/api/enterprises",
        "/api/projects",
        "/api/service-projects",
    ):
        body = client.get(url).json()
        assert body.get("count", len(body)) == 0, url


def test_registering_under_an_out_of_scope_org_is_a_field_error(personas, api):
    response = api(personas.luohe_officer).post("/api/enterprises", {
        "name": "某厂", "credit_code": credit_code(), "street_org_id": personas.liuyang.pk})  # fmt: skip
    assert response.status_code == 422
    assert "street_org_id" in response.json()["errors"]
    assert not Enterprise.objects.exists()


def test_grid_assignment_outside_the_scope_is_404(personas, api):
    response = api(personas.luohe_officer).post("/api/grid/assignments", {
        "org_id": personas.liuyang.pk, "cell": "8840d8a8c1fffff", "officer_id": personas.hunan_officer.pk})  # fmt: skip
    assert response.status_code == 404
    assert not GridAssignment.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"credit_code": "91411103MA00000001"}, "credit_code"),
        ({"employees": -3}, "employees"),
        ({"industry": "Z"}, "industry"),
    ],
)
def test_bad_enterprise_input_is_422_with_field_errors(personas, api, payload, field):
    body = {
        "name": "某厂",
        "credit_code": credit_code(),
        "street_org_id": personas.yancheng.pk,
        **payload,
    }
    response = api(personas.luohe_officer).post("/api/enterprises", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Enterprise.objects.exists()


def test_duplicate_enterprise_is_422(personas, api):
    code = credit_code()
    client = api(personas.luohe_officer)
    body = {"name": "某厂", "credit_code": code, "street_org_id": personas.yancheng.pk}
    assert client.post("/api/enterprises", body).status_code == 201
    response = client.post("/api/enterprises", {**body, "name": "另一厂"})
    assert response.status_code == 422
    assert "credit_code" in response.json()["errors"]
    assert Enterprise.objects.count() == 1


def test_service_project_publish_claim_approve_deliver(personas, api):
    client = api(personas.hunan_officer)
    first = enterprise(personas.liuyang, kind="social", industry="S", name="社工站")
    second = enterprise(personas.liuyang, kind="social", industry="S", name="志愿者协会")
    firm = enterprise(personas.liuyang, name="普通企业")
    published = client.post(
        "/api/service-projects", {"publisher_id": personas.liuyang.pk, "title": "送清凉"}
    )
    assert published.status_code == 201
    pid = published.json()["id"]
    claims = [
        client.post(f"/api/service-projects/{pid}/claims", {"social_org_id": s.pk}).json()
        for s in (first, second)
    ]
    with nothing_written():
        not_social = client.post(f"/api/service-projects/{pid}/claims", {"social_org_id": firm.pk})
        early = client.post(
            f"/api/service-projects/{pid}/deliver",
            {"delivered_on": "2025-07-01", "beneficiaries": 240},
        )
    assert not_social.status_code == 422 and not_social.json()["errors"]
    assert early.status_code == 422 and early.json()["errors"]
    assert (
        client.post(f"/api/service-claims/{claims[0]['id']}/approve").json()["status"] == "approved"
    )
    statuses = {
        c["id"]: c["status"] for c in client.get(f"/api/service-projects/{pid}/claims").json()
    }
    assert statuses == {claims[0]["id"]: "approved", claims[1]["id"]: "rejected"}
    delivered = client.post(
        f"/api/service-projects/{pid}/deliver", {"delivered_on": "2025-07-01", "beneficiaries": 240}
    )
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["beneficiaries"] == 240


def test_visit_log_and_grid_figures(personas, api):
    client = api(personas.yancheng_officer)
    firm = enterprise(personas.yancheng, latitude=33.587, longitude=114.0069, employees=40)
    enterprise(
        personas.yancheng,
        latitude=33.587,
        longitude=114.0069,
        employees=10,
        union=personas.yancheng_project,
    )
    with nothing_written():
        visit = client.post(
            f"/api/enterprises/{firm.pk}/visits",
            {"visited_on": "2025-01-02", "result": "follow_up"},
        )
    assert visit.status_code == 422 and "follow_up_on" in visit.json()["errors"]
    ok = client.post(
        f"/api/enterprises/{firm.pk}/visits",
        {"visited_on": "2025-01-02", "result": "follow_up", "follow_up_on": "2025-02-01"},
    )
    assert ok.status_code == 201
    assigned = client.post(
        "/api/grid/assignments",
        {
            "org_id": personas.yancheng.pk,
            "cell": firm.h3_cell,
            "officer_id": personas.yancheng_officer.pk,
        },
    )
    assert assigned.status_code == 201
    [cell] = client.get(f"/api/grid?org_id={personas.yancheng.pk}").json()
    assert (cell["cell"], cell["enterprises"], cell["uncovered"], cell["uncovered_workers"]) == (
        firm.h3_cell,
        2,
        1,
        40,
    )
    assert cell["officers"] == ["yancheng_officer"] or len(cell["officers"]) == 1
    assert len(cell["boundary"]) == 6
