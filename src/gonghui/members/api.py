"""Member endpoints: parse, call a selector or service, serialise. Scope and rules live below.

Officer API, filtered to the caller's subtree; out of scope is 404. The public join, card
verification and the worker's own profile are ``gonghui.joining.api``."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ErrorOut, HistoryEventOut
from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.core.validators import mask_phone
from gonghui.enterprises.selectors import enterprise_get
from gonghui.organizations.models import Organization
from gonghui.organizations.selectors import org_for_field

from . import card, merge, review, selectors, services
from .choices import (
    Education,
    EmploymentStatus,
    EventReason,
    HukouType,
    JoinReview,
    MemberStatus,
    OccupationGroup,
    PoliticalStatus,
    SkillLevel,
    TransferStatus,
)

router = Router(tags=["members"])


# ---- Schemas ----------------------------------------------------------------------------------


class UnionRef(Schema):
    id: int
    name: str


class EventOut(HistoryEventOut):
    reason: str
    status_before: str
    status_after: str
    union: UnionRef
    other_union: UnionRef | None


class MemberOut(Schema):
    id: int
    member_number: str
    name: str
    id_card_masked: str
    phone: str
    gender: str
    birth_date: datetime.date
    employer_name: str
    employer_id: int | None
    work_place: str
    occupation_group: OccupationGroup
    union: UnionRef
    joined_on: datetime.date
    status: MemberStatus
    channel: str
    work_latitude: float | None
    work_longitude: float | None
    home_latitude: float | None
    home_longitude: float | None

    @staticmethod
    def resolve_phone(obj, context):
        # Officers who may change the record see the phone; auditors see it masked.
        user = context["request"].user
        if scope_for(user, Action.CHANGE).covers(obj.union.path):
            return obj.phone
        return obj.phone_masked


class MemberDetailOut(MemberOut):
    events: list[EventOut]
    ethnicity: str
    education: str
    employment_status: str
    skill_level: str
    hukou_type: str
    is_migrant_worker: bool | None
    political_status: str
    job_title: str
    work_start_year: int | None
    hukou_region: str
    residence_region: str
    emergency_contact_name: str
    emergency_contact_phone: str

    @staticmethod
    def resolve_emergency_contact_phone(obj, context):
        user = context["request"].user
        if scope_for(user, Action.CHANGE).covers(obj.union.path):
            return obj.emergency_contact_phone
        return mask_phone(obj.emergency_contact_phone) if obj.emergency_contact_phone else ""

    @staticmethod
    def resolve_events(obj):
        return list(selectors.member_history(member=obj))


class MemberFilters(FilterSchema):
    q: str | None = Field(None, max_length=60, description="姓名，或身份证号/手机号后几位")
    status: MemberStatus | None = None
    occupation_group: OccupationGroup | None = None
    union_id: int | None = Field(None, description="该工会及其下级")
    joined_from: datetime.date | None = None
    joined_to: datetime.date | None = None


class LocationIn(Schema):
    work_latitude: float | None = Field(None, ge=-90, le=90)
    work_longitude: float | None = Field(None, ge=-180, le=180)
    home_latitude: float | None = Field(None, ge=-90, le=90)
    home_longitude: float | None = Field(None, ge=-180, le=180)


class EnrolIn(LocationIn):
    union_id: int
    name: str = Field(..., min_length=1, max_length=60)
    id_card: str = Field(..., max_length=18)
    phone: str = Field(..., max_length=11)
    occupation_group: OccupationGroup = OccupationGroup.OTHER
    employer_name: str = Field("", max_length=200)
    work_place: str = Field("", max_length=200)
    joined_on: datetime.date | None = None


class ProfileFieldsIn(Schema):
    """The real-name profile (rules.PROFILE_FIELDS), every field optional."""

    ethnicity: str | None = Field(None, max_length=20)
    education: Education | None = None
    employment_status: EmploymentStatus | None = None
    skill_level: SkillLevel | None = None
    hukou_type: HukouType | None = None
    is_migrant_worker: bool | None = None
    political_status: PoliticalStatus | None = None
    job_title: str | None = Field(None, max_length=60)
    work_start_year: int | None = Field(None, ge=1940, le=2100)
    hukou_region: str | None = Field(None, max_length=6)
    residence_region: str | None = Field(None, max_length=6)
    emergency_contact_name: str | None = Field(None, max_length=60)
    emergency_contact_phone: str | None = Field(None, max_length=11)


class MemberUpdateIn(LocationIn, ProfileFieldsIn):
    name: str | None = Field(None, min_length=1, max_length=60)
    phone: str | None = Field(None, max_length=11)
    employer_name: str | None = Field(None, max_length=200)
    employer_id: int | None = Field(None, ge=1, le=2**63 - 1, description="登记在册的所在企业")
    work_place: str | None = Field(None, max_length=200)
    occupation_group: OccupationGroup | None = None


class StatusIn(Schema):
    status: MemberStatus
    reason: EventReason = EventReason.NONE
    note: str = Field("", max_length=300)


class NoteIn(Schema):
    note: str = Field("", max_length=300)


class TransferIn(Schema):
    to_union_id: int
    reason: EventReason = EventReason.NONE
    note: str = Field("", max_length=300)


class TransferOut(Schema):
    id: int
    member_id: int
    member_number: str
    member_name: str
    from_union: UnionRef
    to_union: UnionRef
    status: TransferStatus
    reason: str
    note: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_member_number(obj):
        return obj.member.member_number

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name


class MoveAllIn(Schema):
    to_union_id: int
    reason: EventReason = EventReason.UNION_DISSOLVED


class JoinPolicyIn(Schema):
    accepts_joins: bool
    # How online joins are reviewed; ``auto_approve`` alone (older clients) means open or review.
    review: JoinReview | None = None
    auto_approve: bool | None = None


class JoinPolicyOut(Schema):
    union_id: int
    accepts_joins: bool
    auto_approve: bool
    review: JoinReview


class RefuseIn(Schema):
    reason: str = Field(..., max_length=300)


class MergeIn(Schema):
    drop_id: int
    note: str = Field("", max_length=300)


class DuplicateOut(Schema):
    first: MemberOut
    second: MemberOut
    reasons: list[str]


class MoveAllOut(Schema):
    moved: int


class CardOut(Schema):
    token: str
    verify_url: str
    png_url: str
    page_url: str


# ---- Helpers ----------------------------------------------------------------------------------


def target_union(union_id: int, field: str) -> Organization:
    """Any active union may receive a member (a transfer crosses provinces); a missing or
    dissolved one is a field error."""
    # The join policy comes along (one query): the join reads it next.
    union = services.active_union(union_id)
    if union is None:
        raise services.union_gone_error(field)
    return union


def _union_for_write(user, union_id: int) -> Organization:
    return org_for_field(user=user, org_id=union_id, field="union_id", active=True)


# ---- Officer API ------------------------------------------------------------------------------


@router.get("/members", response=list[MemberOut])
@paginate
def list_members(request, filters: Query[MemberFilters]):
    return selectors.member_list(user=request.user, **filters.dict())


@router.post("/members", response={201: MemberOut, 200: MemberOut})
def enrol_member(request, payload: EnrolIn):
    data = payload.dict()
    union = _union_for_write(request.user, data.pop("union_id"))
    locations = {k: data.pop(k) for k in list(data) if k.endswith(("latitude", "longitude"))}
    locations = {k: v for k, v in locations.items() if v is not None}
    member = services.member_enrol(actor=request.user, union=union, **data, **locations)
    return Status(201, member)


@router.get("/members/transfers", response=list[TransferOut])
@paginate
def list_transfers(
    request,
    status: TransferStatus | None = None,
    direction: str | None = Query(None, pattern="^(in|out)$"),
):
    return selectors.transfer_list(user=request.user, status=status, direction=direction)


@router.post("/members/transfers/{transfer_id}/accept", response=MemberOut)
def accept_transfer(request, transfer_id: int, payload: NoteIn):
    transfer = selectors.transfer_get(
        user=request.user, transfer_id=transfer_id, action=Action.CHANGE
    )
    return services.member_transfer_accept(actor=request.user, transfer=transfer, note=payload.note)


@router.post("/members/transfers/{transfer_id}/refuse", response=TransferOut)
def refuse_transfer(request, transfer_id: int, payload: NoteIn):
    transfer = selectors.transfer_get(
        user=request.user, transfer_id=transfer_id, action=Action.CHANGE
    )
    return services.member_transfer_refuse(actor=request.user, transfer=transfer, note=payload.note)


@router.get("/members/duplicates", response=list[DuplicateOut], tags=["members"])
def list_duplicates(request):
    """Pairs of records in the caller's scope that look like one person."""
    return selectors.duplicate_pairs(user=request.user)


