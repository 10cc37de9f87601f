"""Every write of the founding workflow (模块化建会): open a case, edit and sign off its steps,
upload their documents, cancel it; signing off the last step founds the union. Keyword-only,
``actor=``, scope-checked, validated, audited in the same transaction (as the enterprises
services, whose audit snapshot they share)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.enterprises.models import Enterprise, Project
from gonghui.enterprises.services import check_area, record_audit, snapshot
from gonghui.organizations.choices import OrgLevel, OrgType
from gonghui.organizations.models import Organization
from gonghui.organizations.services import org_create

from .choices import (
    REQUIRED_DOCUMENTS,
    STEP_ORDER,
    DocumentType,
    FoundingEventKind,
    FoundingStatus,
    FoundingStep,
    FoundingTarget,
)
from .models import FoundingCase, FoundingCaseStep, FoundingDocument, FoundingEvent

# Days allowed per founding step when the officer sets no deadline.
DEFAULT_STEP_DAYS = 15
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

_UNSET = object()


def _check_responsible(actor, responsible, field: str) -> None:
    """A step's responsible officer is an officer the actor can see."""
    if responsible is not None and not (
        responsible.organization_id
        and scope_for(actor, Action.VIEW).covers(responsible.organization.path)
    ):
        raise ValidationError({field: _("责任人不在您的管辖范围内。")})


UNION_TYPE_FOR_TARGET = {
    FoundingTarget.ENTERPRISE: OrgType.SINGLE,
    FoundingTarget.JOINT: OrgType.JOINT,
    FoundingTarget.PROJECT: OrgType.PROJECT,
}


@transaction.atomic
def founding_case_open(
    *,
    actor,
    target: str,
    union_name: str,
    enterprises: list[Enterprise] = (),
    project: Project | None = None,
    parent_org: Organization | None = None,
    responsible=None,
    today: datetime.date | None = None,
) -> FoundingCase:
    today = today or timezone.localdate()
    _check_responsible(actor, responsible, "responsible_id")
    enterprises = list(enterprises)
    for enterprise in enterprises:
        check_area(actor, enterprise.street_org)
    if project is not None:
        check_area(actor, project.street_org)
    if target == FoundingTarget.ENTERPRISE and len(enterprises) != 1:
        raise ValidationError({"enterprises": _("单独建会需要且只能选择一个企业。")})
    if target == FoundingTarget.JOINT and len(enterprises) < 2:
        raise ValidationError({"enterprises": _("联合建会至少需要两个企业。")})
    if target == FoundingTarget.PROJECT and project is None:
        raise ValidationError({"project": _("项目建会需要选择项目。")})
    if target != FoundingTarget.PROJECT and project is not None:
        raise ValidationError({"project": _("只有项目建会才能选择项目。")})
    covered = [e.name for e in enterprises if e.is_covered]
    if covered:
        raise ValidationError({"enterprises": _("以下企业已有工会覆盖：") + "、".join(covered)})
    if project is not None and project.union_id and project.union.is_active:
        raise ValidationError({"project": _("该项目已有项目工会。")})
    busy = FoundingCase.objects.filter(status=FoundingStatus.OPEN)
    if enterprises and busy.filter(enterprises__in=enterprises).exists():
        raise ValidationError({"enterprises": _("所选企业已有进行中的建会流程。")})
    if project is not None and busy.filter(project=project).exists():
        raise ValidationError({"project": _("该项目已有进行中的建会流程。")})
    if parent_org is None:
        parent_org = project.street_org if project is not None else enterprises[0].street_org
    require_in_scope(actor, parent_org.path, Action.CHANGE)
    if parent_org.level == OrgLevel.GRASSROOTS or not parent_org.is_active:
        raise ValidationError({"parent_org": _("上级工会必须是仍在运行的基层以上工会。")})
    case = FoundingCase(
        target=target,
        union_name=(union_name or "").strip(),
        parent_org=parent_org,
        project=project,
        created_by=audit.actor_fk(actor),
    )
    case.full_clean()
    case.save()
    case.enterprises.set(enterprises)
    _founding_event(case, FoundingEventKind.OPENED, actor=actor)
    FoundingCaseStep.objects.bulk_create(
        FoundingCaseStep(
            case=case,
            step=step,
            position=position,
            due_on=today + datetime.timedelta(days=DEFAULT_STEP_DAYS * (position + 1)),
            responsible=responsible,
        )
        for position, step in enumerate(STEP_ORDER)
    )
    changes = audit.diff({}, snapshot(case))
    changes["enterprises"] = [[], [e.pk for e in enterprises]]
    audit.record(
        actor=actor, action=AuditAction.CREATE, instance=case, org_path=parent_org.path,
        changes=changes,
    )  # fmt: skip
    return case


