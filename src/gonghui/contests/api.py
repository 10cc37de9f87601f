"""Contests endpoints: parse, resolve ids in the caller's scope, call a service or selector,
serialise. Paths keep their ``/api/activities/`` prefix."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.payload import resolve as _resolve
from gonghui.core.payload import resolve_org as _org
from gonghui.core.scoping import Action
from gonghui.members.models import Member

from . import selectors, services
from .choices import CraftsmanStatus
from .models import ContestEntry, ContestRound, Craftsman, CraftsmanStudio

router = Router(tags=["contests"])

Text = Field(..., min_length=1, max_length=200)


class ContestIn(Schema):
    org_id: ObjectId
    name: str = Field(..., min_length=1, max_length=160)
    trade: str = Field("", max_length=80)
    starts_on: datetime.date
    ends_on: datetime.date
    score_min: Decimal = Field(Decimal(0), ge=-99999, le=99999, max_digits=7, decimal_places=2)
    score_max: Decimal = Field(Decimal(100), ge=-99999, le=99999, max_digits=7, decimal_places=2)
    metric_name: str = Field("", max_length=40)
    metric_unit: str = Field("", max_length=20)
    rounds: list[str] = []


class RoundIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    position: int | None = Field(None, ge=1, le=100)


class RoundOut(Schema):
    id: int
    name: str
    position: int


class ContestOut(Schema):
    id: int
    org_id: int
    name: str
    trade: str
    starts_on: datetime.date
    ends_on: datetime.date
    score_min: Decimal
    score_max: Decimal
    metric_name: str
    metric_unit: str
    entry_count: int = 0
    rounds: list[RoundOut]

    @staticmethod
    def resolve_rounds(obj):
        return list(obj.rounds.all())


class EntryIn(Schema):
    member_id: ObjectId | None = None
    name: str = Field("", max_length=60)
    employer: str = Field("", max_length=200)


class EntryOut(Schema):
    id: int
    contest_id: int
    member_id: int | None
    name: str
    employer: str
    metric_value: Decimal | None


class MetricIn(Schema):
    entry_id: ObjectId
    value: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)


class ScoreIn(Schema):
    round_id: ObjectId
    entry_id: ObjectId
    score: Decimal = Field(..., max_digits=7, decimal_places=2)


class ScoreOut(Schema):
    id: int
    round_id: int
    entry_id: int
    score: Decimal


class RankOut(Schema):
    rank: int
    entry_id: int = Field(..., alias="id")
    name: str
    employer: str
    total: Decimal
    metric_value: Decimal | None


def _contest(request, contest_id, action=Action.VIEW):
    return selectors.get(selectors.contest_list(user=request.user), user=request.user,
                         pk=contest_id, action=action)  # fmt: skip


@router.get("/activities/contests", response=list[ContestOut])
@paginate
def list_contests(request):
    return selectors.contest_list(user=request.user).prefetch_related("rounds")


@router.post("/activities/contests", response={201: ContestOut})
def create_contest(request, payload: ContestIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    contest = services.contest_create(actor=request.user, org=org, **data)
    return Status(201, selectors.contest_list(user=request.user).get(pk=contest.pk))


@router.get("/activities/contests/{contest_id}", response=ContestOut)
def get_contest(request, contest_id: ObjectId):
    return _contest(request, contest_id)


@router.post("/activities/contests/{contest_id}/entries", response={201: EntryOut})
def create_entry(request, contest_id: ObjectId, payload: EntryIn):
    contest = _contest(request, contest_id, Action.CHANGE)
    member = _resolve(Member, request.user, payload.member_id, "member_id")
    if member is None and not payload.name.strip():
        raise ValidationError({"name": _("请填写参赛人姓名或选择会员。")})
    entry = services.contest_entry_add(
        actor=request.user, contest=contest, member=member, name=payload.name,
        employer=payload.employer,
    )  # fmt: skip
    return Status(201, entry)


@router.post("/activities/contests/{contest_id}/scores", response={201: ScoreOut})
def record_score(request, contest_id: ObjectId, payload: ScoreIn):
    contest = _contest(request, contest_id, Action.CHANGE)
    contest_round = _resolve(ContestRound.objects.filter(contest=contest), request.user,
                             payload.round_id, "round_id")  # fmt: skip
    entry = _resolve(ContestEntry.objects.filter(contest=contest), request.user,
                     payload.entry_id, "entry_id")  # fmt: skip
    row = services.score_record(
        actor=request.user, contest_round=contest_round, entry=entry, score=payload.score
    )
    return Status(201, row)


@router.post("/activities/contests/{contest_id}/rounds", response={201: RoundOut})
def add_round(request, contest_id: ObjectId, payload: RoundIn):
    contest = _contest(request, contest_id, Action.CHANGE)
    return Status(201, services.contest_round_add(actor=request.user, contest=contest,
                                                  **payload.dict()))  # fmt: skip


@router.post("/activities/contests/{contest_id}/metrics", response={201: EntryOut})
def record_metric(request, contest_id: ObjectId, payload: MetricIn):
    contest = _contest(request, contest_id, Action.CHANGE)
    entry = _resolve(ContestEntry.objects.filter(contest=contest), request.user,
                     payload.entry_id, "entry_id")  # fmt: skip
    return Status(201, services.entry_metric_record(actor=request.user, entry=entry,
                                                    value=payload.value))  # fmt: skip


@router.get("/activities/contests/{contest_id}/ranking", response=list[RankOut])
def contest_ranking(request, contest_id: ObjectId):
    return list(selectors.ranking(contest=_contest(request, contest_id)))


class CraftsmanIn(Schema):
    org_id: ObjectId
    member_id: ObjectId | None = None
    name: str = Field(..., min_length=1, max_length=60)
    employer: str = Text
    trade: str = Field(..., min_length=1, max_length=80)
    title: str = Field("工匠", max_length=60)
    year: int = Field(..., ge=2000, le=2100)


class CraftsmanOut(Schema):
    id: int
    org_id: int
    name: str
    employer: str
    trade: str
    title: str
    year: int
    status: CraftsmanStatus
    notice_ends_on: datetime.date | None
    awarded_on: datetime.date | None


class AdvanceIn(Schema):
    notice_ends_on: datetime.date | None = None


class StudioIn(Schema):
    org_id: ObjectId
    name: str = Field(..., min_length=1, max_length=160)
    established_on: datetime.date
    leader_id: ObjectId | None = None
    leader_name: str = Field("", max_length=60)
    enterprise_name: str = Field("", max_length=200)


class StudioPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    established_on: datetime.date | None = None
    leader_id: ObjectId | None = None
    leader_name: str | None = Field(None, max_length=60)
    enterprise_name: str | None = Field(None, max_length=200)


class StudioOut(Schema):
    id: int
    org_id: int
    name: str
    leader_id: int | None
    leader_name: str
    enterprise_name: str
    established_on: datetime.date


@router.get("/activities/craftsmen", response=list[CraftsmanOut])
@paginate
def list_craftsmen(request, status: CraftsmanStatus | None = None):
    return selectors.craftsman_list(user=request.user, status=status)


@router.post("/activities/craftsmen", response={201: CraftsmanOut})
def nominate_craftsman(request, payload: CraftsmanIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    member = _resolve(Member, request.user, data.pop("member_id"), "member_id")
    return Status(
        201, services.craftsman_nominate(actor=request.user, org=org, member=member, **data)
    )


@router.post("/activities/craftsmen/{craftsman_id}/advance", response=CraftsmanOut)
def advance_craftsman(request, craftsman_id: ObjectId, payload: AdvanceIn):
    craftsman = selectors.get(Craftsman, user=request.user, pk=craftsman_id, action=Action.CHANGE)
    return services.craftsman_advance(
        actor=request.user, craftsman=craftsman, notice_ends_on=payload.notice_ends_on
    )


@router.post("/activities/craftsmen/{craftsman_id}/reject", response=CraftsmanOut)
def reject_craftsman(request, craftsman_id: ObjectId):
    craftsman = selectors.get(Craftsman, user=request.user, pk=craftsman_id, action=Action.CHANGE)
    return services.craftsman_reject(actor=request.user, craftsman=craftsman)


@router.get("/activities/studios", response=list[StudioOut])
@paginate
def list_studios(request):
    return selectors.studio_list(user=request.user)


@router.post("/activities/studios", response={201: StudioOut})
def create_studio(request, payload: StudioIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    leader = _resolve(Craftsman, request.user, data.pop("leader_id"), "leader_id")
    return Status(201, services.studio_create(actor=request.user, org=org, leader=leader, **data))


@router.patch("/activities/studios/{studio_id}", response=StudioOut)
def update_studio(request, studio_id: ObjectId, payload: StudioPatch):
    studio = selectors.get(CraftsmanStudio.objects.select_related("org"), user=request.user,
                           pk=studio_id, action=Action.CHANGE)  # fmt: skip
    data = payload.dict(exclude_unset=True)
    if "leader_id" in data:
        data["leader"] = _resolve(Craftsman, request.user, data.pop("leader_id"), "leader_id")
    return services.studio_update(actor=request.user, studio=studio, **data)
