"""Founding pages for what had only an API: a step's due date and responsible officer, and
cancelling a case with its reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditLog
from gonghui.core.testing.asserts import nothing_written
from gonghui.enterprises.tests.factories import enterprise
from gonghui.founding import services
from gonghui.founding.choices import FoundingEventKind, FoundingStatus
from gonghui.founding.models import FoundingCase

pytestmark = pytest.mark.django_db
NO_SESSION = ("sessions.Session",)


@pytest.fixture
def case(personas):
    firm = enterprise(personas.yancheng, name="郾城示例公司")
    return services.founding_case_open(
        actor=personas.yancheng_officer, target="enterprise", union_name="郾城示例公司工会",
        enterprises=[firm],
    )  # fmt: skip


def test_detail_page_offers_step_and_cancel_forms(client, case, personas):
    client.force_login(personas.yancheng_officer)
    body = client.get(case.get_absolute_url()).content.decode()
    assert 'name="step-apply-due_on"' in body and 'name="step-establish-responsible"' in body
    assert 'name="reason"' in body


def test_step_page_sets_due_date_and_responsible(client, case, personas):
    client.force_login(personas.luohe_officer)
    url = f"/enterprises/founding/{case.pk}/prepare/edit/"
    response = client.post(
        url, {"step-prepare-due_on": "2031-03-01",
              "step-prepare-responsible": personas.yancheng_officer.pk}
    )  # fmt: skip
    assert response.status_code == 302
    row = case.steps.get(step="prepare")
    assert row.due_on == datetime.date(2031, 3, 1) and row.responsible == personas.yancheng_officer
    assert case.events.filter(kind=FoundingEventKind.STEP_UPDATED, step="prepare").exists()


def test_step_page_bad_input_is_a_field_error(client, case, personas):
    client.force_login(personas.yancheng_officer)
    url = f"/enterprises/founding/{case.pk}/prepare/edit/"
    with nothing_written(but=NO_SESSION):
        response = client.post(
            url, {"step-prepare-due_on": "not a date",
                  "step-prepare-responsible": personas.hunan_officer.pk}
        )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="due_on"' in body and 'data-field="responsible"' in body


def test_step_and_cancel_pages_outside_scope_are_404(client, case, personas):
    client.force_login(personas.hunan_officer)
    with nothing_written(but=NO_SESSION):
        step = client.post(f"/enterprises/founding/{case.pk}/apply/edit/", {})
        cancel = client.post(f"/enterprises/founding/{case.pk}/cancel/", {"reason": "x"})
    assert step.status_code == 404 and cancel.status_code == 404


def test_cancel_page_stops_the_case_with_its_reason(client, case, personas):
    client.force_login(personas.yancheng_officer)
    response = client.post(f"/enterprises/founding/{case.pk}/cancel/", {"reason": "企业已注销"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == FoundingStatus.CANCELLED
    assert case.events.get(kind=FoundingEventKind.CANCELLED).note == "企业已注销"
    assert AuditLog.objects.filter(object_id=str(case.pk), changes__has_key="status").exists()
    assert "企业已注销" in client.get(case.get_absolute_url()).content.decode()


def test_cancel_page_without_reason_is_a_field_error(client, case, personas):
    client.force_login(personas.yancheng_officer)
    with nothing_written(but=NO_SESSION):
        response = client.post(f"/enterprises/founding/{case.pk}/cancel/", {"reason": ""})
    assert response.status_code == 422 and 'data-field="reason"' in response.content.decode()


def test_a_cancelled_case_cannot_be_cancelled_again(case, personas):
    services.founding_case_cancel(actor=personas.yancheng_officer, case=case, reason="企业已注销")
    with nothing_written(), pytest.raises(ValidationError) as error:
        services.founding_case_cancel(actor=personas.yancheng_officer, case=case, reason="再次")
    assert "status" in error.value.message_dict


def test_api_cancel(api, case, personas):
    response = api(personas.yancheng_officer).post(
        f"/api/founding-cases/{case.pk}/cancel", {"reason": "并入联合工会"}
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert FoundingCase.objects.get(pk=case.pk).status == FoundingStatus.CANCELLED
