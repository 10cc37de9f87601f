import pytest

from gonghui.core.testing.asserts import nothing_written
from gonghui.triage import services
from gonghui.triage.models import CaseSuggestion, Example, TrainedModel

URL = "/api/triage"
ARREARS = "老板拖欠工资两个月了怎么办"


def test_an_officer_gets_a_suggestion_with_scores_and_closest(personas, api):
    response = api(personas.yancheng_officer).post(URL, {"text": ARREARS})
    assert response.status_code == 200
    body = response.json()
    assert body["case_type"] == "wage_arrears"
    assert 0 < body["score"] <= 1 and body["urgency"] in {"urgent", "normal", "low"}
    assert body["closest"] and body["closest"][0]["case_type"] == "wage_arrears"
    assert set(body["scores"]) >= {"wage_arrears", "legal_aid"}


def test_anonymous_is_401(db, api):
    response = api().post(URL, {"text": ARREARS})
    assert response.status_code == 401 and response.json()["detail"]


def test_a_worker_is_403(personas, api):
    response = api(personas.worker).post(URL, {"text": ARREARS})
    assert response.status_code == 403 and "case_type" not in response.json()


@pytest.mark.parametrize("text", ["", "   ", "欠" * 2001])
def test_bad_text_is_a_field_error(personas, api, text):
    client = api(personas.yancheng_officer)
    with nothing_written():
        response = client.post(URL, {"text": text})
    assert response.status_code == 422
    assert "text" in response.json()["errors"]


def test_a_missing_text_is_a_field_error(personas, api):
    response = api(personas.yancheng_officer).post(URL, {})
    assert response.status_code == 422 and "text" in response.json()["errors"]


def test_officer_decision_becomes_a_province_example_and_retrains(
    personas, api, submit, django_capture_on_commit_callbacks
):
    case = submit("想问问厂里的食堂能不能办会员卡", code="other")
    services.on_case_created(case)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(personas.yancheng_officer).post(
            f"/api/triage/cases/{case.pk}/decision", {"case_type": "employment", "urgency": "low"}
        )
    assert response.status_code == 200 and response.json()["decision"] == "changed"
    example = Example.objects.get(case=case)
    assert example.province == personas.henan and example.case_type_code == "employment"
    model = TrainedModel.objects.get(province=personas.henan)
    assert model.own_examples == 1 and model.examples == 320
    from gonghui.triage import selectors

    assert selectors.suggest(case.description, province=personas.henan).model.startswith(
        "province:"
    )


def test_decision_outside_scope_is_404_and_writes_nothing(personas, api, submit):
    case = submit(ARREARS, employer="甲公司")
    services.on_case_created(case)
    client = api(personas.hunan_officer)
    with nothing_written():
        response = client.post(
            f"/api/triage/cases/{case.pk}/decision", {"case_type": "legal_aid", "urgency": "low"}
        )
    assert response.status_code == 404 and "case_type" not in response.json()


def test_decision_with_an_unknown_type_is_a_field_error(personas, api, submit):
    case = submit(ARREARS, employer="甲公司")
    services.on_case_created(case)
    client = api(personas.yancheng_officer)
    with nothing_written():
        response = client.post(
            f"/api/triage/cases/{case.pk}/decision", {"case_type": "nope", "urgency": "low"}
        )
    assert response.status_code == 422 and "case_type" in response.json()["errors"]
    assert CaseSuggestion.objects.get(case=case).decision == "pending"
