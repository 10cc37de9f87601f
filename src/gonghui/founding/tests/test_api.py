# ruff: noqa: E501  (request tables read best one call per line)
"""The founding API's scope (the paths it had under enterprises) and a case from 申请 to 成立."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises.tests.factories import enterprise
from gonghui.founding import services
from gonghui.founding.models import FoundingCase, FoundingDocument

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def hunan_world(personas):
    """A founding case under 湖南 that a 漯河 officer must never see or touch."""
    firm = enterprise(personas.liuyang, name="浏阳烟花厂", latitude=28.16, longitude=113.64)
    case = services.founding_case_open(
        actor=SYSTEM, target="enterprise", union_name="浏阳烟花厂工会", enterprises=[firm]
    )
    return {"firm": firm, "case": case}


def read_urls(w):
    return [f"/api/founding-cases/{w['case'].pk}", f"/api/founding-cases/{w['case'].pk}/events"]


def write_calls(w):
    return [
        ("post", "/api/founding-cases", {"target": "enterprise", "union_name": "x", "enterprise_ids": [w["firm"].pk]}),
        ("post", f"/api/founding-cases/{w['case'].pk}/steps/apply/sign-off", {}),
        ("patch", f"/api/founding-cases/{w['case'].pk}/steps/apply", {"note": "x"}),
        ("post", f"/api/founding-cases/{w['case'].pk}/cancel", {"reason": "x"}),
    ]  # fmt: skip


def test_luohe_officer_gets_404_for_every_hunan_read(personas, hunan_world, api):
    client = api(personas.luohe_officer)
    for url in read_urls(hunan_world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "浏阳" not in response.content.decode() and response.json()["detail"], url


def test_hunan_officer_reads_the_same_urls(personas, hunan_world, api):
    client = api(personas.hunan_officer)
    for url in read_urls(hunan_world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert not (isinstance(body, dict) and "detail" in body), url  # data, not an error


def test_anonymous_gets_401_everywhere(personas, hunan_world, api):
    client = api()
    for url in read_urls(hunan_world):
        response = client.get(url)
        assert response.status_code == 401, url
        assert "浏阳" not in response.content.decode() and response.json()["detail"], url
    with nothing_written():
        for method, url, payload in write_calls(hunan_world):
            assert client.request(method, url, payload).status_code == 401, url


def test_out_of_scope_writes_are_404_and_change_nothing(personas, hunan_world, api):
    client = api(personas.luohe_officer)
    for method, url, payload in write_calls(hunan_world):
        assert client.request(method, url, payload).status_code == 404, url
    assert FoundingCase.objects.count() == 1
    case = FoundingCase.objects.get()
    assert (case.current_step, case.status) == ("apply", "open")


def test_out_of_scope_list_is_empty(personas, hunan_world, api):
    body = api(personas.luohe_officer).get("/api/founding-cases").json()
    assert body.get("count", len(body)) == 0


def test_out_of_scope_upload_is_404_and_stores_nothing(personas, hunan_world, api):
    client = api(personas.luohe_officer)
    response = client.client.post(
        f"/api/founding-cases/{hunan_world['case'].pk}/steps/apply/documents",
        {"doc_type": "application", "file": SimpleUploadedFile("a.pdf", PDF)},
        headers=client.headers,
    )
    assert response.status_code == 404
    assert not FoundingDocument.objects.exists()


def test_founding_through_the_api_from_apply_to_established(personas, api):
    client = api(personas.yancheng_officer)
    firm = enterprise(personas.yancheng, name="郾城示范厂")
    case = client.post("/api/founding-cases", {
        "target": "enterprise", "union_name": "郾城示范厂工会", "enterprise_ids": [firm.pk]}).json()  # fmt: skip
    with nothing_written():
        skipped = client.post(f"/api/founding-cases/{case['id']}/steps/elect/sign-off", {})
        missing = client.post(f"/api/founding-cases/{case['id']}/steps/apply/sign-off", {})
    assert skipped.status_code == 422 and "step" in skipped.json()["errors"]
    assert missing.status_code == 422 and "documents" in missing.json()["errors"]
    for step in case["steps"]:
        upload = client.client.post(
            f"/api/founding-cases/{case['id']}/steps/{step['step']}/documents",
            {"doc_type": step["required_document"], "file": SimpleUploadedFile("f.pdf", PDF)},
            headers=client.headers,
        )
        assert upload.status_code == 201, upload.content
        done = client.post(f"/api/founding-cases/{case['id']}/steps/{step['step']}/sign-off", {})
        assert done.status_code == 200
    final = done.json()
    assert final["status"] == "established"
    assert client.get(f"/api/enterprises/{firm.pk}").json()["union_id"] == final["union_id"]
    assert client.get(f"/api/orgs/{final['union_id']}").json()["parent_id"] == personas.yancheng.pk


def test_document_download_is_scoped(personas, hunan_world, api):
    row = hunan_world["case"].steps.get(step="apply")
    document = services.founding_document_add(
        actor=SYSTEM, step=row, doc_type="application", uploaded=SimpleUploadedFile("a.pdf", PDF)
    )
    url = f"/api/founding-documents/{document.pk}/file"
    assert api(personas.luohe_officer).get(url).status_code == 404
    response = api(personas.hunan_officer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