@router.get("/members/{member_id}", response=MemberDetailOut)
def get_member(request, member_id: int):
    return selectors.member_get(user=request.user, member_id=member_id)


@router.patch("/members/{member_id}", response=MemberOut)
def update_member(request, member_id: int, payload: MemberUpdateIn):
    member = selectors.member_get(user=request.user, member_id=member_id, action=Action.CHANGE)
    fields = payload.dict(exclude_unset=True)
    if "employer_id" in fields:
        fields["employer"] = _employer_for(request.user, fields.pop("employer_id"))
    return services.member_update(actor=request.user, member=member, **fields)


def _employer_for(user, enterprise_id):
    """An enterprise the user may see; missing and out-of-scope are the same field error."""
    if enterprise_id is None:
        return None
    try:
        return enterprise_get(user=user, enterprise_id=enterprise_id)
    except Http404:
        raise ValidationError({"employer_id": _("企业不存在或不在您的管辖范围内。")}) from None


@router.post("/members/{member_id}/status", response=MemberOut)
def set_member_status(request, member_id: int, payload: StatusIn):
    member = selectors.member_get(user=request.user, member_id=member_id, action=Action.CHANGE)
    return services.member_set_status(
        actor=request.user, member=member, status=payload.status,
        reason=payload.reason, note=payload.note,
    )  # fmt: skip