def _founding_event(case: FoundingCase, kind, *, actor, step: str = "", note: str = ""):
    FoundingEvent.record(actor=actor, case=case, kind=kind, step=step, note=note)


def _open_case_for_write(actor, case: FoundingCase) -> FoundingCase:
    case = FoundingCase.objects.select_for_update().get(pk=case.pk)
    require_in_scope(actor, case.parent_org.path, Action.CHANGE)
    if case.status != FoundingStatus.OPEN:
        raise ValidationError({"status": _("该建会流程已结束。")})
    return case


@transaction.atomic
def founding_step_update(
    *, actor, step: FoundingCaseStep, due_on=_UNSET, responsible=_UNSET, note=_UNSET
) -> FoundingCaseStep:
    _open_case_for_write(actor, step.case)
    step = FoundingCaseStep.objects.select_for_update().get(pk=step.pk)
    if step.is_signed_off:
        raise ValidationError({"step": _("该步骤已签批，不能修改。")})
    before = snapshot(step)
    if due_on is not _UNSET:
        step.due_on = due_on
    if responsible is not _UNSET:
        _check_responsible(actor, responsible, "responsible")
        step.responsible = responsible
    if note is not _UNSET:
        step.note = note
    step.full_clean()
    step.save()
    record_audit(actor, AuditAction.UPDATE, step, step.case.parent_org.path, before)
    _founding_event(
        step.case,
        FoundingEventKind.STEP_UPDATED,
        actor=actor,
        step=step.step,
        note=step.note if note is not _UNSET else "",
    )
    return step


