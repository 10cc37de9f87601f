import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from gonghui.cases import config, notify, services
from gonghui.cases.models import Attachment, Case, CaseEvent, Notification
from gonghui.core.models import AuditLog
from gonghui.core.scoping import SYSTEM

from .conftest import EXE, PDF, png_bytes

pytestmark = pytest.mark.django_db
WEDNESDAY = datetime.date(2026, 11, 25)


def submit(personas, member, case_type, actor=None, **extra):
    data = {
        "description": "公司拖欠三个月工资",
        "form_data": {"employer": "某物流公司", "amount_owed": "15000"},
        "today": WEDNESDAY,
    }
    data.update(extra)
    return services.case_submit(
        actor=actor or personas.worker, member=member, case_type=case_type, **data
    )


def test_wage_arrears_goes_to_the_members_own_union(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    assert case.handling_union == personas.yancheng_project
    assert case.channel == "online"
    assert case.form_data == {"employer": "某物流公司", "amount_owed": "15000"}


def test_legal_aid_goes_to_the_county_union_above(personas, types, hunan_member):
    case = submit(
        personas, hunan_member, types["legal_aid"], actor=personas.hunan_officer,
        form_data={"matter": "工伤认定"},
    )  # fmt: skip
    assert case.handling_union == personas.liuyang
    assert case.channel == "hall"


def test_deadlines_count_working_days(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    assert case.ack_due == datetime.date(2026, 11, 26)  # 1 working day
    assert case.resolve_due == datetime.date(2026, 12, 9)  # 10 working days
    assert case.due_on == case.ack_due


def test_submission_writes_timeline_audit_and_tells_worker_and_officers(
    personas, types, yancheng_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(personas, yancheng_member, types["wage_arrears"])
    assert [e.kind for e in case.events.all()] == ["submitted", "assigned"]
    assert AuditLog.objects.filter(object_id=str(case.pk), action="create").exists()
    assert Notification.objects.filter(user=personas.worker, case=case).exists()
    assert [m.phone for m in notify.outbox] == ["13800138000"]


def test_missing_required_answer_is_a_field_error_and_nothing_written(
    personas, types, yancheng_member
):
    with pytest.raises(ValidationError) as error:
        submit(personas, yancheng_member, types["wage_arrears"], form_data={"employer": ""})
    assert set(error.value.message_dict) == {"employer", "amount_owed"}
    assert Case.objects.count() == 0


def test_executable_renamed_jpg_is_refused_and_no_case_written(personas, types, yancheng_member):
    fake = SimpleUploadedFile("工资条.jpg", EXE, content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        submit(personas, yancheng_member, types["wage_arrears"], files=[fake])
    assert "file" in error.value.message_dict
    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_twenty_megabyte_file_is_refused(personas, types, yancheng_member):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationError) as error:
        submit(personas, yancheng_member, types["wage_arrears"], files=[big])
    assert "10MB" in error.value.message_dict["file"][0]


def test_photo_and_pdf_are_stored_privately_by_content(personas, types, yancheng_member, settings):
    photo = SimpleUploadedFile("photo.pdf", png_bytes(), "application/pdf")
    pdf = SimpleUploadedFile("合同", PDF, "application/octet-stream")
    case = submit(personas, yancheng_member, types["wage_arrears"], files=[photo, pdf])
    kinds = sorted(case.attachments.values_list("content_type", "extension"))
    assert kinds == [("application/pdf", "pdf"), ("image/png", "png")]
    for attachment in case.attachments.all():
        assert attachment.file.name.startswith(f"private/cases/{case.pk}/")
        assert (settings.MEDIA_ROOT / attachment.file.name).exists()


def test_someone_elses_member_record_cannot_be_used(personas, types, hunan_member):
    with pytest.raises(Http404):
        submit(personas, hunan_member, types["wage_arrears"])
    with pytest.raises(Http404):
        submit(personas, hunan_member, types["wage_arrears"], actor=personas.luohe_officer)


def test_full_workflow_ends_with_the_workers_rating(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    officer = personas.yancheng_officer
    case = services.case_transition(
        actor=officer, case=case, to_status="accepted", expected_version=1
    )
    assert case.due_on == case.resolve_due
    case = services.case_transition(
        actor=officer, case=case, to_status="in_progress", expected_version=2
    )
    case = services.case_transition(
        actor=officer, case=case, to_status="resolved", expected_version=3
    )
    case = services.case_transition(
        actor=personas.worker, case=case, to_status="closed", expected_version=4,
        rating=5, comment="工资已追回",
    )  # fmt: skip
    assert (case.status, case.rating, case.version) == ("closed", 5, 5)
    statuses = list(case.events.filter(kind="status").values_list("status_after", flat=True))
    assert statuses == ["accepted", "in_progress", "resolved", "closed"]
    assert AuditLog.objects.filter(object_id=str(case.pk), action="update").count() == 4


def test_closing_an_unaccepted_case_is_refused(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    with pytest.raises(ValidationError) as error:
        services.case_transition(
            actor=personas.worker, case=case, to_status="closed", expected_version=1, rating=5
        )
    assert "to_status" in error.value.message_dict
    case.refresh_from_db()
    assert (case.status, case.version, case.rating) == ("submitted", 1, None)


def test_rating_outside_one_to_five_is_refused(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    for status, version in (("accepted", 1), ("resolved", 2)):
        case = services.case_transition(
            actor=personas.yancheng_officer, case=case, to_status=status,
            expected_version=version,
        )  # fmt: skip
    for rating in (0, 6, None):
        with pytest.raises(ValidationError) as error:
            services.case_transition(
                actor=personas.worker, case=case, to_status="closed", expected_version=3,
                rating=rating,
            )  # fmt: skip
        assert "rating" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == "resolved"


def test_rejection_needs_a_reason(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    with pytest.raises(ValidationError) as error:
        services.case_transition(
            actor=personas.yancheng_officer, case=case, to_status="rejected", expected_version=1
        )
    assert "reason" in error.value.message_dict
    case = services.case_transition(
        actor=personas.yancheng_officer, case=case, to_status="rejected", expected_version=1,
        reason="不属于工会受理范围，已告知劳动监察电话",
    )  # fmt: skip
    assert case.reject_reason.startswith("不属于")


def test_only_the_worker_withdraws_and_only_officers_accept(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    with pytest.raises(ValidationError):
        services.case_transition(
            actor=personas.yancheng_officer, case=case, to_status="withdrawn", expected_version=1
        )
    with pytest.raises(ValidationError):
        services.case_transition(
            actor=personas.worker, case=case, to_status="accepted", expected_version=1
        )
    case = services.case_transition(
        actor=personas.worker, case=case, to_status="withdrawn", expected_version=1
    )
    assert case.status == "withdrawn"


def test_second_officer_with_a_stale_version_gets_a_conflict_and_nothing_changes(
    personas, types, yancheng_member
):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    services.case_transition(
        actor=personas.yancheng_officer, case=case, to_status="accepted", expected_version=1
    )
    with pytest.raises(services.Conflict) as conflict:
        services.case_transition(
            actor=personas.luohe_officer, case=case, to_status="rejected", expected_version=1,
            reason="重复",
        )  # fmt: skip
    assert conflict.value.current_version == 2
    case.refresh_from_db()
    assert case.status == "accepted"
    assert list(case.events.values_list("version", flat=True)) == [1, 1, 2]


def test_reassign_within_scope_moves_the_case_and_shows_in_the_timeline(
    personas, types, yancheng_member
):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    case = services.case_reassign(
        actor=personas.luohe_officer, case=case, union=personas.yancheng, expected_version=1,
        note="请区总协调",
    )  # fmt: skip
    assert case.handling_union == personas.yancheng
    event = case.events.get(kind="reassigned")
    assert (event.from_union, event.to_union, event.public) == (
        personas.yancheng_project,
        personas.yancheng,
        True,
    )


def test_reassign_outside_scope_is_refused(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    with pytest.raises(ValidationError) as error:
        services.case_reassign(
            actor=personas.yancheng_officer, case=case, union=personas.luohe, expected_version=1
        )
    assert "union_id" in error.value.message_dict
    case.refresh_from_db()
    assert case.handling_union == personas.yancheng_project


def test_internal_note_is_hidden_from_the_worker(personas, types, yancheng_member):
    from gonghui.cases import selectors

    case = submit(personas, yancheng_member, types["wage_arrears"])
    services.case_reply(actor=personas.yancheng_officer, case=case, body="已联系企业负责人")
    services.case_reply(
        actor=personas.yancheng_officer, case=case, body="企业有转移资产迹象", internal=True
    )
    worker_view = [e.note for e in selectors.case_timeline(user=personas.worker, case=case)]
    officer_view = [
        e.note for e in selectors.case_timeline(user=personas.yancheng_officer, case=case)
    ]
    assert "已联系企业负责人" in worker_view
    assert "企业有转移资产迹象" not in worker_view
    assert "企业有转移资产迹象" in officer_view


def test_worker_cannot_write_internal_notes(personas, types, yancheng_member):
    case = submit(personas, yancheng_member, types["wage_arrears"])
    with pytest.raises(ValidationError):
        services.case_reply(actor=personas.worker, case=case, body="x", internal=True)
    assert not CaseEvent.objects.filter(kind="note").exists()


def test_case_type_change_needs_a_province_officer(personas, types):
    with pytest.raises(Http404):
        config.case_type_save(actor=personas.yancheng_officer, case_type=types["other"], ack_days=1)
    changed = config.case_type_save(
        actor=personas.hunan_officer, case_type=types["other"], ack_days=1
    )
    assert changed.ack_days == 1


def test_case_type_form_fields_are_checked(personas, types):
    with pytest.raises(ValidationError) as error:
        config.case_type_save(
            actor=SYSTEM, case_type=types["other"], form_fields=[{"name": "Bad Name"}]
        )
    assert "form_fields" in error.value.message_dict
