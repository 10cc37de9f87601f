import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from gonghui.core.models import AuditLog
from gonghui.enterprises.tests.factories import enterprise, project
from gonghui.founding import services
from gonghui.founding.choices import REQUIRED_DOCUMENTS, STEP_ORDER
from gonghui.founding.models import FoundingCase, FoundingDocument
from gonghui.organizations.models import Organization

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def open_case(officer, enterprises, target="enterprise", name="示例公司工会", **extra):
    return services.founding_case_open(
        actor=officer, target=target, union_name=name, enterprises=enterprises, **extra
    )


def complete_step(officer, case, step):
    row = case.steps.get(step=step)
    services.founding_document_add(
        actor=officer, step=row, doc_type=REQUIRED_DOCUMENTS[step], uploaded=pdf()
    )
    return services.founding_step_sign_off(actor=officer, case=case, step=step)


def test_walking_all_steps_founds_the_union_and_links_the_enterprise(personas):
    officer = personas.yancheng_officer
    firm = enterprise(personas.yancheng, name="郾城示例公司")
    case = open_case(officer, [firm])
    for step in STEP_ORDER:
        case = complete_step(officer, case, step)
    case.refresh_from_db()
    firm.refresh_from_db()
    assert case.status == "established"
    union = Organization.objects.get(pk=case.union_id)
    assert (union.name, union.parent_id, union.org_type) == (
        "示例公司工会",
        personas.yancheng.pk,
        "single",
    )
    assert firm.union_id == union.pk
    assert AuditLog.objects.filter(
        object_id=str(union.pk), content_type__model="organization"
    ).exists()
    assert AuditLog.objects.filter(object_id=str(firm.pk), changes__has_key="union").exists()


def test_a_joint_union_covers_every_small_firm_of_the_group(personas):
    officer = personas.yancheng_officer
    firms = [enterprise(personas.yancheng, kind="small", employees=8) for _ in range(3)]
    case = open_case(officer, firms, target="joint", name="城关镇小微企业联合工会")
    for step in STEP_ORDER:
        case = complete_step(officer, case, step)
    unions = {f.union_id for f in type(firms[0]).objects.filter(pk__in=[f.pk for f in firms])}
    assert unions == {case.union_id}
    assert case.union.org_type == "joint"


def test_a_project_case_founds_a_project_union(personas):
    officer = personas.yancheng_officer
    site = project(personas.yancheng, name="港区工地")
    case = services.founding_case_open(
        actor=officer, target="project", union_name="港区工地项目工会", project=site
    )
    for step in STEP_ORDER:
        case = complete_step(officer, case, step)
    site.refresh_from_db()
    assert site.union.org_type == "project"


def test_skipping_a_step_is_refused(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    services.founding_document_add(
        actor=officer,
        step=case.steps.get(step="prepare"),
        doc_type="preparatory_plan",
        uploaded=pdf(),
    )
    with pytest.raises(ValidationError) as caught:
        services.founding_step_sign_off(actor=officer, case=case, step="prepare")
    assert "step" in caught.value.message_dict
    case.refresh_from_db()
    assert case.current_step == "apply"
    assert not case.steps.filter(signed_off_at__isnull=False).exists()


def test_signing_off_without_the_required_document_is_refused(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    services.founding_document_add(
        actor=officer, step=case.steps.get(step="apply"), doc_type="other", uploaded=pdf()
    )
    with pytest.raises(ValidationError) as caught:
        services.founding_step_sign_off(actor=officer, case=case, step="apply")
    assert "documents" in caught.value.message_dict
    assert FoundingCase.objects.get(pk=case.pk).current_step == "apply"


def test_a_document_is_checked_by_its_content_not_its_name(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    with pytest.raises(ValidationError) as caught:
        services.founding_document_add(
            actor=officer, step=case.steps.get(step="apply"), doc_type="application",
            uploaded=pdf("申请书.pdf", b"MZ\x90\x00 not a pdf"),
        )  # fmt: skip
    assert "file" in caught.value.message_dict
    assert not FoundingDocument.objects.exists()


def test_an_oversized_document_is_refused(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    big = pdf(content=PDF + b"0" * services.MAX_DOCUMENT_BYTES)
    with pytest.raises(ValidationError) as caught:
        services.founding_document_add(
            actor=officer, step=case.steps.get(step="apply"), doc_type="application", uploaded=big
        )
    assert "file" in caught.value.message_dict


def test_the_uploaded_file_is_stored_under_media_root(personas, tmp_path):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    document = services.founding_document_add(
        actor=officer, step=case.steps.get(step="apply"), doc_type="application", uploaded=pdf()
    )
    stored = tmp_path / document.file.name
    assert stored.read_bytes() == PDF


def test_founding_for_an_enterprise_outside_the_scope_is_404(personas):
    firm = enterprise(personas.liuyang)
    with pytest.raises(Http404):
        open_case(personas.luohe_officer, [firm])
    assert not FoundingCase.objects.exists()


def test_an_already_covered_enterprise_cannot_start_another_case(personas):
    officer = personas.yancheng_officer
    firm = enterprise(personas.yancheng, union=personas.yancheng_project)
    with pytest.raises(ValidationError) as caught:
        open_case(officer, [firm])
    assert "enterprises" in caught.value.message_dict


def test_a_failed_establishment_leaves_nothing_half_written(personas):
    officer = personas.yancheng_officer
    firm = enterprise(personas.yancheng)
    # A grassroots parent cannot hold another union: org_create refuses at the last step.
    case = open_case(officer, [firm], parent_org=personas.yancheng)
    for step in STEP_ORDER[:-1]:
        case = complete_step(officer, case, step)
    Organization.objects.filter(pk=personas.yancheng.pk).update(level="grassroots")
    case.refresh_from_db()
    row = case.steps.get(step="establish")
    services.founding_document_add(actor=officer, step=row, doc_type="registration", uploaded=pdf())
    before = Organization.objects.count()
    with pytest.raises(ValidationError):
        services.founding_step_sign_off(actor=officer, case=case, step="establish")
    case.refresh_from_db()
    firm.refresh_from_db()
    assert (case.status, case.current_step, firm.union_id) == ("open", "establish", None)
    assert Organization.objects.count() == before
    assert not case.steps.get(step="establish").is_signed_off


def test_overdue_lists_open_cases_past_the_current_steps_deadline(personas):
    import datetime

    from gonghui.founding import selectors

    officer = personas.yancheng_officer
    late = open_case(officer, [enterprise(personas.yancheng)], name="逾期工会")
    open_case(officer, [enterprise(personas.yancheng)], name="按期工会")
    services.founding_step_update(
        actor=officer, step=late.steps.get(step="apply"),
        due_on=datetime.date.today() - datetime.timedelta(days=1),
    )  # fmt: skip
    overdue = selectors.founding_case_list(user=officer, overdue=True)
    assert [c.union_name for c in overdue] == ["逾期工会"]


def test_a_signed_off_step_cannot_be_changed(personas):
    officer = personas.yancheng_officer
    case = open_case(officer, [enterprise(personas.yancheng)])
    complete_step(officer, case, "apply")
    with pytest.raises(ValidationError) as caught:
        services.founding_step_update(actor=officer, step=case.steps.get(step="apply"), note="改")
    assert "step" in caught.value.message_dict
