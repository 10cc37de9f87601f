import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gonghui.accounts.services import token_issue
from gonghui.cases import services
from gonghui.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseType,
    Notification,
)

from .conftest import EXE, PDF, png_bytes

pytestmark = pytest.mark.django_db
WAGES = {"employer": "某物流公司", "amount_owed": 12000}


def new_case(api, user, **extra):
    payload = {"case_type": "wage_arrears", "description": "拖欠工资", "form_data": WAGES}
    payload.update(extra)
    return api(user).post("/api/cases", payload)


def upload(user, case_id, name, content, content_type="application/octet-stream"):
    client = Client(headers={"Authorization": f"Bearer {token_issue(user=user)}"})
    return client.post(
        f"/api/cases/{case_id}/attachments",
        {"file": SimpleUploadedFile(name, content, content_type)},
    )


def test_worker_submits_and_sees_own_case(api, personas, yancheng_member):
    response = new_case(api, personas.worker)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["handling_union_id"] == personas.yancheng_project.pk
    assert body["status"] == "submitted" and body["version"] == 1
    listed = api(personas.worker).get("/api/cases").json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]


def test_officer_submits_on_behalf_of_a_member_in_scope(api, personas, hunan_member):
    response = new_case(api, personas.hunan_officer, member_id=hunan_member.pk)
    assert response.status_code == 201
    assert response.json()["channel"] == "hall"


def test_officer_cannot_submit_for_a_member_outside_scope(api, personas, hunan_member):
    response = new_case(api, personas.luohe_officer, member_id=hunan_member.pk)
    assert response.status_code == 422
    assert "member_id" in response.json()["errors"]
    assert Case.objects.count() == 0


def test_unknown_type_is_a_field_error_and_nothing_written(api, personas, yancheng_member):
    response = new_case(api, personas.worker, case_type="flying_saucer")
    assert response.status_code == 422
    assert "case_type" in response.json()["errors"]
    assert Case.objects.count() == 0


def test_missing_required_fields_are_field_errors(api, personas, yancheng_member):
    response = new_case(api, personas.worker, description="  ", form_data={})
    assert response.status_code == 422
    assert {"description", "employer", "amount_owed"} <= set(response.json()["errors"])
    assert Case.objects.count() == 0


def test_worker_without_membership_is_asked_who_and_where_and_nothing_is_written(api, personas):
    # A non-member is heard (tests/test_non_member.py), once they say who they are and where
    # they work, so that the case reaches the right union.
    response = new_case(api, personas.worker)
    assert response.status_code == 422
    assert {"applicant_name", "work_place"} <= set(response.json()["errors"])
    assert not Case.objects.exists()


