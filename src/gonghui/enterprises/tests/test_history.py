"""An enterprise's visits (走访记录) on the shared history base: every visit is a row naming who
acted, on the page, in the API, after the account is gone. (The founding timeline is tested in
the founding app.)"""

import datetime

import pytest
from django.test import Client

from gonghui.enterprises import services

from .factories import enterprise

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_visit_names_its_officer_on_the_page_after_the_account_is_gone(personas):
    firm = enterprise(personas.yancheng, name="走访示例公司")
    visitor = personas.luohe_officer
    services.visit_record(
        actor=visitor, enterprise=firm, visited_on=datetime.date(2026, 11, 2), result="agreed"
    )
    visitor.delete()
    html = signed_in(personas.yancheng_officer).get(firm.get_absolute_url()).content.decode()
    row = html[html.index("2026-11-02") :]
    row = row[: row.index("</tr>")]
    assert "<td>luohe_officer</td>" in row and "同意建会" in row


def test_the_visit_api_keeps_its_fields_and_adds_who_acted(personas):
    firm = enterprise(personas.yancheng)
    officer = personas.yancheng_officer
    response = signed_in(officer).post(
        f"/api/enterprises/{firm.pk}/visits",
        {"visited_on": "2026-11-03", "result": "follow_up", "follow_up_on": "2026-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["officer_id"], body["result"], body["kind"]) == (
        officer.pk,
        "follow_up",
        "follow_up",
    )
    assert body["actor_label"] == "yancheng_officer" and body["visited_on"] == "2026-11-03"
    listed = signed_in(officer).get(f"/api/enterprises/{firm.pk}/visits").json()
    assert [v["id"] for v in listed] == [body["id"]]