@transaction.atomic
def founding_case_cancel(*, actor, case: FoundingCase, reason: str) -> FoundingCase:
    """Stop a founding case that will not go on (the enterprise closed, merged, or joined
    another union); the reason is required and kept in the timeline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写终止原因。")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("原因不能超过500个字。")})
    case = _open_case_for_write(actor, case)
    before = snapshot(case)
    case.status = FoundingStatus.CANCELLED
    case.save()
    record_audit(actor, AuditAction.UPDATE, case, case.parent_org.path, before)
    _founding_event(case, FoundingEventKind.CANCELLED, actor=actor, note=reason)
    return case


# Leading bytes of the formats accepted as founding documents: the content decides, not the
# file name or the browser's claim.
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
)
OFFICE_ZIP_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff_document(uploaded) -> str:
    """The content type of an accepted document, or a ValidationError on ``file``."""
    if uploaded.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("文件不能超过10MB。")})
    if uploaded.size == 0:
        raise ValidationError({"file": _("文件是空的。")})
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for signature, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            if content_type != "application/zip":
                return content_type
            import zipfile

            try:
                with zipfile.ZipFile(uploaded) as archive:
                    names = archive.namelist()
            except zipfile.BadZipFile:
                break
            finally:
                uploaded.seek(0)
            for prefix, office_type in OFFICE_ZIP_TYPES.items():
                if any(name.startswith(prefix) for name in names):
                    return office_type
            break
    raise ValidationError({"file": _("只接受PDF、JPG、PNG、Word或Excel文件。")})


@transaction.atomic
def founding_document_add(
    *, actor, step: FoundingCaseStep, doc_type: str, uploaded
) -> FoundingDocument:
    _open_case_for_write(actor, step.case)
    if step.is_signed_off:
        raise ValidationError({"step": _("该步骤已签批，不能再上传材料。")})
    if doc_type not in DocumentType.values:
        raise ValidationError({"doc_type": _("不是可选的值之一。")})
    content_type = sniff_document(uploaded)
    name = (getattr(uploaded, "name", "") or "document")[-200:]
    document = FoundingDocument(
        step=step,
        doc_type=doc_type,
        original_name=name,
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=audit.actor_fk(actor),
    )
    document.file.save(name.rsplit("/", 1)[-1], uploaded, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        # The row rolls back with the transaction; the file on disk must go with it.
        document.file.delete(save=False)
        raise
    record_audit(actor, AuditAction.CREATE, document, step.case.parent_org.path, {})
    _founding_event(
        step.case, FoundingEventKind.DOCUMENT_ADDED, actor=actor, step=step.step, note=name
    )
    return document


@transaction.atomic
def founding_step_sign_off(
    *, actor, case: FoundingCase, step: str, note: str = "", today: datetime.date | None = None
) -> FoundingCase:
    """Sign off the current step and move to the next; signing off 成立 founds the union."""
    case = _open_case_for_write(actor, case)
    if step not in STEP_ORDER:
        raise ValidationError({"step": _("不是可选的值之一。")})
    if step != case.current_step:
        raise ValidationError(
            {"step": _("不能跳过步骤：请先完成当前步骤「%(step)s」。") % {
                "step": FoundingStep(case.current_step).label}}
        )  # fmt: skip
    row = case.steps.select_for_update().get(step=step)
    required = REQUIRED_DOCUMENTS[FoundingStep(step)]
    if not row.documents.filter(doc_type=required).exists():
        raise ValidationError(
            {"documents": _("签批前请上传「%(doc)s」。") % {"doc": DocumentType(required).label}}
        )
    before_step = snapshot(row)
    row.signed_off_by = audit.actor_fk(actor)
    row.signed_off_at = timezone.now()
    if note:
        row.note = note
    row.save()
    record_audit(actor, AuditAction.UPDATE, row, case.parent_org.path, before_step)
    _founding_event(case, FoundingEventKind.SIGNED_OFF, actor=actor, step=step, note=note)

    before = snapshot(case)
    position = STEP_ORDER.index(step)
    if position + 1 < len(STEP_ORDER):
        case.current_step = STEP_ORDER[position + 1]
        case.save()
    else:
        _establish(actor, case, today or timezone.localdate())
    record_audit(actor, AuditAction.UPDATE, case, case.parent_org.path, before)
    return case


def _establish(actor, case: FoundingCase, today: datetime.date) -> None:
    parent = case.parent_org
    union = org_create(
        actor=actor,
        parent=parent,
        name=case.union_name,
        level=OrgLevel.GRASSROOTS,
        org_type=UNION_TYPE_FOR_TARGET[FoundingTarget(case.target)],
        region_code=parent.region_code,
        founded_on=today,
    )
    case.union = union
    case.status = FoundingStatus.ESTABLISHED
    case.save()
    _founding_event(case, FoundingEventKind.ESTABLISHED, actor=actor, note=union.name)
    for enterprise in case.enterprises.select_for_update():
        before = snapshot(enterprise)
        enterprise.union = union
        enterprise.save()
        record_audit(actor, AuditAction.UPDATE, enterprise, enterprise.street_org.path, before)
    if case.project_id:
        project = Project.objects.select_for_update().get(pk=case.project_id)
        before = snapshot(project)
        project.union = union
        project.save()
        record_audit(actor, AuditAction.UPDATE, project, project.street_org.path, before)
