import pytest
from django.test import Client

from gonghui.core.testing.asserts import nothing_written
from gonghui.triage import services
from gonghui.triage.models import Alert, AlertStatus, CaseSuggestion, Example

EMPLOYERS = [
    "宏达建筑劳务有限公司",
    "宏达建筑劳务公司",
    "宏達建築勞務",
    "郾城宏达建筑劳务",
    "宏达建筑劳务",
]


def client_for(user, _password):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alert(submit):
    for name in EMPLOYERS:
        services.on_case_created(submit("包工头拖欠工资两个月", employer=name))
    return Alert.objects.get()


def test_the_county_officer_sees_the_alert_with_its_appeals(alert, personas, persona_password):
    client = client_for(personas.yancheng_officer, persona_password)
    page = client.get("/triage/alerts/").content.decode()
    assert f'data-alert="{alert.pk}"' in page and "<caption>" in page
    detail = client.get(f"/triage/alerts/{alert.pk}/").content.decode()
    assert detail.count("data-case=") == 5 and 'id="merge-form"' in detail


def test_another_province_neither_lists_nor_opens_it(alert, personas, persona_password):
    client = client_for(personas.hunan_officer, persona_password)
    assert f'data-alert="{alert.pk}"' not in client.get("/triage/alerts/").content.decode()
    response = client.get(f"/triage/alerts/{alert.pk}/")
    assert response.status_code == 404 and alert.employer not in response.content.decode()


def test_anonymous_goes_to_sign_in_and_a_worker_gets_404(alert, personas, persona_password):
    response = Client().get("/triage/alerts/")
    assert response.status_code == 302 and "login" in response["Location"]
    worker = client_for(personas.worker, persona_password)
    assert worker.get(f"/triage/alerts/{alert.pk}/").status_code == 404


def test_merging_from_the_page(alert, personas, persona_password):
    lead = alert.cases.order_by("pk").first()
    client = client_for(personas.yancheng_officer, persona_password)
    response = client.post(
        f"/triage/alerts/{alert.pk}/", {"action": "merge", "lead_case_id": lead.pk, "note": "并案"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.MERGED and alert.lead_case == lead


def test_a_dismissal_without_reason_shows_the_field_error(alert, personas, persona_password):
    client = client_for(personas.yancheng_officer, persona_password)
    with nothing_written(but={"sessions.Session"}):
        response = client.post(f"/triage/alerts/{alert.pk}/", {"action": "dismiss", "note": ""})
    assert response.status_code == 422
    assert 'id="id_note_error"' in response.content.decode()


def test_the_case_panel_shows_the_suggestion_and_takes_the_decision(
    submit, personas, persona_password
):
    case = submit("老板拖欠工资两个月了怎么办", employer="某公司")
    client = client_for(personas.yancheng_officer, persona_password)
    panel = client.get(f"/triage/cases/{case.pk}/").content.decode()
    assert 'data-code="wage_arrears"' in panel and 'id="triage-form"' in panel
    response = client.post(
        f"/triage/cases/{case.pk}/",
        {"case_type": "wage_arrears", "urgency": "urgent"},
        headers={"HX-Request": "true"},
    )
    assert 'data-decision="' in response.content.decode()
    assert CaseSuggestion.objects.get(case=case).chosen_urgency == "urgent"
    assert Example.objects.get(case=case).urgency == "urgent"


def test_the_case_panel_outside_scope_is_404(submit, personas, persona_password):
    case = submit("老板拖欠工资两个月了怎么办", employer="某公司")
    client = client_for(personas.hunan_officer, persona_password)
    with nothing_written(but={"sessions.Session"}):
        assert client.get(f"/triage/cases/{case.pk}/").status_code == 404
        response = client.post(
            f"/triage/cases/{case.pk}/", {"case_type": "legal_aid", "urgency": "low"}
        )
    assert response.status_code == 404
