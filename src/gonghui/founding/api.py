"""The 模块化建会 founding workflow's API: cases, their steps, documents, sign-off and cancel."""

import datetime

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.accounts.models import User
from gonghui.core.api import HistoryEventOut
from gonghui.core.scoping import Action
from gonghui.enterprises import selectors as enterprise_selectors
from gonghui.organizations.selectors import org_for_field

from . import selectors, services
from .choices import (
    DocumentType,
    FoundingStatus,
    FoundingStep,
    FoundingTarget,
)

router = Router(tags=["founding"])


class DocumentOut(Schema):
    id: int
    doc_type: DocumentType
    original_name: str
    content_type: str
    size: int


class StepOut(Schema):
    step: FoundingStep
    position: int
    due_on: datetime.date | None
    responsible_id: int | None
    signed_off_by_id: int | None
    signed_off_at: datetime.datetime | None
    note: str
    required_document: DocumentType
    documents: list[DocumentOut]

    @staticmethod
    def resolve_required_document(obj):
        from .choices import REQUIRED_DOCUMENTS

        return REQUIRED_DOCUMENTS[FoundingStep(obj.step)]

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())


class FoundingCaseOut(Schema):
    id: int
    target: FoundingTarget
    union_name: str
    parent_org_id: int
    enterprise_ids: list[int]
    project_id: int | None
    current_step: FoundingStep
    status: FoundingStatus
    union_id: int | None
    current_due_on: datetime.date | None = None
    steps: list[StepOut]

    @staticmethod
    def resolve_enterprise_ids(obj):
        return [e.pk for e in obj.enterprises.all()]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.all())


class FoundingCaseIn(Schema):
    target: FoundingTarget
    union_name: str = Field(..., min_length=1, max_length=200)
    enterprise_ids: list[int] = []
    project_id: int | None = None
    parent_org_id: int | None = None
    responsible_id: int | None = None


class SignOffIn(Schema):
    note: str = Field("", max_length=2000)


class StepUpdateIn(Schema):
    due_on: datetime.date | None = None
    responsible_id: int | None = None
    note: str | None = Field(None, max_length=2000)


def _officer(user, user_id: int | None, field: str):
    if user_id is None:
        return None
    officer = User.objects.filter(pk=user_id).select_related("organization").first()
    if officer is None:
        raise ValidationError({field: _("责任人不在您的管辖范围内。")})
    return officer


@router.get("/founding-cases", response=list[FoundingCaseOut])
@paginate
def list_cases(
    request, status: FoundingStatus | None = None, org_id: int | None = None, overdue: bool = False
):
    return selectors.founding_case_list(
        user=request.user, status=status, org_id=org_id, overdue=overdue
    )


@router.post("/founding-cases", response={201: FoundingCaseOut})
def open_case(request, payload: FoundingCaseIn):
    # Every enterprise and the project must be in the caller's scope: otherwise 404, as if the
    # caller had named one that does not exist.
    enterprises = [
        enterprise_selectors.enterprise_get(
            user=request.user, enterprise_id=pk, action=Action.CHANGE
        )
        for pk in payload.enterprise_ids
    ]
    project = (
        enterprise_selectors.project_get(
            user=request.user, project_id=payload.project_id, action=Action.CHANGE
        )
        if payload.project_id is not None
        else None
    )
    parent_org = (
        None
        if payload.parent_org_id is None
        else org_for_field(user=request.user, org_id=payload.parent_org_id, field="parent_org_id")
    )
    responsible = _officer(request.user, payload.responsible_id, "responsible_id")
    case = services.founding_case_open(
        actor=request.user,
        target=payload.target,
        union_name=payload.union_name,
        enterprises=enterprises,
        project=project,
        parent_org=parent_org,
        responsible=responsible,
    )
    return Status(201, case)


@router.get("/founding-cases/{case_id}", response=FoundingCaseOut)
def get_case(request, case_id: int):
    return selectors.founding_case_get(user=request.user, case_id=case_id)


class FoundingEventOut(HistoryEventOut):
    step: str


@router.get("/founding-cases/{case_id}/events", response=list[FoundingEventOut])
def case_events(request, case_id: int):
    case = selectors.founding_case_get(user=request.user, case_id=case_id)
    return selectors.founding_timeline(case)


def _case_step(request, case_id: int, step: FoundingStep):
    case = selectors.founding_case_get(user=request.user, case_id=case_id, action=Action.CHANGE)
    return case, case.steps.get(step=step)


@router.patch("/founding-cases/{case_id}/steps/{step}", response=StepOut)
def update_step(request, case_id: int, step: FoundingStep, payload: StepUpdateIn):
    _case, row = _case_step(request, case_id, step)
    data = payload.dict(exclude_unset=True)
    if "responsible_id" in data:
        data["responsible"] = _officer(request.user, data.pop("responsible_id"), "responsible")
    return services.founding_step_update(actor=request.user, step=row, **data)


class CancelIn(Schema):
    reason: str = Field(..., max_length=500)


@router.post("/founding-cases/{case_id}/cancel", response=FoundingCaseOut)
def cancel_case(request, case_id: int, payload: CancelIn):
    """Stop a founding case, with the reason."""
    case = selectors.founding_case_get(user=request.user, case_id=case_id, action=Action.CHANGE)
    services.founding_case_cancel(actor=request.user, case=case, reason=payload.reason)
    return selectors.founding_case_get(user=request.user, case_id=case.pk)


@router.post("/founding-cases/{case_id}/steps/{step}/documents", response={201: DocumentOut})
def upload_document(
    request,
    case_id: int,
    step: FoundingStep,
    file: File[UploadedFile],
    doc_type: Form[DocumentType],
):
    _case, row = _case_step(request, case_id, step)
    document = services.founding_document_add(
        actor=request.user, step=row, doc_type=doc_type, uploaded=file
    )
    return Status(201, document)


@router.post("/founding-cases/{case_id}/steps/{step}/sign-off", response=FoundingCaseOut)
def sign_off_step(request, case_id: int, step: FoundingStep, payload: SignOffIn):
    case = selectors.founding_case_get(user=request.user, case_id=case_id, action=Action.CHANGE)
    case = services.founding_step_sign_off(
        actor=request.user, case=case, step=step, note=payload.note
    )
    return selectors.founding_case_get(user=request.user, case_id=case.pk)


@router.get("/founding-documents/{document_id}/file")
def download_document(request, document_id: int):
    document = selectors.founding_document_get(user=request.user, document_id=document_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
