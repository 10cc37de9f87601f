"""Every org endpoint and page, for an officer inside and outside their subtree and for anonymous.

Inside answers 2xx; outside answers exactly like a missing object (404, or for a parent named in
a body the same field error as a non-existent id); anonymous is 401 / a login redirect; and a
refused write leaves no trace: no changed row, no new row, no audit row.
"""

import pytest

from gonghui.core.models import AuditLog
from gonghui.organizations.models import Organization

MISSING_ID = 999_999

# (name, method, url template, payload builder (personas -> dict) or None, status when allowed)
API_WRITES = [
    ("update", "PATCH", "/api/orgs/{id}", lambda p: {"chair": "张三"}, 200),
    ("move", "POST", "/api/orgs/{id}/move", None, 200),
    ("dissolve", "POST", "/api/orgs/{id}/dissolve", lambda p: {"dissolved_on": "2026-06-30"}, 200),
]


def move_payload(personas, target):
    # Move the target to another parent inside the same officer's subtree.
    destination = personas.luohe if target.parent_id != personas.luohe.pk else personas.yancheng
    if target == personas.xinwuling:
        destination = personas.changsha
    return {"parent_id": destination.pk}


def payload_for(name, builder, personas, target):
    return move_payload(personas, target) if name == "move" else builder(personas)


def snapshot_state():
    return (
        list(
            Organization.objects.order_by("pk").values_list("pk", "path", "chair", "dissolved_on")
        ),
        AuditLog.objects.count(),
    )


@pytest.mark.django_db
class TestOrgApiScope:
    def test_officer_reads_an_org_in_their_subtree(self, personas, api):
        response = api(personas.luohe_officer).get(f"/api/orgs/{personas.yancheng_project.pk}")
        assert response.status_code == 200
        assert response.json()["name"] == personas.yancheng_project.name

    def test_officer_gets_404_for_an_org_outside_their_subtree(self, personas, api):
        response = api(personas.luohe_officer).get(f"/api/orgs/{personas.xinwuling.pk}")
        missing = api(personas.luohe_officer).get(f"/api/orgs/{MISSING_ID}")
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()

    def test_officer_cannot_read_their_parent_org(self, personas, api):
        response = api(personas.luohe_officer).get(f"/api/orgs/{personas.henan.pk}")
        assert response.status_code == 404
        assert response.json() == api(personas.luohe_officer).get(f"/api/orgs/{MISSING_ID}").json()
        assert "河南" not in response.content.decode()

    def test_list_holds_only_the_officer_subtree(self, personas, api):
        response = api(personas.luohe_officer).get("/api/orgs", limit=100)
        names = {item["name"] for item in response.json()["items"]}
        assert names == {"漯河市总工会", "郾城区总工会", "康养产业园智慧养老项目工会"}

    def test_province_officer_sees_every_level_below(self, personas, api):
        response = api(personas.hunan_officer).get("/api/orgs", limit=100)
        names = {item["name"] for item in response.json()["items"]}
        assert {"湖南省总工会", "浏阳市总工会", "新屋岭社区工会联合会"} <= names
        assert "漯河市总工会" not in names

    @pytest.mark.parametrize(
        "name,method,url,builder,ok", API_WRITES, ids=[w[0] for w in API_WRITES]
    )
    def test_write_inside_subtree_succeeds(self, personas, api, name, method, url, builder, ok):
        target = personas.yancheng_project
        response = api(personas.luohe_officer).request(
            method, url.format(id=target.pk), payload_for(name, builder, personas, target)
        )
        assert response.status_code == ok, response.content
        assert AuditLog.objects.filter(object_id=str(target.pk)).exclude(action="create").exists()

    @pytest.mark.parametrize(
        "name,method,url,builder,ok", API_WRITES, ids=[w[0] for w in API_WRITES]
    )
    def test_write_outside_subtree_is_404_and_changes_nothing(
        self, personas, api, name, method, url, builder, ok
    ):
        target = personas.xinwuling
        before = snapshot_state()
        response = api(personas.luohe_officer).request(
            method, url.format(id=target.pk), payload_for(name, builder, personas, target)
        )
        assert response.status_code == 404
        assert snapshot_state() == before

    @pytest.mark.parametrize(
        "name,method,url,builder,ok", API_WRITES, ids=[w[0] for w in API_WRITES]
    )
    def test_auditor_cannot_write_even_inside_their_subtree(
        self, personas, api, name, method, url, builder, ok
    ):
        target = personas.xinwuling
        before = snapshot_state()
        response = api(personas.hunan_auditor).request(
            method, url.format(id=target.pk), payload_for(name, builder, personas, target)
        )
        assert response.status_code == 404
        assert snapshot_state() == before

    @pytest.mark.parametrize(
        "name,method,url,builder,ok", API_WRITES, ids=[w[0] for w in API_WRITES]
    )
    def test_anonymous_write_is_401_and_changes_nothing(
        self, personas, api, name, method, url, builder, ok
    ):
        target = personas.yancheng_project
        before = snapshot_state()
        response = api().request(
            method, url.format(id=target.pk), payload_for(name, builder, personas, target)
        )
        assert response.status_code == 401
        assert snapshot_state() == before

    def test_worker_token_sees_no_orgs(self, personas, api):
        response = api(personas.worker).get("/api/orgs")
        assert response.status_code == 200
        assert response.json()["count"] == 0
        assert api(personas.worker).get(f"/api/orgs/{personas.luohe.pk}").status_code == 404

    def test_create_under_org_outside_subtree_is_the_same_error_as_a_missing_parent(
        self, personas, api
    ):
        body = {
            "name": "测试工会",
            "level": "grassroots",
            "org_type": "single",
            "region_code": "430181",
        }
        before = snapshot_state()
        outside = api(personas.luohe_officer).post(
            "/api/orgs", {**body, "parent_id": personas.xinwuling.pk}
        )
        missing = api(personas.luohe_officer).post("/api/orgs", {**body, "parent_id": MISSING_ID})
        assert outside.status_code == missing.status_code == 422
        assert outside.json() == missing.json()
        assert "parent_id" in outside.json()["errors"]
        assert snapshot_state() == before

    def test_create_under_org_in_subtree_succeeds(self, personas, api):
        response = api(personas.luohe_officer).post(
            "/api/orgs",
            {
                "parent_id": personas.yancheng.pk,
                "name": "漯河港航物流园区项目工会",
                "level": "grassroots",
                "org_type": "project",
                "region_code": "411103",
            },
        )
        assert response.status_code == 201
        created = Organization.objects.get(pk=response.json()["id"])
        assert created.path.startswith(personas.yancheng.path)

    def test_move_into_another_officers_subtree_is_refused(self, personas, api):
        before = snapshot_state()
        response = api(personas.luohe_officer).post(
            f"/api/orgs/{personas.yancheng_project.pk}/move", {"parent_id": personas.liuyang.pk}
        )
        assert response.status_code == 422
        assert "parent_id" in response.json()["errors"]
        assert snapshot_state() == before

    def test_officer_cannot_move_or_dissolve_their_own_org(self, personas, api):
        client = api(personas.yancheng_officer)
        before = snapshot_state()
        moved = client.post(
            f"/api/orgs/{personas.yancheng.pk}/move", {"parent_id": personas.luohe.pk}
        )
        dissolved = client.post(
            f"/api/orgs/{personas.yancheng.pk}/dissolve", {"dissolved_on": "2026-01-01"}
        )
        assert moved.status_code == dissolved.status_code == 422
        assert snapshot_state() == before

    def test_audit_log_shows_only_changes_in_the_officer_subtree(self, personas, api):
        response = api(personas.luohe_officer).get("/api/audit", limit=500)
        assert response.status_code == 200
        reprs = {item["object_repr"] for item in response.json()["items"]}
        assert "郾城区总工会" in reprs
        assert "浏阳市总工会" not in reprs and "新屋岭社区工会联合会" not in reprs

    def test_auditor_reads_the_audit_log_of_their_subtree(self, personas, api):
        response = api(personas.hunan_auditor).get("/api/audit", limit=500)
        reprs = {item["object_repr"] for item in response.json()["items"]}
        assert "浏阳市总工会" in reprs and "郾城区总工会" not in reprs

    def test_anonymous_reads_are_401(self, personas, api):
        for url in ["/api/orgs", f"/api/orgs/{personas.luohe.pk}", "/api/audit", "/api/me"]:
            response = api().get(url)
            assert response.status_code == 401, url
            assert response.json()["detail"] and "总工会" not in response.content.decode(), url


