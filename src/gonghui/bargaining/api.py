"""Bargaining endpoints: parse, resolve ids in the caller's scope, call a service or selector,
serialise. Paths keep their ``/api/activities/`` prefix."""

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.payload import resolve_enterprise as _enterprise
from gonghui.core.payload import resolve_org as _org
from gonghui.core.scoping import Action
from gonghui.organizations.models import Organization

from . import selectors, services
from .choices import AgreementLevel, LetterKind, ReviewStatus
from .models import BargainingProcedure, WageAgreement, WorkerCongress

router = Router(tags=["bargaining"])

Text = Field(..., min_length=1, max_length=200)


class AgreementIn(Schema):
    org_id: ObjectId
    enterprise_id: ObjectId | None = None
    level: AgreementLevel
    title: str = Text
    employer_party: str = Text
    worker_party: str = Text
    rounds: int = Field(1, ge=1, le=100)
    increase_pct: Decimal = Field(..., ge=-100, le=100, max_digits=5, decimal_places=2)
    covered_workers: int = Field(0, ge=0, le=10**8)
    signed_on: datetime.date
    valid_from: datetime.date
    valid_until: datetime.date
    note: str = Field("", max_length=4000)


class AgreementPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    rounds: int | None = Field(None, ge=1, le=100)
    increase_pct: Decimal | None = Field(None, ge=-100, le=100, max_digits=5, decimal_places=2)
    covered_workers: int | None = Field(None, ge=0, le=10**8)
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None
    note: str | None = Field(None, max_length=4000)


class AgreementOut(Schema):
    id: int
    org_id: int
    enterprise_id: int | None
    level: str
    title: str
    employer_party: str
    worker_party: str
    rounds: int
    increase_pct: Decimal
    covered_workers: int
    signed_on: datetime.date
    valid_from: datetime.date
    valid_until: datetime.date
    review_status: str
    reviewed_on: datetime.date | None


class ReviewIn(Schema):
    status: ReviewStatus
    reviewed_on: datetime.date | None = None


class ProcedureIn(Schema):
    org_id: ObjectId
    enterprise_id: ObjectId
    sent_on: datetime.date
    note: str = Field("", max_length=300)


class LetterIn(Schema):
    kind: LetterKind
    sent_on: datetime.date
    note: str = Field("", max_length=300)


class LetterOut(Schema):
    kind: str
    sent_on: datetime.date
    due_on: datetime.date | None
    note: str


class ProcedureOut(Schema):
    id: int
    org_id: int
    enterprise_id: int
    status: str
    letters: list[LetterOut]

    @staticmethod
    def resolve_letters(obj):
        return list(obj.letters.all())


class CongressIn(Schema):
    enterprise_id: ObjectId
    term_number: int = Field(1, ge=1, le=100)
    term_starts_on: datetime.date
    term_ends_on: datetime.date
    delegates: int = Field(0, ge=0, le=100000)


class CongressOut(Schema):
    id: int
    enterprise_id: int
    org_id: int
    term_number: int
    term_starts_on: datetime.date
    term_ends_on: datetime.date
    delegates: int


class CongressSessionIn(Schema):
    held_on: datetime.date
    attendees: int = Field(0, ge=0, le=100000)
    resolutions: str = Field("", max_length=4000)


class CongressSessionOut(Schema):
    id: int
    congress_id: int
    held_on: datetime.date
    attendees: int
    resolutions: str


class RateOut(Schema):
    org_id: int
    with_congress: int
    unionised_enterprises: int
    percent: float | None


@router.get("/activities/agreements", response=list[AgreementOut])
@paginate
def list_agreements(request, in_force_on: datetime.date | None = None):
    return selectors.agreement_list(user=request.user, in_force_on=in_force_on)


@router.post("/activities/agreements", response={201: AgreementOut})
def create_agreement(request, payload: AgreementIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    enterprise = _enterprise(request.user, data.pop("enterprise_id"))
    agreement = services.agreement_create(
        actor=request.user, org=org, enterprise=enterprise, **data
    )
    return Status(201, agreement)


@router.patch("/activities/agreements/{agreement_id}", response=AgreementOut)
def update_agreement(request, agreement_id: ObjectId, payload: AgreementPatch):
    agreement = selectors.get(WageAgreement, user=request.user, pk=agreement_id,
                              action=Action.CHANGE)  # fmt: skip
    return services.agreement_update(
        actor=request.user, agreement=agreement, **payload.dict(exclude_unset=True)
    )


@router.post("/activities/agreements/{agreement_id}/review", response=AgreementOut)
def review_agreement(request, agreement_id: ObjectId, payload: ReviewIn):
    agreement = selectors.get(WageAgreement, user=request.user, pk=agreement_id,
                              action=Action.CHANGE)  # fmt: skip
    return services.agreement_review(
        actor=request.user, agreement=agreement, status=payload.status,
        reviewed_on=payload.reviewed_on,
    )  # fmt: skip


@router.get("/activities/bargaining", response=list[ProcedureOut])
@paginate
def list_procedures(request):
    return selectors.procedure_list(user=request.user)


@router.post("/activities/bargaining", response={201: ProcedureOut})
def open_procedure(request, payload: ProcedureIn):
    org = _org(request.user, payload.org_id)
    enterprise = _enterprise(request.user, payload.enterprise_id)
    procedure = services.procedure_open(
        actor=request.user, org=org, enterprise=enterprise, sent_on=payload.sent_on,
        note=payload.note,
    )  # fmt: skip
    return Status(201, procedure)


@router.post("/activities/bargaining/{procedure_id}/letters", response={201: LetterOut})
def add_letter(request, procedure_id: ObjectId, payload: LetterIn):
    procedure = selectors.get(BargainingProcedure, user=request.user, pk=procedure_id,
                              action=Action.CHANGE)  # fmt: skip
    letter = services.procedure_letter_add(
        actor=request.user, procedure=procedure, kind=payload.kind, sent_on=payload.sent_on,
        note=payload.note,
    )  # fmt: skip
    return Status(201, letter)


@router.get("/activities/congresses", response=list[CongressOut])
@paginate
def list_congresses(request):
    return selectors.congress_list(user=request.user)


@router.post("/activities/congresses", response={201: CongressOut})
def create_congress(request, payload: CongressIn):
    data = payload.dict()
    enterprise = _enterprise(request.user, data.pop("enterprise_id"))
    return Status(201, services.congress_create(actor=request.user, enterprise=enterprise, **data))


@router.get("/activities/congresses/{congress_id}/sessions", response=list[CongressSessionOut])
@paginate
def list_sessions(request, congress_id: ObjectId):
    congress = selectors.get(WorkerCongress, user=request.user, pk=congress_id)
    return selectors.congress_sessions(congress=congress)


@router.post("/activities/congresses/{congress_id}/sessions", response={201: CongressSessionOut})
def add_session(request, congress_id: ObjectId, payload: CongressSessionIn):
    congress = selectors.get(WorkerCongress, user=request.user, pk=congress_id,
                             action=Action.CHANGE)  # fmt: skip
    session = services.congress_session_add(actor=request.user, congress=congress,
                                            **payload.dict())  # fmt: skip
    return Status(201, session)


@router.get("/activities/congress-rate/{org_id}", response=RateOut)
def congress_rate(request, org_id: ObjectId, on: datetime.date | None = None):
    org = selectors.get(Organization, user=request.user, pk=org_id)
    rate = selectors.congress_rate(org=org, on=on)
    return {
        "org_id": org.pk,
        "with_congress": rate.numerator,
        "unionised_enterprises": rate.denominator,
        "percent": rate.percent,
    }