@router.post("/members/{member_id}/approve", response=MemberOut)
def approve_member(request, member_id: int, payload: NoteIn):
    """Pass an online join at its present review step (under a two-level review the first
    pass hands it to the union above)."""
    member = selectors.member_get(user=request.user, member_id=member_id, action=Action.CHANGE)
    return review.member_review_approve(actor=request.user, member=member, note=payload.note)


@router.post("/members/{member_id}/reject", response=MemberOut)
def reject_member(request, member_id: int, payload: RefuseIn):
    """Refuse an online join at its present review step; the worker sees the reason."""
    member = selectors.member_get(user=request.user, member_id=member_id, action=Action.CHANGE)
    return review.member_review_refuse(actor=request.user, member=member, reason=payload.reason)


@router.post("/members/{member_id}/merge", response=MemberOut)
def merge_member(request, member_id: int, payload: MergeIn):
    """Merge the record ``drop_id`` (a suspected duplicate) into this one."""
    keep = selectors.member_get(user=request.user, member_id=member_id, action=Action.CHANGE)
    drop = selectors.member_get(user=request.user, member_id=payload.drop_id, action=Action.CHANGE)
    return merge.member_merge(actor=request.user, keep=keep, drop=drop, note=payload.note)


@router.post("/members/{member_id}/transfer", response={201: TransferOut})
def request_transfer(request, member_id: int, payload: TransferIn):
    member = selectors.member_get(user=request.user, member_id=member_id, action=Action.CHANGE)
    to_union = target_union(payload.to_union_id, "to_union_id")
    transfer = services.member_transfer_request(
        actor=request.user, member=member, to_union=to_union,
        reason=payload.reason, note=payload.note,
    )  # fmt: skip
    return Status(201, transfer)


@router.get("/members/{member_id}/card", response={200: CardOut, 404: ErrorOut})
def member_card(request, member_id: int):
    member = selectors.member_get(user=request.user, member_id=member_id)
    body = card.card_links(request, member)
    if body is None:
        raise Http404
    return body


@router.post("/unions/{union_id}/members/move", response=MoveAllOut, tags=["members"])
def move_all_members(request, union_id: int, payload: MoveAllIn):
    """Move every member of a union (e.g. a project union about to be dissolved) to another."""
    from_union = _union_for_write(request.user, union_id)
    to_union = _union_for_write(request.user, payload.to_union_id)
    moved = services.members_move_all(
        actor=request.user, from_union=from_union, to_union=to_union, reason=payload.reason
    )
    return {"moved": moved}


def _policy_out(union, policy) -> dict:
    return {"union_id": union.pk, "accepts_joins": policy.accepts_joins,
            "auto_approve": policy.auto_approve, "review": policy.review}  # fmt: skip


@router.get("/unions/{union_id}/join-policy", response=JoinPolicyOut, tags=["members"])
def get_join_policy(request, union_id: int):
    union = get_visible_or_404(Organization.objects.all(), request.user, pk=union_id)
    return _policy_out(union, services.join_policy(union))


@router.put("/unions/{union_id}/join-policy", response=JoinPolicyOut, tags=["members"])
def set_join_policy(request, union_id: int, payload: JoinPolicyIn):
    """Whether the union takes online joins, and how they are reviewed: ``open`` (approved at
    once), ``review`` (by the union's officers) or ``two_level`` (then by the union above)."""
    union = get_visible_or_404(Organization.objects.all(), request.user, Action.CHANGE, pk=union_id)
    mode = payload.review
    if mode is None:
        if payload.auto_approve is None:
            raise ValidationError({"review": _("请选择审核方式。")})
        mode = JoinReview.OPEN if payload.auto_approve else JoinReview.REVIEW
    policy = review.join_policy_update(
        actor=request.user, union=union, review=mode, accepts_joins=payload.accepts_joins
    )
    return _policy_out(union, policy)
