"""Governance endpoints: parse, resolve ids in the caller's scope, call a service or selector,
serialise. Every write here has a page (``views.py``) through the same service."""

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.payload import resolve, resolve_org
from gonghui.core.scoping import Action
from gonghui.organizations.models import Organization

from . import selectors, services
from .choices import Dimension, Measure, SeatRole
from .models import Department

router = Router(tags=["governance"])

Count = Field(..., ge=0, le=10**6)


class ElectionOut(Schema):
    held_on: datetime.date
    delegates: int
    attended: int
    votes_cast: int


class CommitteeOut(Schema):
    id: int
    org_id: int
    org_name: str
    term_number: int
    starts_on: datetime.date
    ends_on: datetime.date
    election: ElectionOut | None

    @staticmethod
    def resolve_org_name(obj):
        return obj.org.name

    @staticmethod
    def resolve_election(obj):
        return getattr(obj, "election", None)


class ElectIn(Schema):
    org_id: ObjectId
    held_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    delegates: int = Field(..., ge=1, le=10**6)
    attended: int = Count
    votes_cast: int = Count
    note: str = Field("", max_length=2000)


class SeatIn(Schema):
    role: SeatRole
    name: str = Field("", max_length=60)
    member_number: str = Field("", max_length=20)
    starts_on: datetime.date
    ends_on: datetime.date | None = None


class SeatOut(Schema):
    id: int
    role: str
    name: str
    member_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date | None


class SeatEndIn(Schema):
    ends_on: datetime.date


@router.get("/governance/committees", response=list[CommitteeOut])
@paginate
def list_committees(request, org_id: ObjectId | None = None):
    return selectors.committee_list(user=request.user, org_id=org_id)


@router.get("/governance/committees/overdue", response=list[CommitteeOut])
@paginate
def list_overdue(request):
    return selectors.terms_overdue(user=request.user)


@router.post("/governance/committees", response={201: CommitteeOut})
def elect_committee(request, payload: ElectIn):
    data = payload.dict()
    org = resolve_org(request.user, data.pop("org_id"))
    return Status(201, services.committee_elect(actor=request.user, org=org, **data))


@router.get("/governance/committees/{committee_id}", response=CommitteeOut)
def get_committee(request, committee_id: ObjectId):
    return selectors.committee_get(user=request.user, committee_id=committee_id)


@router.get("/governance/committees/{committee_id}/seats", response=list[SeatOut])
def list_seats(request, committee_id: ObjectId):
    committee = selectors.committee_get(user=request.user, committee_id=committee_id)
    return list(selectors.committee_seats(committee=committee))


@router.post("/governance/committees/{committee_id}/seats", response={201: SeatOut})
def add_seat(request, committee_id: ObjectId, payload: SeatIn):
    committee = selectors.committee_get(
        user=request.user, committee_id=committee_id, action=Action.CHANGE
    )
    data = payload.dict()
    member = selectors.member_by_number(user=request.user, number=data.pop("member_number"))
    seat = services.seat_add(actor=request.user, committee=committee, member=member, **data)
    return Status(201, seat)


@router.post("/governance/seats/{seat_id}/end", response=SeatOut)
def end_seat(request, seat_id: ObjectId, payload: SeatEndIn):
    from .models import Seat

    seat = resolve(Seat.objects.select_related("committee__org"), request.user, seat_id,
                   "seat_id", Action.CHANGE)  # fmt: skip
    return services.seat_end(actor=request.user, seat=seat, ends_on=payload.ends_on)


# --- 对口联系 ---------------------------------------------------------------------------------


class DepartmentIn(Schema):
    province_id: ObjectId
    name: str = Field(..., min_length=1, max_length=100)


class DepartmentOut(Schema):
    id: int
    province_id: int
    name: str


class PairingIn(Schema):
    county_id: ObjectId
    department_id: ObjectId
    since: datetime.date


class PairingOut(Schema):
    county_id: int
    county_name: str
    department_id: int
    department_name: str
    since: datetime.date

    @staticmethod
    def resolve_county_name(obj):
        return obj.county.name

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name


class UnpairedOut(Schema):
    id: int
    name: str


class PairingCoverageOut(Schema):
    province_id: int
    counties: int
    paired: int
    unpaired: list[UnpairedOut]
    pairings: list[PairingOut]


@router.get("/governance/departments", response=list[DepartmentOut])
@paginate
def list_departments(request, province_id: ObjectId | None = None):
    return selectors.department_list(user=request.user, province_id=province_id)


@router.post("/governance/departments", response={201: DepartmentOut})
def create_department(request, payload: DepartmentIn):
    province = resolve_org(request.user, payload.province_id, "province_id")
    department = services.department_create(actor=request.user, province=province,
                                             name=payload.name)  # fmt: skip
    return Status(201, department)


@router.put("/governance/pairings", response=PairingOut)
def set_pairing(request, payload: PairingIn):
    county = resolve_org(request.user, payload.county_id, "county_id")
    department = resolve(Department.objects.select_related("province"), request.user,
                         payload.department_id, "department_id", Action.CHANGE)  # fmt: skip
    return services.pairing_set(actor=request.user, county=county, department=department,
                                since=payload.since)  # fmt: skip


