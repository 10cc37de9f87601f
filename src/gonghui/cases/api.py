"""Case endpoints: parse, call a selector or service, serialise. Officers see their scope; a
worker sees only their own cases. A stale ``expected_version`` answers 409."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.core import ratelimit
from gonghui.core.api import ErrorOut, ObjectId
from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.members.models import Member
from gonghui.organizations.selectors import org_for_field

from . import config, selectors, services
from .choices import CaseStatus
from .models import CaseType
from .schemas import (
    AttachmentOut,
    CaseEventOut,
    CaseFilters,
    CaseIn,
    CaseOut,
    CaseTypeCreateIn,
    CaseTypeIn,
    CaseTypeOut,
    HolidayIn,
    HolidayOut,
    NotificationOut,
    ReassignIn,
    ReplyIn,
    TransitionIn,
)

router = Router(tags=["cases"])

CONFLICT = {409: ErrorOut}


def conflict(exc: services.Conflict):
    return Status(409, {"detail": exc.message, "errors": {"expected_version": [exc.message]}})


def versioned(write, **arguments):
    """Call a service that names the version it was based on: a stale one answers 409."""
    try:
        return write(**arguments)
    except services.Conflict as exc:
        return conflict(exc)


# ---- Helpers -----------------------------------------------------------------------------------


def member_for_write(user, member_id, field="member_id"):
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
    return org_for_field(user=user, org_id=union_id, field=field)


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
    return selectors.holidays(year=year)


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


@router.post("/cases", response={201: CaseOut, 429: ErrorOut})
def create_case(request, payload: CaseIn):
    case_type = CaseType.objects.filter(code=payload.case_type, is_active=True).first()
    if case_type is None:
        raise ValidationError({"case_type": _("没有这种诉求类型。")})
    common = {"actor": request.user, "case_type": case_type, "title": payload.title,
              "description": payload.description, "form_data": payload.form_data}  # fmt: skip
    if selectors.is_officer_view(request.user) or selectors.members_of(user=request.user).exists():
        member = member_for_write(request.user, payload.member_id)
        return Status(201, services.case_submit(member=member, **common))
    # A worker who is not a member is heard too, routed by where they work.
    try:
        case = services.case_submit_non_member(
            applicant_name=payload.applicant_name,
            employer_name=payload.employer_name,
            work_place=payload.work_place,
            **common,
        )
    except ratelimit.RateLimited as exc:
        return ratelimit.api_response(exc)
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