PAGES = [
    "/orgs/{id}/",
    "/orgs/{id}/children/",
    "/orgs/{id}/edit/",
    "/orgs/{id}/move/",
    "/orgs/{id}/dissolve/",
]


@pytest.mark.django_db
class TestOrgPagesScope:
    @pytest.mark.parametrize("url", PAGES)
    def test_page_for_org_in_subtree_is_200(self, personas, client, url):
        client.force_login(personas.luohe_officer)
        response = client.get(url.format(id=personas.yancheng.pk))
        assert response.status_code == 200
        shown = personas.yancheng_project if "children" in url else personas.yancheng
        assert shown.name in response.content.decode()

    @pytest.mark.parametrize("url", PAGES)
    def test_page_for_org_outside_subtree_is_404(self, personas, client, url):
        client.force_login(personas.luohe_officer)
        response = client.get(url.format(id=personas.xinwuling.pk))
        assert response.status_code == 404
        assert "新屋岭" not in response.content.decode()

    @pytest.mark.parametrize("url", PAGES)
    def test_anonymous_is_sent_to_login(self, personas, client, url):
        response = client.get(url.format(id=personas.yancheng.pk))
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")

    @pytest.mark.parametrize("url", PAGES)
    def test_worker_gets_404(self, personas, client, url):
        client.force_login(personas.worker)
        response = client.get(url.format(id=personas.yancheng.pk))
        assert response.status_code == 404
        assert "郾城区总工会" not in response.content.decode()

    def test_posting_an_edit_outside_subtree_changes_nothing(self, personas, client):
        client.force_login(personas.luohe_officer)
        before = snapshot_state()
        response = client.post(
            f"/orgs/{personas.xinwuling.pk}/edit/",
            {
                "name": "改名",
                "level": "community",
                "org_type": "community",
                "region_code": "430181",
            },
        )
        assert response.status_code == 404
        assert snapshot_state() == before

    def test_posting_a_dissolve_outside_subtree_changes_nothing(self, personas, client):
        client.force_login(personas.luohe_officer)
        before = snapshot_state()
        response = client.post(
            f"/orgs/{personas.xinwuling.pk}/dissolve/", {"dissolved_on": "2026-01-01"}
        )
        assert response.status_code == 404
        assert snapshot_state() == before

    def test_audit_page_lists_only_subtree_changes(self, personas, client):
        client.force_login(personas.luohe_officer)
        page = client.get("/audit/").content.decode()
        assert "郾城区总工会" in page and "浏阳市总工会" not in page
