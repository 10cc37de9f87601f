"""The API's input and output shapes for hardship aid and medical mutual aid (django-ninja
schemas)."""

import datetime
from decimal import Decimal

from ninja import Field, Schema

from gonghui.core.api import ObjectId

from .choices import AidStatus, ClaimStatus, PaymentMethod


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


class ParticipantIn(Schema):
    member_id: ObjectId | None = Field(None, description="官员登记时必填；职工本人参加时不填")


class ParticipantOut(Schema):
    id: int
    enrolment_id: int
    member_id: int
    member_name: str
    year: int

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.name


class AidClaimIn(Schema):
    participant_id: ObjectId
    illness: str = Field(..., max_length=200)
    hospital: str = Field(..., max_length=200)
    medical_cost: Decimal = Field(..., gt=0, le=10**8)
    claimed_amount: Decimal = Field(..., gt=0, le=10**8)


class AidClaimOut(Schema):
    id: int
    participant_id: int
    member_name: str
    year: int
    illness: str
    hospital: str
    medical_cost: Decimal
    claimed_amount: Decimal
    approved_amount: Decimal | None
    status: ClaimStatus
    version: int
    decision_note: str
    paid_on: datetime.date | None
    method: str

    @staticmethod
    def resolve_member_name(obj):
        return obj.participant.member.name

    @staticmethod
    def resolve_year(obj):
        return obj.participant.year


class ClaimPayIn(Schema):
    paid_on: datetime.date
    method: PaymentMethod
