"""Hardship aid and medical mutual aid endpoints: parse, call a selector or service,
serialise. Officers see their scope; a worker sees only their own. A stale
``expected_version`` answers 409. Paths are those the cases API had (``/hardship/...``,
``/mutual-aid/...``)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from gonghui.cases.api import CONFLICT, member_for_write, versioned
from gonghui.cases.selectors import case_get, is_officer_view
from gonghui.core.api import ObjectId
from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.organizations.models import Organization
from gonghui.organizations.selectors import org_for_field

from . import selectors, services
from .choices import AidStatus, ClaimStatus
from .models import MutualAidClaim, MutualAidEnrolment
from .schemas import (
    AidClaimIn,
    AidClaimOut,
    ApproveIn,
    ClaimPayIn,
    DisburseIn,
    DisbursementOut,
    EnrolmentIn,
    EnrolmentOut,
    HardshipIn,
    HardshipOut,
    MutualAidSummaryOut,
    ParticipantIn,
    ParticipantOut,
    RejectIn,
    ThresholdIn,
    ThresholdOut,
)

router = Router(tags=["aid"])


# ---- Hardship aid ------------------------------------------------------------------------------


@router.get("/hardship/applications", response=list[HardshipOut], tags=["hardship"])
@paginate
def list_hardship(request, status: AidStatus | None = None, period: str | None = None):
    return selectors.hardship_list(user=request.user, status=status, period=period)


@router.post("/hardship/applications", response={201: HardshipOut}, tags=["hardship"])
def create_hardship(request, payload: HardshipIn):
    member = member_for_write(request.user, payload.member_id)
    case = None
    if payload.case_id is not None:
        try:
            case = case_get(user=request.user, case_id=payload.case_id)
        except Http404:
            raise ValidationError({"case_id": _("诉求不存在。")}) from None
    application = services.hardship_apply(
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
    return versioned(services.hardship_approve, actor=request.user, application=application,
                     **payload.dict())  # fmt: skip


@router.post(
    "/hardship/applications/{application_id}/reject",
    response={200: HardshipOut, **CONFLICT},
    tags=["hardship"],
)
def reject_hardship(request, application_id: ObjectId, payload: RejectIn):
    application = selectors.hardship_get(user=request.user, application_id=application_id)
    return versioned(services.hardship_reject, actor=request.user, application=application,
                     **payload.dict())  # fmt: skip


@router.post(
    "/hardship/applications/{application_id}/disbursements",
    response={201: DisbursementOut},
    tags=["hardship"],
)
def disburse_hardship(request, application_id: ObjectId, payload: DisburseIn):
    application = selectors.hardship_get(user=request.user, application_id=application_id)
    payment = services.hardship_disburse(
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
    return services.hardship_threshold_set(
        actor=request.user, union=union, amount=payload.monthly_income_per_capita
    )


# ---- Medical mutual aid ------------------------------------------------------------------------


@router.get("/mutual-aid/enrolments", response=list[EnrolmentOut], tags=["mutual-aid"])
@paginate
def list_enrolments(request, year: int | None = Query(None, ge=2000, le=2100)):
    return selectors.mutual_aid_list(user=request.user, year=year)


@router.post("/mutual-aid/enrolments", response={201: EnrolmentOut}, tags=["mutual-aid"])
def create_enrolment(request, payload: EnrolmentIn):
    union = org_for_field(user=request.user, org_id=payload.union_id, field="union_id")
    row = services.mutual_aid_enrol(
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


def _participant_for(user, participant_id):
    try:
        return selectors.participant_get(user=user, participant_id=participant_id)
    except Http404:
        raise ValidationError({"participant_id": _("没有找到这项医疗互助参加记录。")}) from None


@router.get(
    "/mutual-aid/enrolments/{enrolment_id}/participants",
    response=list[ParticipantOut],
    tags=["mutual-aid"],
)
@paginate
def list_participants(request, enrolment_id: ObjectId):
    enrolment = selectors.enrolment_get(user=request.user, enrolment_id=enrolment_id)
    return selectors.participants_of(enrolment=enrolment)


@router.post(
    "/mutual-aid/enrolments/{enrolment_id}/participants",
    response={201: ParticipantOut},
    tags=["mutual-aid"],
)
def add_participant(request, enrolment_id: ObjectId, payload: ParticipantIn):
    """An officer registers a member of their scope; a worker (no ``member_id``) takes part
    through a unit their own union enrolled."""
    member = member_for_write(request.user, payload.member_id)
    if is_officer_view(request.user):
        enrolment = selectors.enrolment_get(
            user=request.user, enrolment_id=enrolment_id, action=Action.CHANGE
        )
    else:
        enrolment = get_object_or_404(MutualAidEnrolment, pk=enrolment_id)
    row = services.mutual_aid_participant_add(
        actor=request.user, enrolment=enrolment, member=member
    )
    return Status(201, row)


@router.get("/mutual-aid/claims", response=list[AidClaimOut], tags=["mutual-aid"])
@paginate
def list_claims(request, status: ClaimStatus | None = None):
    if is_officer_view(request.user):
        return selectors.claim_list(user=request.user, status=status)
    return MutualAidClaim.objects.filter(
        participant__in=selectors.mutual_aid_of_worker(user=request.user)
    ).select_related("participant__member")


@router.post("/mutual-aid/claims", response={201: AidClaimOut}, tags=["mutual-aid"])
def file_claim(request, payload: AidClaimIn):
    participant = _participant_for(request.user, payload.participant_id)
    claim = services.mutual_aid_claim_file(
        actor=request.user,
        participant=participant,
        illness=payload.illness,
        hospital=payload.hospital,
        medical_cost=payload.medical_cost,
        claimed_amount=payload.claimed_amount,
    )
    return Status(201, claim)


@router.get("/mutual-aid/claims/{claim_id}", response=AidClaimOut, tags=["mutual-aid"])
def get_claim(request, claim_id: ObjectId):
    return selectors.claim_get(user=request.user, claim_id=claim_id)


def _decide_claim(request, claim_id, payload, *, approve: bool):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    return versioned(services.mutual_aid_claim_decide, actor=request.user, claim=claim,
                     approve=approve, **payload.dict())  # fmt: skip


@router.post(
    "/mutual-aid/claims/{claim_id}/approve",
    response={200: AidClaimOut, **CONFLICT},
    tags=["mutual-aid"],
)
def approve_claim(request, claim_id: ObjectId, payload: ApproveIn):
    return _decide_claim(request, claim_id, payload, approve=True)


@router.post(
    "/mutual-aid/claims/{claim_id}/reject",
    response={200: AidClaimOut, **CONFLICT},
    tags=["mutual-aid"],
)
def reject_claim(request, claim_id: ObjectId, payload: RejectIn):
    return _decide_claim(request, claim_id, payload, approve=False)


@router.post("/mutual-aid/claims/{claim_id}/pay", response=AidClaimOut, tags=["mutual-aid"])
def pay_claim(request, claim_id: ObjectId, payload: ClaimPayIn):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    return services.mutual_aid_claim_pay(
        actor=request.user, claim=claim, paid_on=payload.paid_on, method=payload.method
    )
