"""The worker's endpoints: the public join flow (code, proposals, join) and card
verification, no login; and the signed-in worker's own profile. Parse, call a selector or
service, serialise."""

import datetime
import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gonghui.core import ratelimit
from gonghui.core.api import BodyIn, ErrorOut
from gonghui.members import selectors
from gonghui.members.api import (
    CardOut,
    LocationIn,
    MemberOut,
    ProfileFieldsIn,
    UnionRef,
)
from gonghui.members.card import card_links
from gonghui.members.choices import MemberStatus, OccupationGroup
from gonghui.members.rules import PROFILE_FIELDS, join_policy

from . import phonecodes, services

router = Router(tags=["joining"])


# ---- Schemas ----------------------------------------------------------------------------------


class CodeIn(Schema):
    phone: str = Field(..., max_length=11)


class DetailOut(Schema):
    detail: str


class ProposeIn(Schema):
    occupation_group: OccupationGroup
    employer_name: str = Field("", max_length=200)
    work_place: str = Field("", max_length=200)
    work_latitude: float | None = Field(None, ge=-90, le=90)
    work_longitude: float | None = Field(None, ge=-180, le=180)


class ProposalOut(Schema):
    id: int
    name: str
    reason: str = Field(..., description="employer | industry | regional | nearby")
    local: bool = Field(..., description="在职工所在县区内：只有这样的工会会被预先选中")
    distance_km: float | None
    auto_approve: bool


class JoinIn(BodyIn, LocationIn, ProfileFieldsIn):
    name: str = Field(..., min_length=1, max_length=60)
    id_card: str = Field(..., max_length=18)
    phone: str = Field(..., max_length=11)
    code: str = Field(..., max_length=6)
    occupation_group: OccupationGroup
    employer_name: str = Field("", max_length=200)
    work_place: str = Field("", max_length=200)
    union_id: int


class JoinOut(Schema):
    member_id: int
    member_number: str
    name: str
    id_card_masked: str
    union: UnionRef
    status: MemberStatus
    joined_on: datetime.date
    created: bool
    card: CardOut | None


class JoinConflictOut(ErrorOut):
    sign_in_url: str


class VerifyOut(Schema):
    result: str
    member_number: str | None = None
    name: str | None = None
    union: str | None = None
    joined_on: datetime.date | None = None
    status: str | None = None


class ProfileIn(ProfileFieldsIn):
    work_place: str | None = Field(None, max_length=200)


# ---- Helpers ----------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


# ---- Public: join and verify ------------------------------------------------------------------


@router.post(
    "/members/join/code", auth=None, response={202: DetailOut, 422: ErrorOut, 429: ErrorOut}
)
def join_send_code(request, payload: CodeIn):
    """Send a one-time code to the phone. Limited per phone, per address and per device (the
    ``gh_device`` cookie or an ``X-Device-Id`` header): over a limit answers 429 with
    Retry-After."""
    try:
        phonecodes.phone_code_send(
            phone=payload.phone,
            purpose="join",
            address=ratelimit.address(request),
            device=ratelimit.device(request),
        )
    except ratelimit.RateLimited as exc:
        return ratelimit.api_response(exc)
    return Status(202, {"detail": _("验证码已发送。")})


@router.post("/members/join/propose", auth=None, response=list[ProposalOut])
def join_propose(request, payload: ProposeIn):
    """The unions this worker may join, best first (employer, industry, regional), all in the
    worker's county (``local``); outside it, only the nearest regional union, never first
    choice. An empty list means no union near: call the 12351 hotline."""
    proposals = selectors.propose_unions(
        occupation_group=payload.occupation_group,
        employer_name=payload.employer_name,
        work_place=payload.work_place,
        latitude=payload.work_latitude,
        longitude=payload.work_longitude,
    )
    return [
        {
            "id": p.union.pk,
            "name": p.union.name,
            "reason": p.reason,
            "local": p.local,
            "distance_km": p.distance_km,
            "auto_approve": join_policy(p.union).auto_approve,
        }
        for p in proposals
    ]


@router.post(
    "/members/join",
    auth=None,
    response={200: JoinOut, 201: JoinOut, 409: JoinConflictOut, 422: ErrorOut},
)
def join(request, payload: JoinIn):
    """One-click join: the code proves the phone and is spent by this join. An ID number that
    already has a record answers 409 with one message that names no one and no union, the same
    for every union; only the worker whose phone is on the record gets their own card (200)."""
    # A profile field left out (or null) is blank, as the model stores it.
    data = {
        name: value
        for name, value in payload.dict().items()
        if value is not None or name not in PROFILE_FIELDS
    }
    code = data.pop("code")
    union = services.union_for_join(data.pop("union_id"))
    try:
        result = services.member_join_online(union=union, code=code, **data)
    except ValidationError as exc:
        if services.is_already_member(exc):
            message = exc.message_dict["id_card"][0]
            return Status(
                409,
                {
                    "detail": message,
                    "errors": {"id_card": [message]},
                    "sign_in_url": reverse("joining:me-login"),
                },
            )
        raise
    return _join_answer(result, card_links(request, result.member))


def _join_answer(result, card: dict | None) -> HttpResponse:
    """The JoinOut body (201 for a new member, 200 for the same worker again), rendered here
    from the record just written, whose types the schema's are. Through ninja (dumped, then
    encoded with a Python default for the date) it cost the provincial-scale join a tenth of
    its throughput (measured side by side, bench/members.py); a test holds it to JoinOut key
    for key and in the schema's order."""
    member = result.member
    body = {
        "member_id": member.pk,
        "member_number": member.member_number,
        "name": member.name,
        "id_card_masked": member.id_card_masked,
        "union": {"id": member.union_id, "name": member.union.name},
        "status": str(member.status),
        "joined_on": member.joined_on.isoformat(),
        "created": result.created,
        "card": card,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=201 if result.created else 200,
        content_type="application/json; charset=utf-8",
    )


@router.get("/cards/verify", auth=None, response=VerifyOut, tags=["cards"])
def verify_card(request, token: str = Query(..., max_length=200)):
    """valid / expired / revoked / forged. Shows the card's face, never the ID number."""
    check = selectors.card_check(token)
    body = {"result": check.result}
    if check.member is not None and check.result != "forged":
        body.update(
            member_number=check.member.member_number,
            name=mask_name(check.member.name),
            union=check.member.union.name,
            joined_on=check.member.joined_on,
            status=check.member.status,
        )
    return body


# ---- The signed-in worker ---------------------------------------------------------------------


@router.patch("/me/member", response=MemberOut)
def update_own_profile(request, payload: ProfileIn):
    """The signed-in worker completes their own real-name profile."""
    member = selectors.own_member(user=request.user)
    if member is None:
        raise Http404
    fields = payload.dict(exclude_unset=True)
    return services.member_profile_update_own(actor=request.user, member=member, **fields)
