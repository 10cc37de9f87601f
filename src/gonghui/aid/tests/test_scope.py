"""The scope matrix of hardship aid: an officer outside the application's subtree gets 404 from
every endpoint and page and nothing is written; anonymous callers get 401 or the login page; a
worker reaches no one else's application and no officer page."""

import pytest
from django.test import Client

from gonghui.aid import services
from gonghui.aid.models import HardshipApplication
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(personas, hunan_member):
    services.hardship_threshold_set(actor=SYSTEM, union=personas.hunan, amount="800")
    return services.hardship_apply(
        actor=SYSTEM, member=hunan_member, period="2026", reason="因病",
        household=[{"name": "本人", "relation": "本人", "monthly_income": 500}],
        requested_amount=1000,
    )  # fmt: skip


def api_calls(application):
    a = application.pk
    return [
        ("get", f"/api/hardship/applications/{a}", None),
        ("post", f"/api/hardship/applications/{a}/approve", {"expected_version": 1}),
        ("post", f"/api/hardship/applications/{a}/reject", {"expected_version": 1, "note": "x"}),
        ("post", f"/api/hardship/applications/{a}/disbursements",
         {"amount": "1", "paid_on": "2026-11-01", "method": "cash"}),
    ]  # fmt: skip


def page_calls(application):
    a = application.pk
    return [
        ("get", f"/cases/hardship/{a}/", None),
        ("post", f"/cases/hardship/{a}/", {"action": "approve", "version": 1}),
    ]


def snapshot():
    return (
        list(HardshipApplication.objects.values_list("pk", "status", "version")),
        AuditLog.objects.count(),
    )


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return browser


def test_officer_outside_scope_gets_404_everywhere_and_nothing_is_written(
    api, personas, application
):
    before = snapshot()
    client = api(personas.luohe_officer)
    for method, url, payload in api_calls(application):
        response = client.get(url) if method == "get" else client.post(url, payload)
        assert response.status_code == 404, (url, response.status_code)
    browser = signed_in(personas.luohe_officer)
    for method, url, payload in page_calls(application):
        response = getattr(browser, method)(url, payload or {})
        assert response.status_code == 404, (url, response.status_code)
    assert api(personas.luohe_officer).get("/api/hardship/applications").json()["items"] == []
    assert snapshot() == before


def test_officer_in_scope_reaches_every_read(api, personas, application):
    client = api(personas.hunan_officer)
    for method, url, _payload in api_calls(application):
        if method == "get":
            assert client.get(url).status_code == 200, url
    browser = signed_in(personas.hunan_officer)
    for method, url, _payload in page_calls(application):
        if method == "get":
            response = browser.get(url)
            assert response.status_code == 200, url
            assert application.member.name in response.content.decode(), url


def test_anonymous_gets_401_from_the_api_and_login_from_pages(api, application):
    before = snapshot()
    for method, url, payload in api_calls(application):
        response = api().get(url) if method == "get" else api().post(url, payload)
        assert response.status_code == 401, url
    for method, url, payload in page_calls(application):
        response = getattr(Client(), method)(url, payload or {})
        assert response.status_code == 302, url
    assert Client().get("/cases/hardship/").status_code == 302
    assert snapshot() == before


def test_worker_reaches_no_one_elses_application_and_no_officer_page(api, personas, application):
    client = api(personas.worker)
    for method, url, payload in api_calls(application):
        response = client.get(url) if method == "get" else client.post(url, payload)
        assert response.status_code == 404, url
    assert signed_in(personas.worker).get("/cases/hardship/").status_code == 404