@router.get("/governance/pairings/coverage/{province_id}", response=PairingCoverageOut)
def pairing_coverage(request, province_id: ObjectId):
    province = resolve(Organization, request.user, province_id, "province_id")
    coverage = selectors.pairing_coverage(user=request.user, province=province)
    return {**coverage, "province_id": province.pk, "unpaired": list(coverage["unpaired"]),
            "pairings": list(coverage["pairings"])}  # fmt: skip


# --- 六强 -------------------------------------------------------------------------------------


class IndicatorIn(Schema):
    province_id: ObjectId
    year: int = Field(..., ge=2000, le=2100)
    dimension: Dimension
    name: str = Field(..., min_length=1, max_length=200)
    measure: Measure
    weight: Decimal = Field(..., gt=0, le=100, max_digits=5, decimal_places=1)
    target: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    order: int = Field(0, ge=0, le=1000)


class IndicatorOut(Schema):
    id: int
    province_id: int
    year: int
    dimension: str
    name: str
    measure: str
    weight: Decimal
    target: Decimal | None


class IndicatorScoreOut(Schema):
    id: int
    indicator: IndicatorOut
    measured: Decimal | None
    self_score: Decimal | None
    city_score: Decimal | None
    province_score: Decimal | None
    evidence_note: str


class EvaluationOut(Schema):
    id: int
    county_id: int
    county_name: str
    year: int
    status: str
    total: Decimal
    self_comment: str
    city_comment: str
    province_comment: str

    @staticmethod
    def resolve_county_name(obj):
        return obj.county.name


class EvaluationDetailOut(EvaluationOut):
    scores: list[IndicatorScoreOut]

    @staticmethod
    def resolve_scores(obj):
        return list(obj.scores.all())


class EvaluationIn(Schema):
    county_id: ObjectId
    year: int = Field(..., ge=2000, le=2100)


class IndicatorScoreIn(Schema):
    value: Decimal = Field(..., max_digits=5, decimal_places=2)
    evidence_note: str | None = Field(None, max_length=300)


class EvaluationAdvanceIn(Schema):
    comment: str = Field("", max_length=4000)


class LeagueRowOut(Schema):
    rank: int
    evaluation: EvaluationOut
    previous: Decimal | None
    change: Decimal | None


@router.get("/governance/indicators", response=list[IndicatorOut])
@paginate
def list_indicators(
    request, year: int | None = Query(None, ge=2000, le=2100), province_id: ObjectId | None = None
):
    return selectors.indicator_list(user=request.user, year=year, province_id=province_id)


@router.post("/governance/indicators", response={201: IndicatorOut})
def create_indicator(request, payload: IndicatorIn):
    data = payload.dict()
    province = resolve_org(request.user, data.pop("province_id"), "province_id")
    return Status(201, services.indicator_create(actor=request.user, province=province, **data))


@router.get("/governance/evaluations", response=list[EvaluationOut])
@paginate
def list_evaluations(request, year: int | None = Query(None, ge=2000, le=2100)):
    return selectors.evaluation_list(user=request.user, year=year)


@router.get("/governance/evaluations/league", response=list[LeagueRowOut])
def league(request, year: int = Query(..., ge=2000, le=2100), under_id: ObjectId | None = None):
    under = resolve(Organization, request.user, under_id, "under_id") if under_id else None
    return selectors.league_table(user=request.user, year=year, under=under)


@router.post("/governance/evaluations", response={201: EvaluationDetailOut})
def open_evaluation(request, payload: EvaluationIn):
    county = resolve_org(request.user, payload.county_id, "county_id")
    evaluation = services.evaluation_open(actor=request.user, county=county, year=payload.year)
    return Status(201, selectors.evaluation_get(user=request.user, evaluation_id=evaluation.pk))


@router.get("/governance/evaluations/{evaluation_id}", response=EvaluationDetailOut)
def get_evaluation(request, evaluation_id: ObjectId):
    return selectors.evaluation_get(user=request.user, evaluation_id=evaluation_id)


@router.post("/governance/scores/{score_id}", response=IndicatorScoreOut)
def set_score(request, score_id: ObjectId, payload: IndicatorScoreIn):
    score = selectors.score_get(user=request.user, score_id=score_id)
    return services.score_set(actor=request.user, score=score, value=payload.value,
                              evidence_note=payload.evidence_note)  # fmt: skip


@router.post("/governance/evaluations/{evaluation_id}/advance", response=EvaluationOut)
def advance_evaluation(request, evaluation_id: ObjectId, payload: EvaluationAdvanceIn):
    evaluation = selectors.evaluation_get(user=request.user, evaluation_id=evaluation_id,
                                          action=Action.CHANGE)  # fmt: skip
    return services.evaluation_advance(actor=request.user, evaluation=evaluation,
                                       comment=payload.comment)  # fmt: skip
