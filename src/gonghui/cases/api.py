"""Case and aid endpoints: parse, call a selector or service, serialise. Officers see their
scope; a worker sees only their own cases. A stale ``expected_version`` answers 409."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.core.api import ErrorOut, HistoryEventOut, ObjectId
from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from . import aid, config, selectors, services
from .choices import AidStatus, CaseStatus, HandlingLevel, HolidayKind, PaymentMethod
from .models import CaseType, Holiday

router = Router(tags=["cases"])

CONFLICT = {409: ErrorOut}


def conflict(exc: services.Conflict):
    return Status(409, {"detail": exc.message, "errors": {"expected_version": [exc.message]}})


# ---- Schemas -----------------------------------------------------------------------------------


class FieldSpec(Schema):
    name: str = Field(..., max_length=40)
    label: str = Field(..., max_length=60)
    type: Literal["text", "textarea", "number", "date", "choice"]
    required: bool = False
    choices: list[str] | None = None
    min: float | None = None


class CaseTypeOut(Schema):
    id: int
    code: str
    name: str
    description: str
    handling_level: HandlingLevel
    ack_days: int
    resolve_days: int
    form_fields: list[dict]
    is_active: bool


class CaseTypeIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=40)
    description: str | None = Field(None, max_length=300)
    handling_level: HandlingLevel | None = None
    ack_days: int | None = Field(None, ge=0, le=60)
    resolve_days: int | None = Field(None, ge=1, le=365)
    form_fields: list[FieldSpec] | None = None
    is_active: bool | None = None


class CaseTypeCreateIn(Schema):
    code: str = Field(..., pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str = Field(..., min_length=1, max_length=40)
    description: str = Field("", max_length=300)
    handling_level: HandlingLevel = HandlingLevel.MEMBER_UNION
    ack_days: int = Field(2, ge=0, le=60)
    resolve_days: int = Field(15, ge=1, le=365)
    form_fields: list[FieldSpec] = []


class HolidayIn(Schema):
    kind: HolidayKind
    name: str = Field("", max_length=40)


class HolidayOut(Schema):
    date: datetime.date
    kind: HolidayKind
    name: str


class CaseOut(Schema):
    id: int
    reference: str
    case_type: str
    case_type_name: str
    title: str
    description: str
    form_data: dict
    status: CaseStatus
    version: int
    channel: str
    member_id: int
    member_name: str
    handling_union_id: int
    handling_union_name: str
    submitted_on: datetime.date
    ack_due: datetime.date
    resolve_due: datetime.date
    due_on: datetime.date | None
    overdue: bool
    escalation_count: int
    reject_reason: str
    rating: int | None
    rating_comment: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_case_type(obj):
        return obj.case_type.code

    @staticmethod
    def resolve_case_type_name(obj):
        return obj.case_type.name

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name

    @staticmethod
    def resolve_handling_union_name(obj):
        return obj.handling_union.name

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue()


class CaseIn(Schema):
    case_type: str = Field(..., max_length=40)
    title: str = Field("", max_length=100)
    description: str = Field(..., max_length=5000)
    form_data: dict = {}
    member_id: ObjectId | None = Field(None, description="官员代职工提交时必填")


class CaseFilters(Schema):
    status: CaseStatus | None = None
    overdue: bool | None = None
    union_id: ObjectId | None = None


class TransitionIn(Schema):
    to_status: CaseStatus
    expected_version: int = Field(..., ge=1, le=2**31 - 1)
    reason: str = Field("", max_length=500)
    rating: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    comment: str = Field("", max_length=500)


class ReassignIn(Schema):
    union_id: ObjectId
    expected_version: int = Field(..., ge=1, le=2**31 - 1)
    note: str = Field("", max_length=500)


class ReplyIn(Schema):
    body: str = Field(..., max_length=5000)
    internal: bool = False


class CaseEventOut(HistoryEventOut):
    id: int
    public: bool
    # The note under the name it had before the shared history base (kept for clients).
    body: str
    status_before: str
    status_after: str
    from_union_id: int | None
    to_union_id: int | None
    version: int

    @staticmethod
    def resolve_body(obj):
        return obj.note


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    public: bool
    url: str
    download_url: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_download_url(obj):
        return f"/api/cases/{obj.case_id}/attachments/{obj.pk}/file"


class NotificationOut(Schema):
    id: int
    case_id: int | None
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class HouseholdPerson(Schema):
    name: str = Field(..., max_length=60)
    relation: str = Field(..., max_length=20)
    monthly_income: Decimal = Field(..., ge=0, le=10**8)


class HardshipIn(Schema):
    member_id: ObjectId | None = None
    case_id: ObjectId | None = None
    period: str = Field(..., max_length=7)
    reason: str = Field(..., max_length=2000)
    household: list[HouseholdPerson] = Field(..., max_length=20)
    requested_amount: Decimal = Field(..., gt=0, le=10**8)


class HardshipOut(Schema):
    id: int
    member_id: int
    member_name: str
    union_id: int
    county_union_id: int
    case_id: int | None
    period: str
    reason: str
    household: list[dict]
    household_size: int
    household_monthly_income: Decimal
    threshold: Decimal | None
    means_ok: bool
    requested_amount: Decimal
    approved_amount: Decimal | None
    status: AidStatus
    version: int
    decision_note: str

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name


class ApproveIn(Schema):
    expected_version: int = Field(..., ge=1, le=2**31 - 1)
    approved_amount: Decimal | None = Field(None, gt=0, le=10**8)
    note: str = Field("", max_length=500)


class RejectIn(Schema):
    expected_version: int = Field(..., ge=1, le=2**31 - 1)
    note: str = Field(..., max_length=500)


class DisburseIn(Schema):
    amount: Decimal = Field(..., gt=0, le=10**8)
    paid_on: datetime.date
    method: PaymentMethod
    note: str = Field("", max_length=300)


class DisbursementOut(Schema):
    id: int
    application_id: int
    member_id: int
    period: str
    amount: Decimal
    paid_on: datetime.date
    method: PaymentMethod
    approver_label: str


class ThresholdIn(Schema):
    monthly_income_per_capita: Decimal = Field(..., ge=0, le=10**6)


class ThresholdOut(Schema):
    union_id: int
    monthly_income_per_capita: Decimal


class EnrolmentIn(Schema):
    union_id: ObjectId
    unit_name: str = Field(..., min_length=1, max_length=200)
    year: int = Field(..., ge=2000, le=2100)
    participants: int = Field(..., ge=1, le=1_000_000)


class EnrolmentOut(Schema):
    id: int
    union_id: int
    unit_name: str
    year: int
    participants: int


class MutualAidSummaryOut(Schema):
    year: int
    union_id: int
    union_name: str
    units: int
    participants: int

    @staticmethod
    def resolve_union_name(obj):
        return obj["union__name"]


# ---- Helpers -----------------------------------------------------------------------------------


def _member_for(user, member_id, field="member_id"):
    """The member a case or application is about: for an officer, one in their scope (given by
    id); for a worker, their own record."""
    if selectors.is_officer_view(user):
        if member_id is None:
            raise ValidationError({field: _("代职工提交时请填写会员。")})
        try:
            return get_visible_or_404(
                Member.objects.select_related("union"), user, Action.CHANGE, pk=member_id
            )
        except Http404:
            raise ValidationError({field: _("会员不存在或不在您的管辖范围内。")}) from None
    members = selectors.members_of(user=user)
    if member_id is not None:
        members = members.filter(pk=member_id)
    member = members.first()
    if member is None:
        raise ValidationError({field: _("请先加入工会，再提交。")})
    return member


def _union_for_write(user, union_id, field="union_id"):
    try:
        return get_visible_or_404(Organization.objects.all(), user, Action.CHANGE, pk=union_id)
    except Http404:
        raise ValidationError({field: _("该工会不存在或不在您的管辖范围内。")}) from None


# ---- Case types --------------------------------------------------------------------------------


@router.get("/case-types", response=list[CaseTypeOut], auth=None)
def list_case_types(request):
    return selectors.case_types()


@router.patch("/case-types/{type_id}", response=CaseTypeOut)
def update_case_type(request, type_id: ObjectId, payload: CaseTypeIn):
    if not config.can_configure(request.user):
        raise Http404
    try:
        case_type = CaseType.objects.get(pk=type_id)
    except CaseType.DoesNotExist:
        raise Http404 from None
    fields = payload.dict(exclude_unset=True)
    if "form_fields" in fields:
        fields["form_fields"] = [
            {k: v for k, v in spec.items() if v is not None} for spec in fields["form_fields"]
        ]
    return config.case_type_save(actor=request.user, case_type=case_type, **fields)


@router.post("/case-types", response={201: CaseTypeOut})
def create_case_type(request, payload: CaseTypeCreateIn):
    fields = payload.dict()
    fields["form_fields"] = [
        {k: v for k, v in spec.items() if v is not None} for spec in fields["form_fields"]
    ]
    if CaseType.objects.filter(code=fields["code"]).exists():
        raise ValidationError({"code": _("该代码已被使用。")})
    return Status(201, config.case_type_save(actor=request.user, **fields))


@router.get("/holidays", response=list[HolidayOut], auth=None)
def list_holidays(request, year: int = Query(..., ge=2000, le=2100)):
    return Holiday.objects.filter(date__year=year)


@router.put("/holidays/{day}", response=HolidayOut)
def set_holiday(request, day: datetime.date, payload: HolidayIn):
    return config.holiday_set(actor=request.user, date=day, kind=payload.kind, name=payload.name)


@router.delete("/holidays/{day}", response={204: None})
def delete_holiday(request, day: datetime.date):
    config.holiday_set(actor=request.user, date=day, kind=None)
    return Status(204, None)


# ---- Cases -------------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut])
@paginate
def list_cases(request, filters: Query[CaseFilters]):
    cases = selectors.case_list(
        user=request.user,
        status=filters.status,
        overdue=filters.overdue,
        union_id=filters.union_id,
    )
    if selectors.is_officer_view(request.user):
        return cases.order_by("due_on", "id")
    return cases.order_by("-created_at", "-id")


@router.post("/cases", response={201: CaseOut})
def create_case(request, payload: CaseIn):
    case_type = CaseType.objects.filter(code=payload.case_type, is_active=True).first()
    if case_type is None:
        raise ValidationError({"case_type": _("没有这种诉求类型。")})
    member = _member_for(request.user, payload.member_id)
    case = services.case_submit(
        actor=request.user,
        member=member,
        case_type=case_type,
        title=payload.title,
        description=payload.description,
        form_data=payload.form_data,
    )
    return Status(201, case)


class CaseDetailOut(CaseOut):
    # The statuses the caller may move the case to now (the page's buttons).
    allowed_transitions: list[CaseStatus]

    @staticmethod
    def resolve_allowed_transitions(obj, context):
        user = context["request"].user
        return services.case_allowed_transitions(case=obj, user=user)


@router.get("/cases/{case_id}", response=CaseDetailOut)
def get_case(request, case_id: ObjectId):
    return selectors.case_get(user=request.user, case_id=case_id)


@router.get("/cases/{case_id}/events", response=list[CaseEventOut])
def case_events(request, case_id: ObjectId):
    case = selectors.case_get(user=request.user, case_id=case_id)
    return selectors.case_timeline(user=request.user, case=case)


@router.post("/cases/{case_id}/transition", response={200: CaseOut, **CONFLICT})
def transition_case(request, case_id: ObjectId, payload: TransitionIn):
    case = selectors.case_get(user=request.user, case_id=case_id)
    try:
        return services.case_transition(
            actor=request.user,
            case=case,
            to_status=payload.to_status,
            expected_version=payload.expected_version,
            reason=payload.reason,
            rating=payload.rating,
            comment=payload.comment,
        )
    except services.Conflict as exc:
        return conflict(exc)


@router.post("/cases/{case_id}/reassign", response={200: CaseOut, **CONFLICT})
def reassign_case(request, case_id: ObjectId, payload: ReassignIn):
    case = selectors.case_get(user=request.user, case_id=case_id, action=Action.CHANGE)
    union = _union_for_write(request.user, payload.union_id)
    try:
        return services.case_reassign(
            actor=request.user,
            case=case,
            union=union,
            expected_version=payload.expected_version,
            note=payload.note,
        )
    except services.Conflict as exc:
        return conflict(exc)


@router.post("/cases/{case_id}/replies", response={201: CaseEventOut})
def reply_case(request, case_id: ObjectId, payload: ReplyIn):
    case = selectors.case_get(user=request.user, case_id=case_id)
    event = services.case_reply(
        actor=request.user, case=case, body=payload.body, internal=payload.internal
    )
    return Status(201, event)


@router.get("/cases/{case_id}/attachments", response=list[AttachmentOut])
def case_attachments(request, case_id: ObjectId):
    case = selectors.case_get(user=request.user, case_id=case_id)
    return selectors.case_attachments(user=request.user, case=case)


@router.get("/cases/{case_id}/attachments/{attachment_id}/file")
def download_attachment(request, case_id: ObjectId, attachment_id: ObjectId):
    from .views import attachment_response

    attachment = selectors.attachment_get(user=request.user, attachment_id=attachment_id)
    if attachment.case_id != case_id:
        raise Http404
    return attachment_response(attachment)


@router.post("/cases/{case_id}/attachments", response={201: AttachmentOut})
def attach_case(request, case_id: ObjectId, file: File[UploadedFile], public: Form[bool] = True):
    case = selectors.case_get(user=request.user, case_id=case_id)
    return Status(
        201, services.case_attach(actor=request.user, case=case, upload=file, public=public)
    )


# ---- Inbox -------------------------------------------------------------------------------------


@router.get("/notifications", response=list[NotificationOut])
@paginate
def list_notifications(request, unread: bool = False):
    return selectors.inbox(user=request.user, unread_only=unread)


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read_notification(request, notification_id: ObjectId):
    row = selectors.inbox(user=request.user).filter(pk=notification_id).first()
    if row is None:
        raise Http404
    services.notifications_mark_read(actor=request.user, notification_ids=[row.pk])
    row.refresh_from_db()
    return row


# ---- Hardship aid ------------------------------------------------------------------------------


@router.get("/hardship/applications", response=list[HardshipOut], tags=["hardship"])
@paginate
def list_hardship(request, status: AidStatus | None = None, period: str | None = None):
    return selectors.hardship_list(user=request.user, status=status, period=period)


@router.post("/hardship/applications", response={201: HardshipOut}, tags=["hardship"])
def create_hardship(request, payload: HardshipIn):
    member = _member_for(request.user, payload.member_id)
    case = None
    if payload.case_id is not None:
        try:
            case = selectors.case_get(user=request.user, case_id=payload.case_id)
        except Http404:
            raise ValidationError({"case_id": _("诉求不存在。")}) from None
    application = aid.hardship_apply(
        actor=request.user,
        member=member,
        period=payload.period,
        reason=payload.reason,
        household=[person.dict() for person in payload.household],
        requested_amount=payload.requested_amount,
        case=case,
    )
    return Status(201, application)


@router.get("/hardship/applications/{application_id}", response=HardshipOut, tags=["hardship"])
def get_hardship(request, application_id: ObjectId):
    return selectors.hardship_get(user=request.user, application_id=application_id)


@router.post(
    "/hardship/applications/{application_id}/approve",
    response={200: HardshipOut, **CONFLICT},
    tags=["hardship"],
)
def approve_hardship(request, application_id: ObjectId, payload: ApproveIn):
    application = selectors.hardship_get(user=request.user, application_id=application_id)
    try:
        return aid.hardship_approve(
            actor=request.user,
            application=application,
            expected_version=payload.expected_version,
            approved_amount=payload.approved_amount,
            note=payload.note,
        )
    except services.Conflict as exc:
        return conflict(exc)


@router.post(
    "/hardship/applications/{application_id}/reject",
    response={200: HardshipOut, **CONFLICT},
    tags=["hardship"],
)
def reject_hardship(request, application_id: ObjectId, payload: RejectIn):
    application = selectors.hardship_get(user=request.user, application_id=application_id)
    try:
        return aid.hardship_reject(
            actor=request.user,
            application=application,
            expected_version=payload.expected_version,
            note=payload.note,
        )
    except services.Conflict as exc:
        return conflict(exc)


@router.post(
    "/hardship/applications/{application_id}/disbursements",
    response={201: DisbursementOut},
    tags=["hardship"],
)
def disburse_hardship(request, application_id: ObjectId, payload: DisburseIn):
    application = selectors.hardship_get(user=request.user, application_id=application_id)
    payment = aid.hardship_disburse(
        actor=request.user,
        application=application,
        amount=payload.amount,
        paid_on=payload.paid_on,
        method=payload.method,
        note=payload.note,
    )
    return Status(201, payment)


@router.get("/hardship/disbursements", response=list[DisbursementOut], tags=["hardship"])
@paginate
def list_disbursements(request, period: str | None = None):
    return selectors.disbursement_list(user=request.user, period=period)


@router.put("/hardship/thresholds/{union_id}", response=ThresholdOut, tags=["hardship"])
def set_threshold(request, union_id: ObjectId, payload: ThresholdIn):
    union = get_visible_or_404(Organization.objects.all(), request.user, Action.CHANGE, pk=union_id)
    return aid.hardship_threshold_set(
        actor=request.user, union=union, amount=payload.monthly_income_per_capita
    )


# ---- Medical mutual aid ------------------------------------------------------------------------


@router.get("/mutual-aid/enrolments", response=list[EnrolmentOut], tags=["mutual-aid"])
@paginate
def list_enrolments(request, year: int | None = Query(None, ge=2000, le=2100)):
    return selectors.mutual_aid_list(user=request.user, year=year)


@router.post("/mutual-aid/enrolments", response={201: EnrolmentOut}, tags=["mutual-aid"])
def create_enrolment(request, payload: EnrolmentIn):
    union = _union_for_write(request.user, payload.union_id)
    row = aid.mutual_aid_enrol(
        actor=request.user,
        union=union,
        unit_name=payload.unit_name,
        year=payload.year,
        participants=payload.participants,
    )
    return Status(201, row)


@router.get("/mutual-aid/summary", response=list[MutualAidSummaryOut], tags=["mutual-aid"])
def mutual_aid_summary(request, year: int | None = Query(None, ge=2000, le=2100)):
    return selectors.mutual_aid_summary(user=request.user, year=year)
