"""The scope matrix: an officer outside the case's subtree gets 404 from every endpoint and page,
and the write does not happen; anonymous callers get 401 or the login page; a worker sees only
their own cases."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.accounts.services import token_issue
from gonghui.cases import services
from gonghui.cases.models import Attachment, Case, CaseEvent
from gonghui.core.models import AuditLog

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def hunan_world(personas, types, hunan_member):
    case = services.case_submit(
        actor=personas.hunan_officer, member=hunan_member, case_type=types["legal_aid"],
        description="工伤认定", form_data={"matter": "工伤认定"},
        files=[SimpleUploadedFile("x.png", png_bytes())],
    )  # fmt: skip
    return {"case": case, "attachment": case.attachments.get()}


def api_calls(world):
    case, attachment = world["case"], world["attachment"]
    c = case.pk
    return [
        ("get", f"/api/cases/{c}", None),
        ("get", f"/api/cases/{c}/events", None),
        ("get", f"/api/cases/{c}/attachments", None),
        ("post", f"/api/cases/{c}/transition", {"to_status": "accepted", "expected_version": 1}),
        ("post", f"/api/cases/{c}/reassign",
         {"union_id": case.handling_union_id, "expected_version": 1}),
        ("post", f"/api/cases/{c}/replies", {"body": "越权答复"}),
        ("get", f"/api/cases/{c}/attachments/{attachment.pk}/file", None),
    ]  # fmt: skip


def page_calls(world):
    c = world["case"].pk
    return [
        ("get", f"/cases/{c}/", None),
        ("post", f"/cases/{c}/", {"action": "transition", "to_status": "accepted", "version": 1}),
        ("post", f"/cases/{c}/", {"action": "reply", "body": "越权"}),
        ("get", world["attachment"].get_absolute_url(), None),
    ]


def snapshot():
    return (
        list(Case.objects.values_list("pk", "status", "version", "handling_union_id")),
        CaseEvent.objects.count(),
        Attachment.objects.count(),
        AuditLog.objects.count(),
    )


def test_officer_outside_scope_gets_404_everywhere_and_nothing_is_written(
    api, personas, hunan_world
):
    before = snapshot()
    client = api(personas.luohe_officer)
    for method, url, payload in api_calls(hunan_world):
        response = client.get(url) if method == "get" else client.post(url, payload)
        assert response.status_code == 404, (url, response.status_code)
    browser = Client()
    browser.force_login(personas.luohe_officer, backend="django.contrib.auth.backends.ModelBackend")
    for method, url, payload in page_calls(hunan_world):
        response = getattr(browser, method)(url, payload or {})
        assert response.status_code == 404, (url, response.status_code)
    upload = Client(headers={"Authorization": f"Bearer {token_issue(user=personas.luohe_officer)}"})
    response = upload.post(
        f"/api/cases/{hunan_world['case'].pk}/attachments",
        {"file": SimpleUploadedFile("x.png", png_bytes())},
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_out_of_scope_cases_are_not_listed(api, personas, hunan_world):
    assert api(personas.luohe_officer).get("/api/cases").json()["items"] == []
    listed = api(personas.hunan_officer).get("/api/cases").json()["items"]
    assert [c["id"] for c in listed] == [hunan_world["case"].pk]


def body(response) -> bytes:
    """What an answer carries, a file's bytes included."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_officer_in_scope_reaches_every_read(api, personas, hunan_world):
    client = api(personas.hunan_officer)
    member = hunan_world["case"].member.name
    for method, url, _payload in api_calls(hunan_world):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200 and body(response), url
    browser = Client()
    browser.force_login(personas.hunan_officer, backend="django.contrib.auth.backends.ModelBackend")
    for method, url, _payload in page_calls(hunan_world):
        if method == "get":
            response = browser.get(url)
            assert response.status_code == 200 and body(response), url
            if response["Content-Type"].startswith("text/html"):
                assert member in body(response).decode(), url


def test_anonymous_gets_401_from_the_api_and_login_from_pages(api, personas, hunan_world):
    before = snapshot()
    for method, url, payload in api_calls(hunan_world):
        if not url.startswith("/api/"):
            continue
        response = api().get(url) if method == "get" else api().post(url, payload)
        assert response.status_code == 401, url
    assert api().get("/api/cases").status_code == 401
    assert api().post("/api/cases", {"case_type": "other", "description": "x"}).status_code == 401
    for method, url, payload in page_calls(hunan_world):
        response = getattr(Client(), method)(url, payload or {})
        assert response.status_code == 302, url
    for url in ("/cases/", "/cases/new", "/cases/mine"):
        assert Client().get(url).status_code == 302, url
    assert snapshot() == before


def test_worker_sees_only_their_own_cases(api, personas, hunan_world, yancheng_member):
    own = services.case_submit(
        actor=personas.worker, member=yancheng_member,
        case_type=services.CaseType.objects.get(code="other"), description="咨询",
    )  # fmt: skip
    client = api(personas.worker)
    assert [c["id"] for c in client.get("/api/cases").json()["items"]] == [own.pk]
    for method, url, payload in api_calls(hunan_world):
        response = client.get(url) if method == "get" else client.post(url, payload)
        assert response.status_code == 404, url
    browser = Client()
    browser.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get(f"/cases/{hunan_world['case'].pk}/").status_code == 404
    assert browser.get(f"/cases/{own.pk}/").status_code == 200
    # Workers have no officer pages.
    assert browser.get("/cases/").status_code == 404


def test_auditor_reads_but_cannot_change(api, personas, hunan_world):
    case = hunan_world["case"]
    client = api(personas.hunan_auditor)
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    response = client.post(
        f"/api/cases/{case.pk}/transition", {"to_status": "accepted", "expected_version": 1}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "submitted"