def test_executable_renamed_jpg_is_refused(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    response = upload(personas.worker, case_id, "工资条.jpg", EXE, "image/jpeg")
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    assert Attachment.objects.count() == 0


def test_twenty_megabyte_upload_is_refused(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    response = upload(personas.worker, case_id, "big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    assert Attachment.objects.count() == 0


def test_real_photo_uploads_and_downloads_for_the_worker(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    response = upload(personas.worker, case_id, "欠条.png", png_bytes())
    assert response.status_code == 201
    client = Client()
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    download = client.get(response.json()["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == png_bytes()


def test_closing_an_unaccepted_case_is_refused(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    response = api(personas.worker).post(
        f"/api/cases/{case_id}/transition",
        {"to_status": "closed", "expected_version": 1, "rating": 5},
    )
    assert response.status_code == 422
    assert "to_status" in response.json()["errors"]
    assert Case.objects.get().status == "submitted"


def test_rating_six_is_refused(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    officer = api(personas.yancheng_officer)
    officer.post(
        f"/api/cases/{case_id}/transition", {"to_status": "accepted", "expected_version": 1}
    )
    officer.post(
        f"/api/cases/{case_id}/transition", {"to_status": "resolved", "expected_version": 2}
    )
    response = api(personas.worker).post(
        f"/api/cases/{case_id}/transition",
        {"to_status": "closed", "expected_version": 3, "rating": 6},
    )
    assert response.status_code == 422
    assert "rating" in response.json()["errors"]
    assert Case.objects.get().status == "resolved"


def test_stale_version_answers_409_and_the_timeline_has_no_gap(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    first = api(personas.yancheng_officer).post(
        f"/api/cases/{case_id}/transition", {"to_status": "accepted", "expected_version": 1}
    )
    second = api(personas.luohe_officer).post(
        f"/api/cases/{case_id}/transition",
        {"to_status": "rejected", "expected_version": 1, "reason": "不属于受理范围"},
    )
    assert first.status_code == 200
    assert second.status_code == 409
    assert "expected_version" in second.json()["errors"]
    versions = list(CaseEvent.objects.filter(case_id=case_id).values_list("version", flat=True))
    assert versions == [1, 1, 2]
    assert Case.objects.get().status == "accepted"


def test_officer_replies_and_worker_reads_only_public_events(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    officer = api(personas.yancheng_officer)
    assert (
        officer.post(f"/api/cases/{case_id}/replies", {"body": "已受理，将约谈企业"}).status_code
        == 201
    )
    officer.post(f"/api/cases/{case_id}/replies", {"body": "企业负责人失联", "internal": True})
    worker_events = api(personas.worker).get(f"/api/cases/{case_id}/events").json()
    bodies = [e["body"] for e in worker_events]
    assert "已受理，将约谈企业" in bodies and "企业负责人失联" not in bodies
    officer_bodies = [e["body"] for e in officer.get(f"/api/cases/{case_id}/events").json()]
    assert "企业负责人失联" in officer_bodies
    inbox = api(personas.worker).get("/api/notifications").json()["items"]
    assert any("答复" in n["title"] for n in inbox)


def test_reassign_outside_scope_is_a_field_error(api, personas, yancheng_member):
    case_id = new_case(api, personas.worker).json()["id"]
    response = api(personas.yancheng_officer).post(
        f"/api/cases/{case_id}/reassign",
        {"union_id": personas.liuyang.pk, "expected_version": 1},
    )
    assert response.status_code == 422
    assert "union_id" in response.json()["errors"]


def test_case_types_are_public_and_configurable_by_province(api, personas, types):
    listed = api().get("/api/case-types").json()
    assert "欠薪" in [t["name"] for t in listed]
    response = api(personas.hunan_officer).patch(
        f"/api/case-types/{types['other'].pk}", {"ack_days": 1, "resolve_days": 5}
    )
    assert response.status_code == 200
    assert response.json()["ack_days"] == 1
    denied = api(personas.yancheng_officer).patch(
        f"/api/case-types/{types['other'].pk}", {"ack_days": 3}
    )
    assert denied.status_code == 404


def test_notifications_can_be_marked_read(api, personas, yancheng_member):
    new_case(api, personas.worker)
    row = Notification.objects.get(user=personas.worker)
    response = api(personas.worker).post(f"/api/notifications/{row.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"]
    other = api(personas.yancheng_officer).post(f"/api/notifications/{row.pk}/read")
    assert other.status_code == 404


# ---- Configuration -----------------------------------------------------------------------------


def test_province_officer_adds_a_case_type_with_its_own_questions(api, personas):
    payload = {
        "code": "heatstroke",
        "name": "高温补贴",
        "handling_level": "county",
        "ack_days": 1,
        "resolve_days": 5,
        "form_fields": [{"name": "employer", "label": "单位", "type": "text", "required": True}],
    }
    response = api(personas.hunan_officer).post("/api/case-types", payload)
    assert response.status_code == 201, response.json()
    assert CaseType.objects.get(code="heatstroke").form_fields == payload["form_fields"]
    again = api(personas.hunan_officer).post("/api/case-types", payload)
    assert again.status_code == 422 and "code" in again.json()["errors"]
    assert (
        api(personas.yancheng_officer)
        .post("/api/case-types", {**payload, "code": "other_code"})
        .status_code
        == 404
    )


def test_a_declared_holiday_moves_new_deadlines(api, personas, types, yancheng_member):
    # 2026-11-26 (Thursday) becomes a day off: a 1-working-day deadline from Wednesday is Friday.
    response = api(personas.superuser).request(
        "PUT", "/api/holidays/2026-11-26", {"kind": "holiday", "name": "演示假日"}
    )
    assert response.status_code == 200
    case = services.case_submit(
        actor=personas.worker, member=yancheng_member, case_type=types["wage_arrears"],
        description="x", form_data=WAGES, today=datetime.date(2026, 11, 25),
    )  # fmt: skip
    assert case.ack_due == datetime.date(2026, 11, 27)
    assert api(personas.yancheng_officer).delete("/api/holidays/2026-11-26").status_code == 404
    assert api(personas.superuser).delete("/api/holidays/2026-11-26").status_code == 204
    listed = api().get("/api/holidays", year=2026).json()
    assert "2026-11-26" not in [h["date"] for h in listed]
    assert len(listed) == 39
