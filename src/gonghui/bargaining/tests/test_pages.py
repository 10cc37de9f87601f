"""Bargaining pages: each renders, writes through the service, shows a bad input's field error
with nothing written, and answers 404 to an officer outside the scope."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.scoping import SYSTEM
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises.tests import factories as enterprise_factories

from .. import services
from ..models import BargainingLetter, BargainingProcedure, CongressSession, WorkerCongress
from . import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def firm(personas):
    return enterprise_factories.enterprise(personas.yancheng, union=personas.yancheng_project,
                                           name="郾城食品有限公司")  # fmt: skip


@pytest.fixture
def hunan_firm(personas):
    return enterprise_factories.enterprise(personas.liuyang, union=personas.xinwuling)


def test_procedure_open_page_sends_the_invitation_with_its_20_day_deadline(personas, client, firm):
    client.force_login(personas.yancheng_officer)
    assert "企业" in client.get("/activities/bargaining/procedures/new/").content.decode()
    sent = TODAY() - 2 * DAY
    response = client.post("/activities/bargaining/procedures/new/", {
        "org": personas.yancheng.pk, "enterprise": firm.name, "sent_on": str(sent),
    })  # fmt: skip
    procedure = BargainingProcedure.objects.get()
    assert response.status_code == 302 and response["Location"] == procedure.get_absolute_url()
    invitation = procedure.letters.get()
    assert (invitation.kind, invitation.due_on) == ("invitation", sent + 20 * DAY)
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert str(sent + 20 * DAY) in page and "还剩 18 天" in page


def test_procedure_open_page_refuses_an_enterprise_outside_the_scope(personas, client, hunan_firm):
    client.force_login(personas.yancheng_officer)
    data = {"org": personas.yancheng.pk, "enterprise": f"#{hunan_firm.pk}", "sent_on": str(TODAY())}
    with nothing_written():
        response = client.post("/activities/bargaining/procedures/new/", data)
    assert response.status_code == 422
    assert "enterprise" in response.context["form"].errors


def test_procedure_page_adds_a_letter_and_refuses_an_early_advisory(personas, client, firm):
    sent = TODAY() - 30 * DAY
    procedure = services.procedure_open(actor=SYSTEM, org=personas.yancheng, enterprise=firm,
                                        sent_on=sent)  # fmt: skip
    client.force_login(personas.yancheng_officer)
    url = procedure.get_absolute_url()
    with nothing_written():
        bad = client.post(url, {"kind": "advisory", "sent_on": str(sent + 5 * DAY)})
    assert bad.status_code == 422 and "sent_on" in bad.context["form"].errors
    assert "企业答复期限未到" in bad.content.decode()
    ok = client.post(url, {"kind": "advisory", "sent_on": str(sent + 21 * DAY), "note": "建议"})
    assert ok.status_code == 302
    advisory = BargainingLetter.objects.get(kind="advisory")
    assert advisory.due_on == sent + 36 * DAY
    assert client.get(url).context["deadline"] == advisory


def test_procedure_pages_are_404_outside_the_scope(personas, client, firm):
    procedure = services.procedure_open(actor=SYSTEM, org=personas.yancheng, enterprise=firm,
                                        sent_on=TODAY())  # fmt: skip
    client.force_login(personas.hunan_officer)
    url = procedure.get_absolute_url()
    assert client.get(url).status_code == 404
    with nothing_written():
        response = client.post(url, {"kind": "response", "sent_on": str(TODAY())})
    assert response.status_code == 404 and procedure.letters.count() == 1


def test_agreement_page_records_the_review_and_offers_only_the_next_steps(personas, client):
    agreement = factories.agreement(personas.yancheng)
    client.force_login(personas.yancheng_officer)
    url = agreement.get_absolute_url()
    page = client.get(url)
    assert [value for value, _ in page.context["form"].fields["status"].choices] == ["submitted"]
    with nothing_written():
        bad = client.post(url, {"status": "approved"})
    assert bad.status_code == 422 and "status" in bad.context["form"].errors
    assert client.post(url, {"status": "submitted"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.review_status == "submitted" and agreement.reviewed_on == TODAY()
    client.post(url, {"status": "approved", "reviewed_on": str(TODAY() - DAY)})
    agreement.refresh_from_db()
    assert (agreement.review_status, agreement.reviewed_on) == ("approved", TODAY() - DAY)
    assert "审查通过" in client.get(url).content.decode()


def test_agreement_page_is_404_outside_the_scope(personas, client):
    agreement = factories.agreement(personas.yancheng)
    client.force_login(personas.hunan_officer)
    assert client.get(agreement.get_absolute_url()).status_code == 404
    with nothing_written():
        response = client.post(agreement.get_absolute_url(), {"status": "submitted"})
    assert response.status_code == 404


def test_congress_page_creates_a_congress_and_records_its_sessions(personas, client, firm):
    client.force_login(personas.yancheng_officer)
    response = client.post("/activities/bargaining/congresses/new/", {
        "enterprise": firm.credit_code, "term_number": 2, "term_starts_on": str(TODAY() - DAY),
        "term_ends_on": str(TODAY() + 1800 * DAY), "delegates": 45,
    })  # fmt: skip
    congress = WorkerCongress.objects.get()
    assert response["Location"] == congress.get_absolute_url()
    assert (congress.term_number, congress.delegates, congress.org) == (2, 45, personas.yancheng)
    url = congress.get_absolute_url()
    with nothing_written():
        bad = client.post(url, {"held_on": str(TODAY() - 10 * DAY), "attendees": 40})
    assert bad.status_code == 422 and "held_on" in bad.context["form"].errors
    client.post(url, {"held_on": str(TODAY()), "attendees": 40, "resolutions": "工资专项协议草案"})
    session = CongressSession.objects.get()
    assert (session.congress, session.attendees) == (congress, 40)
    assert "工资专项协议草案" in client.get(url).content.decode()


def test_congress_create_page_refuses_an_end_before_the_start(personas, client, firm):
    client.force_login(personas.yancheng_officer)
    with nothing_written():
        response = client.post("/activities/bargaining/congresses/new/", {
            "enterprise": f"#{firm.pk}", "term_number": 1, "term_starts_on": str(TODAY()),
            "term_ends_on": str(TODAY() - DAY), "delegates": 10,
        })  # fmt: skip
    assert response.status_code == 422
    assert "term_ends_on" in response.context["form"].errors


def test_congress_page_is_404_outside_the_scope(personas, client, firm):
    congress = services.congress_create(actor=SYSTEM, enterprise=firm, term_starts_on=TODAY(),
                                        term_ends_on=TODAY() + 900 * DAY)  # fmt: skip
    client.force_login(personas.hunan_officer)
    assert client.get(congress.get_absolute_url()).status_code == 404
    with nothing_written():
        response = client.post(congress.get_absolute_url(), {"held_on": str(TODAY())})
    assert response.status_code == 404


def test_sessions_api_lists_and_adds_in_scope_only(personas, api, firm):
    congress = services.congress_create(actor=SYSTEM, enterprise=firm, term_starts_on=TODAY(),
                                        term_ends_on=TODAY() + 900 * DAY)  # fmt: skip
    path = f"/api/activities/congresses/{congress.pk}/sessions"
    outsider = api(personas.hunan_officer)
    with nothing_written(but=("accounts.ApiToken",)):
        refused = outsider.post(path, {"held_on": str(TODAY()), "attendees": 30})
    assert refused.status_code == 404 and outsider.get(path).status_code == 404
    officer = api(personas.yancheng_officer)
    bad = officer.post(path, {"held_on": str(TODAY() + 1000 * DAY)})
    assert bad.status_code == 422 and "held_on" in bad.json()["errors"]
    created = officer.post(path, {"held_on": str(TODAY()), "attendees": 30})
    assert created.status_code == 201 and created.json()["attendees"] == 30
    assert [row["id"] for row in officer.get(path).json()["items"]] == [created.json()["id"]]


def test_agreement_edit_page_changes_the_agreement_and_shows_the_field_error(personas, client):
    agreement = factories.agreement(personas.yancheng)
    client.force_login(personas.yancheng_officer)
    url = f"/activities/bargaining/agreements/{agreement.pk}/edit/"
    form = client.get(url).context["form"]
    assert form["title"].value() == agreement.title
    data = {"title": "2026年度区域工资集体协议", "rounds": 3, "increase_pct": "6.5",
            "covered_workers": 800, "valid_from": str(agreement.valid_from),
            "valid_until": str(agreement.valid_from - DAY)}  # fmt: skip
    with nothing_written():
        bad = client.post(url, data)
    assert bad.status_code == 422 and "valid_until" in bad.context["form"].errors
    data["valid_until"] = str(agreement.valid_until)
    assert client.post(url, data)["Location"] == agreement.get_absolute_url()
    agreement.refresh_from_db()
    assert (agreement.title, agreement.rounds, agreement.covered_workers) == (
        "2026年度区域工资集体协议", 3, 800)  # fmt: skip


def test_agreement_edit_page_is_404_outside_the_scope(personas, client):
    agreement = factories.agreement(personas.yancheng)
    client.force_login(personas.hunan_officer)
    url = f"/activities/bargaining/agreements/{agreement.pk}/edit/"
    assert client.get(url).status_code == 404
    with nothing_written():
        assert client.post(url, {"title": "改"}).status_code == 404
