"""The API's input and output shapes for cases (django-ninja schemas)."""

import datetime
from typing import Literal

from ninja import Field, Schema

from gonghui.core.api import HistoryEventOut, ObjectId

from .choices import CaseStatus, HandlingLevel, HolidayKind


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
    member_id: int | None
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
        return obj.applicant

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
    applicant_name: str = Field("", max_length=60, description="非会员职工提交时必填")
    employer_name: str = Field(
        "", max_length=200, description="非会员：工作单位（用于转给当地工会）"
    )
    work_place: str = Field("", max_length=200, description="非会员：工作地点（用于转给当地工会）")


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
