"""The scope matrix: own subtree 200, other province 404, anonymous 401/redirect, and writes
that were refused did not happen."""

import io

import pytest
from python_calamine import CalamineWorkbook

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.members import services
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member, TransferRequest

from .factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hunan_member(personas):
    return make_member(personas.xinwuling, name="湖南会员")


@pytest.fixture
def henan_member(personas):
    return make_member(personas.yancheng_project, name="河南会员")


def api_calls(member_id, to_union_id):
    return [
        ("get", f"/api/members/{member_id}", None),
        ("patch", f"/api/members/{member_id}", {"employer_name": "改"}),
        ("post", f"/api/members/{member_id}/status", {"status": "lapsed"}),
        ("post", f"/api/members/{member_id}/approve", {}),
        ("post", f"/api/members/{member_id}/transfer", {"to_union_id": to_union_id}),
        ("get", f"/api/members/{member_id}/card", None),
    ]


def call(client, method, url, payload):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, payload)


def test_luohe_officer_gets_404_for_hunan_member_on_every_endpoint(api, personas, hunan_member):
    client = api(personas.luohe_officer)
    for method, url, payload in api_calls(hunan_member.pk, personas.yancheng.pk):
        response = call(client, method, url, payload)
        assert response.status_code == 404, (method, url, response.status_code)
    hunan_member.refresh_from_db()
    assert hunan_member.employer_name == "某某快递网点"
    assert hunan_member.status == MemberStatus.ACTIVE
    assert not TransferRequest.objects.exists()


def test_own_subtree_endpoints_answer(api, personas, henan_member):
    client = api(personas.luohe_officer)
    assert client.get(f"/api/members/{henan_member.pk}").status_code == 200
    assert client.get(f"/api/members/{henan_member.pk}/card").status_code == 200
    response = client.patch(f"/api/members/{henan_member.pk}", {"employer_name": "新单位"})
    assert response.status_code == 200 and response.json()["employer_name"] == "新单位"


def test_member_list_shows_only_own_subtree(api, personas, hunan_member, henan_member):
    ids = [m["id"] for m in api(personas.luohe_officer).get("/api/members").json()["items"]]
    assert ids == [henan_member.pk]
    everyone = api(personas.superuser).get("/api/members").json()["count"]
    assert everyone == 2


def test_anonymous_gets_401_from_member_api(api, hunan_member):
    with nothing_written():
        for method, url, payload in api_calls(hunan_member.pk, hunan_member.union_id):
            response = call(api(), method, url, payload)
            assert response.status_code == 401, url
            assert "湖南会员" not in response.content.decode(), url
    listing = api().get("/api/members")
    assert listing.status_code == 401 and "items" not in listing.json()


def test_auditor_reads_but_cannot_write(api, personas, hunan_member):
    client = api(personas.hunan_auditor)
    response = client.get(f"/api/members/{hunan_member.pk}")
    assert response.status_code == 200
    assert "****" in response.json()["phone"]
    assert client.patch(f"/api/members/{hunan_member.pk}", {"name": "改"}).status_code == 404
    hunan_member.refresh_from_db()
    assert hunan_member.name == "湖南会员"


def test_luohe_officer_cannot_accept_transfer_into_hunan(api, personas, henan_member):
    transfer = services.member_transfer_request(
        actor=personas.luohe_officer, member=henan_member, to_union=personas.xinwuling
    )
    response = api(personas.luohe_officer).post(f"/api/members/transfers/{transfer.pk}/accept", {})
    assert response.status_code == 404
    henan_member.refresh_from_db()
    assert henan_member.union == personas.yancheng_project
    accepted = api(personas.hunan_officer).post(f"/api/members/transfers/{transfer.pk}/accept", {})
    assert accepted.status_code == 200 and accepted.json()["id"] == henan_member.pk


def test_luohe_officer_views_404_for_hunan_member(client, personas, hunan_member):
    client.force_login(personas.luohe_officer)
    assert client.get(f"/members/{hunan_member.pk}/").status_code == 404
    response = client.post(f"/members/{hunan_member.pk}/", {"action": "status", "status": "lapsed"})
    assert response.status_code == 404
    response = client.post(f"/members/{hunan_member.pk}/", {"action": "show_id"})
    assert response.status_code == 404
    hunan_member.refresh_from_db()
    assert hunan_member.status == MemberStatus.ACTIVE


def test_export_leaves_out_other_provinces_and_masks(client, personas, hunan_member, henan_member):
    client.force_login(personas.luohe_officer)
    response = client.get("/members/export.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = rows.get_sheet_by_index(0).to_python()
    assert [r[1] for r in rows[1:]] == ["河南会员"]
    full_id = services.member_id_card(actor=SYSTEM, member=henan_member)
    assert rows[1][2] == henan_member.id_card_masked and rows[1][2] != full_id
    assert "****" in rows[1][3]


def test_anonymous_member_pages_redirect_to_login(client, hunan_member):
    for url in ["/members/", f"/members/{hunan_member.pk}/", "/members/export.xlsx",
                "/members/import/", "/members/transfers/", "/members/new/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_worker_account_gets_404_on_officer_pages(client, personas, hunan_member):
    client.force_login(personas.worker)
    for url in ("/members/", f"/members/{hunan_member.pk}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "湖南会员" not in response.content.decode(), url


def test_hunan_import_job_is_404_for_luohe(api, personas, settings, tmp_path):
    from gonghui.members.models import ImportJob

    job = ImportJob.objects.create(union=personas.xinwuling, original_name="x.xlsx", file="x.xlsx")
    refused = api(personas.luohe_officer).get(f"/api/members/imports/{job.pk}")
    assert refused.status_code == 404 and "x.xlsx" not in refused.content.decode()
    shown = api(personas.hunan_officer).get(f"/api/members/imports/{job.pk}")
    assert shown.status_code == 200 and shown.json()["id"] == job.pk


def test_member_count_untouched_by_refused_enrol(api, personas):
    response = api(personas.luohe_officer).post(
        "/api/members",
        {"union_id": personas.xinwuling.pk, "name": "越权", "id_card": "430181199005170011",
         "phone": "13900000001"},
    )  # fmt: skip
    assert response.status_code == 422 and "union_id" in response.json()["errors"]
    assert not Member.objects.exists()
