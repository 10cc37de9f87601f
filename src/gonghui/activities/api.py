"""Activities endpoints: parse, resolve ids in the caller's scope, call a service or selector,
serialise. Officer endpoints use the default auth; open trainings, jobs and discounts are public.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.scoping import Action
from gonghui.members.choices import OccupationGroup
from gonghui.organizations.models import Organization

from . import selectors, services
from .choices import (
    AgreementLevel,
    CampaignKind,
    CraftsmanStatus,
    DiscountCategory,
    JobCategory,
    LetterKind,
    ReviewStatus,
    TargetGender,
    TrainingKind,
)
from .models import (
    BargainingProcedure,
    ContestEntry,
    ContestRound,
    Craftsman,
    CustomCampaignKind,
    Discount,
    Enrollment,
    JobPosting,
    TrainingCourse,
    TrainingSession,
    WageAgreement,
)

router = Router(tags=["activities"])

Text = Field(..., min_length=1, max_length=200)


def _resolve(model_or_qs, user, pk, field, action=Action.VIEW):
    """An id from a payload, in the caller's scope; otherwise a field error (nothing written)."""
    if pk is None:
        return None
    try:
        return selectors.get(model_or_qs, user=user, pk=pk, action=action)
    except Http404:
        raise ValidationError({field: _("不存在或不在您的管辖范围内。")}) from None


def _org(user, pk, field="org_id"):
    return _resolve(Organization, user, pk, field, Action.CHANGE)


def _enterprise(user, pk, field="enterprise_id"):
    from gonghui.enterprises.models import Enterprise

    return _resolve(Enterprise.objects.select_related("street_org"), user, pk, field)


# ---- campaigns ------------------------------------------------------------------------------


class ItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    quantity: int = Field(0, ge=0, le=10**7)
    unit: str = Field("份", max_length=10)


class ItemOut(Schema):
    id: int
    name: str
    quantity: int
    unit: str


class CampaignIn(Schema):
    organizer_id: ObjectId
    name: str = Field(..., min_length=1, max_length=120)
    kind: CampaignKind
    custom_kind_id: ObjectId | None = None
    starts_on: datetime.date
    ends_on: datetime.date
    target_groups: list[OccupationGroup] = []
    target_gender: TargetGender = TargetGender.ANY
    budget: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    allow_repeat: bool = False
    description: str = Field("", max_length=2000)
    items: list[ItemIn] = []


class CampaignPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    target_groups: list[OccupationGroup] | None = None
    target_gender: TargetGender | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    allow_repeat: bool | None = None
    description: str | None = Field(None, max_length=2000)


class CampaignOut(Schema):
    id: int
    organizer_id: int
    organizer_name: str = Field(..., alias="organizer.name")
    name: str
    kind: str
    kind_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    target_groups: list[str]
    target_gender: str
    budget: Decimal
    allow_repeat: bool
    description: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class DeliveryIn(Schema):
    item_id: ObjectId
    member_id: ObjectId | None = None
    card_token: str | None = Field(None, max_length=300)
    beneficiary_name: str = Field("", max_length=60)
    beneficiary_phone: str = Field("", max_length=11)
    occupation_group: OccupationGroup = OccupationGroup.OTHER
    quantity: int = Field(1, ge=1, le=1000)
    station_id: ObjectId | None = None
    site: str = Field("", max_length=120)
    override_reason: str = Field("", max_length=200)


class DeliveryOut(Schema):
    id: int
    campaign_id: int
    item_id: int
    item_name: str = Field(..., alias="item.name")
    member_id: int | None
    beneficiary: str
    beneficiary_phone: str
    occupation_group: str
    quantity: int
    delivered_at: datetime.datetime
    station_id: int | None
    place: str
    officer_label: str
    is_repeat: bool
    override_reason: str
    invite_url: str | None

    @staticmethod
    def resolve_beneficiary(obj):
        return obj.beneficiary_label

    @staticmethod
    def resolve_place(obj):
        return obj.place_label


class CustomKindIn(Schema):
    org_id: ObjectId
    name: str = Field(..., min_length=1, max_length=60)


class CustomKindOut(Schema):
    id: int
    org_id: int
    name: str


@router.post("/activities/campaign-kinds", response={201: CustomKindOut})
def create_custom_kind(request, payload: CustomKindIn):
    org = _org(request.user, payload.org_id)
    kind = services.custom_kind_create(actor=request.user, org=org, name=payload.name)
    return Status(201, kind)


@router.get("/activities/campaigns", response=list[CampaignOut])
@paginate
def list_campaigns(request, kind: CampaignKind | None = None):
    return selectors.campaign_list(user=request.user, kind=kind).prefetch_related("items")


@router.post("/activities/campaigns", response={201: CampaignOut})
def create_campaign(request, payload: CampaignIn):
    data = payload.dict()
    organizer = _org(request.user, data.pop("organizer_id"), "organizer_id")
    custom = _resolve(
        CustomCampaignKind, request.user, data.pop("custom_kind_id"), "custom_kind_id"
    )
    campaign = services.campaign_create(
        actor=request.user, organizer=organizer, custom_kind=custom, **data
    )
    return Status(201, campaign)


@router.get("/activities/campaigns/{campaign_id}", response=CampaignOut)
def get_campaign(request, campaign_id: ObjectId):
    return selectors.campaign_get(user=request.user, campaign_id=campaign_id)


@router.patch("/activities/campaigns/{campaign_id}", response=CampaignOut)
def update_campaign(request, campaign_id: ObjectId, payload: CampaignPatch):
    campaign = selectors.campaign_get(
        user=request.user, campaign_id=campaign_id, action=Action.CHANGE
    )
    return services.campaign_update(
        actor=request.user, campaign=campaign, **payload.dict(exclude_unset=True)
    )


@router.post("/activities/campaigns/{campaign_id}/items", response={201: ItemOut})
def add_item(request, campaign_id: ObjectId, payload: ItemIn):
    campaign = selectors.campaign_get(
        user=request.user, campaign_id=campaign_id, action=Action.CHANGE
    )
    return Status(
        201, services.campaign_item_add(actor=request.user, campaign=campaign, **payload.dict())
    )


@router.get("/activities/campaigns/{campaign_id}/deliveries", response=list[DeliveryOut])
@paginate
def list_deliveries(request, campaign_id: ObjectId):
    campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    return selectors.delivery_list(user=request.user, campaign=campaign)


def beneficiary_from(user, *, member_id=None, card_token=None, name="", phone="", group=None):
    from gonghui.members.models import Member

    if card_token:
        member, result = selectors.member_for_card(card_token)
        if result != "valid":
            raise ValidationError({"card_token": _("会员卡无效、已过期或已注销。")})
        return services.Beneficiary(member=member)
    if member_id is not None:
        member = _resolve(Member.objects.select_related("union"), user, member_id, "member_id")
        return services.Beneficiary(member=member)
    return services.Beneficiary(name=name, phone=phone, occupation_group=group)


@router.post("/activities/campaigns/{campaign_id}/deliveries", response={201: DeliveryOut})
def create_delivery(request, campaign_id: ObjectId, payload: DeliveryIn):
    from gonghui.stations.models import Station

    campaign = selectors.campaign_get(
        user=request.user, campaign_id=campaign_id, action=Action.CHANGE
    )
    item = _resolve(campaign.items.all(), request.user, payload.item_id, "item_id")
    station = _resolve(Station, request.user, payload.station_id, "station_id")
    beneficiary = beneficiary_from(
        request.user,
        member_id=payload.member_id,
        card_token=payload.card_token,
        name=payload.beneficiary_name,
        phone=payload.beneficiary_phone,
        group=payload.occupation_group,
    )
    delivery = services.delivery_record(
        actor=request.user,
        campaign=campaign,
        item=item,
        beneficiary=beneficiary,
        quantity=payload.quantity,
        station=station,
        site=payload.site,
        override_reason=payload.override_reason,
    )
    return Status(201, delivery)


# ---- training -------------------------------------------------------------------------------


class CourseIn(Schema):
    org_id: ObjectId
    kind: TrainingKind
    title: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=4000)
    is_public: bool = True


class CourseOut(Schema):
    id: int
    org_id: int
    org_name: str = Field(..., alias="org.name")
    kind: str
    title: str
    description: str
    is_public: bool


class SessionIn(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str = Field(..., min_length=1, max_length=160)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    capacity: int = Field(..., ge=1, le=100000)


class SessionOut(Schema):
    id: int
    course_id: int
    course_title: str = Field(..., alias="course.title")
    kind: str = Field(..., alias="course.kind")
    org_name: str = Field(..., alias="course.org.name")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    latitude: float | None
    longitude: float | None
    capacity: int
    enrolled: int = 0
    waitlisted: int = 0
    distance_km: float | None = None
    distance_m: float | None = None


class SignupIn(Schema):
    member_id: ObjectId | None = None
    card_token: str | None = Field(None, max_length=300)


class EnrollmentOut(Schema):
    id: int
    session_id: int
    member_id: int
    status: str
    attended_at: datetime.datetime | None
    waitlist_position: int | None

    @staticmethod
    def resolve_waitlist_position(obj):
        return selectors.waitlist_position(obj)


class NearFilters(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    within_km: float | None = Field(
        None,
        gt=0,
        le=200,
        description="与 lat/lon 一起用：只列这个距离（公里）以内的，默认 NEAR_ME_KM",
    )


@router.get("/activities/trainings/open", response=list[SessionOut], auth=None)
@paginate
def list_open_sessions(request, near: Query[NearFilters], kind: TrainingKind | None = None):
    """Upcoming public sessions, soonest first; with ``lat``/``lon`` only those within reach,
    nearest first (an empty list: nothing near)."""
    if near.lat is None or near.lon is None:
        return selectors.open_sessions(kind=kind)
    return selectors.open_sessions_near(
        lat=near.lat, lon=near.lon, kind=kind, within_km=near.within_km
    )


@router.get("/activities/courses", response=list[CourseOut])
@paginate
def list_courses(request):
    return selectors.course_list(user=request.user)


@router.post("/activities/courses", response={201: CourseOut})
def create_course(request, payload: CourseIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    return Status(201, services.course_create(actor=request.user, org=org, **data))


@router.post("/activities/courses/{course_id}/sessions", response={201: SessionOut})
def create_session(request, course_id: ObjectId, payload: SessionIn):
    course = selectors.get(TrainingCourse, user=request.user, pk=course_id, action=Action.CHANGE)
    session = services.session_create(actor=request.user, course=course, **payload.dict())
    return Status(201, selectors.session_list(user=request.user).get(pk=session.pk))


@router.get("/activities/sessions/{session_id}", response=SessionOut)
def get_session(request, session_id: ObjectId):
    return selectors.get(selectors.session_list(user=request.user), user=request.user,
                         pk=session_id)  # fmt: skip


def _member_for_signup(request, payload: SignupIn):
    from gonghui.members.models import Member

    if payload.card_token:
        member, result = selectors.member_for_card(payload.card_token)
        if result != "valid":
            raise ValidationError({"card_token": _("会员卡无效、已过期或已注销。")})
        return member
    if payload.member_id is not None:
        return _resolve(Member, request.user, payload.member_id, "member_id")
    member = selectors.member_of_user(request.user)
    if member is None:
        raise ValidationError({"member_id": _("您的账号还没有关联会员身份。")})
    return member


@router.post("/activities/sessions/{session_id}/signup", response={201: EnrollmentOut})
def signup(request, session_id: ObjectId, payload: SignupIn):
    """A worker signs themself up (no member_id); an officer signs a member up. A full session
    puts the member on the waitlist (status ``waitlisted``)."""
    member = _member_for_signup(request, payload)
    if payload.member_id is None and payload.card_token is None:
        session = selectors.open_session_get(session_id=session_id)
    else:
        session = selectors.get(TrainingSession, user=request.user, pk=session_id,
                                action=Action.CHANGE)  # fmt: skip
    enrollment = services.enrollment_signup(actor=request.user, session=session, member=member)
    return Status(201, enrollment)


@router.post("/activities/enrollments/{enrollment_id}/cancel", response=EnrollmentOut)
def cancel_enrollment(request, enrollment_id: ObjectId):
    own = selectors.member_of_user(request.user)
    queryset = Enrollment.objects.select_related("session__course__org", "member")
    enrollment = queryset.filter(pk=enrollment_id, member=own).first() if own else None
    if enrollment is None:
        enrollment = selectors.get(queryset, user=request.user, pk=enrollment_id,
                                   action=Action.CHANGE)  # fmt: skip
    services.enrollment_cancel(actor=request.user, enrollment=enrollment)
    return Enrollment.objects.get(pk=enrollment.pk)


@router.post("/activities/sessions/{session_id}/attendance", response=EnrollmentOut)
def mark_attendance(request, session_id: ObjectId, payload: SignupIn):
    session = selectors.get(TrainingSession.objects.select_related("course__org"),
                            user=request.user, pk=session_id, action=Action.CHANGE)  # fmt: skip
    if not (payload.card_token or payload.member_id):
        raise ValidationError({"card_token": _("请扫描会员卡。")})
    member = _member_for_signup(request, payload)
    return services.attendance_mark(actor=request.user, session=session, member=member)


# ---- jobs and discounts ---------------------------------------------------------------------


class JobIn(Schema):
    org_id: ObjectId
    enterprise_id: ObjectId | None = None
    title: str = Field(..., min_length=1, max_length=120)
    employer: str = Text
    category: JobCategory
    pay_min: int = Field(..., ge=0, le=10**7)
    pay_max: int = Field(..., ge=0, le=10**7)
    place: str = Text
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    contact: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=4000)
    expires_on: datetime.date


class JobPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    employer: str | None = Field(None, min_length=1, max_length=200)
    category: JobCategory | None = None
    pay_min: int | None = Field(None, ge=0, le=10**7)
    pay_max: int | None = Field(None, ge=0, le=10**7)
    place: str | None = Field(None, min_length=1, max_length=200)
    contact: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=4000)
    expires_on: datetime.date | None = None


class JobOut(Schema):
    id: int
    org_id: int
    title: str
    employer: str
    category: str
    pay_min: int
    pay_max: int
    place: str
    latitude: float | None
    longitude: float | None
    contact: str
    description: str
    expires_on: datetime.date
    distance_km: float | None = None
    distance_m: float | None = None


class DiscountIn(Schema):
    org_id: ObjectId
    merchant: str = Text
    offer: str = Text
    category: DiscountCategory
    valid_from: datetime.date
    valid_until: datetime.date
    place: str = Text
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class DiscountPatch(Schema):
    merchant: str | None = Field(None, min_length=1, max_length=200)
    offer: str | None = Field(None, min_length=1, max_length=200)
    valid_until: datetime.date | None = None
    place: str | None = Field(None, min_length=1, max_length=200)


class DiscountOut(Schema):
    id: int
    org_id: int
    merchant: str
    offer: str
    category: str
    valid_from: datetime.date
    valid_until: datetime.date
    place: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None = None
    distance_m: float | None = None


class JobFilters(NearFilters):
    category: JobCategory | None = None


class DiscountFilters(NearFilters):
    category: DiscountCategory | None = None


@router.get("/activities/jobs/open", response=list[JobOut], auth=None)
def list_open_jobs(request, filters: Query[JobFilters]):
    """Open postings (not expired); with ``lat``/``lon`` only those within ``within_km``
    (default ``NEAR_ME_KM``), nearest first, so an empty list means nothing is near."""
    return selectors.open_jobs(
        category=filters.category, lat=filters.lat, lon=filters.lon, within_km=filters.within_km
    )


@router.get("/activities/discounts/open", response=list[DiscountOut], auth=None)
def list_open_discounts(request, filters: Query[DiscountFilters]):
    """Discounts valid today; with ``lat``/``lon`` only those within ``within_km`` (default
    ``NEAR_ME_KM``), nearest first."""
    return selectors.open_discounts(
        category=filters.category, lat=filters.lat, lon=filters.lon, within_km=filters.within_km
    )


@router.get("/activities/jobs", response=list[JobOut])
@paginate
def list_jobs(request):
    return selectors.job_list(user=request.user)


@router.post("/activities/jobs", response={201: JobOut})
def create_job(request, payload: JobIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    enterprise = _enterprise(request.user, data.pop("enterprise_id"))
    job = services.job_create(actor=request.user, org=org, enterprise=enterprise, **data)
    return Status(201, job)


@router.patch("/activities/jobs/{job_id}", response=JobOut)
def update_job(request, job_id: ObjectId, payload: JobPatch):
    job = selectors.get(JobPosting, user=request.user, pk=job_id, action=Action.CHANGE)
    return services.job_update(actor=request.user, job=job, **payload.dict(exclude_unset=True))


@router.post("/activities/discounts", response={201: DiscountOut})
def create_discount(request, payload: DiscountIn):
    data = payload.dict()
    org = _org(request.user, data.pop("org_id"))
    return Status(201, services.discount_create(actor=request.user, org=org, **data))


@router.patch("/activities/discounts/{discount_id}", response=DiscountOut)
def update_discount(request, discount_id: ObjectId, payload: DiscountPatch):
    discount = selectors.get(Discount, user=request.user, pk=discount_id, action=Action.CHANGE)
    return services.discount_update(
        actor=request.user, discount=discount, **payload.dict(exclude_unset=True)
    )


# ---- contests and craftsmen -----------------------------------------------------------------


class ContestIn(Schema):
    org_id: ObjectId
    name: str = Field(..., min_length=1, max_length=160)
    trade: str = Field("", max_length=80)
    starts_on: datetime.date
    ends_on: datetime.date
    score_min: Decimal = Field(Decimal(0), ge=-99999, le=99999, max_digits=7, decimal_places=2)
    score_max: Decimal = Field(Decimal(100), ge=-99999, le=99999, max_digits=7, decimal_places=2)
    rounds: list[str] = []


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
    return selectors.get(selectors.contest_list(user=request.user), user=request.user,
                         pk=contest_id)  # fmt: skip


@router.post("/activities/contests/{contest_id}/entries", response={201: EntryOut})
def create_entry(request, contest_id: ObjectId, payload: EntryIn):
    from gonghui.members.models import Member

    contest = selectors.get(selectors.contest_list(user=request.user), user=request.user,
                            pk=contest_id, action=Action.CHANGE)  # fmt: skip
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
    contest = selectors.get(selectors.contest_list(user=request.user), user=request.user,
                            pk=contest_id, action=Action.CHANGE)  # fmt: skip
    contest_round = _resolve(ContestRound.objects.filter(contest=contest), request.user,
                             payload.round_id, "round_id")  # fmt: skip
    entry = _resolve(ContestEntry.objects.filter(contest=contest), request.user,
                     payload.entry_id, "entry_id")  # fmt: skip
    row = services.score_record(
        actor=request.user, contest_round=contest_round, entry=entry, score=payload.score
    )
    return Status(201, row)


@router.get("/activities/contests/{contest_id}/ranking", response=list[RankOut])
def contest_ranking(request, contest_id: ObjectId):
    contest = selectors.get(selectors.contest_list(user=request.user), user=request.user,
                            pk=contest_id)  # fmt: skip
    return list(selectors.ranking(contest=contest))


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
    from gonghui.members.models import Member

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


# ---- bargaining and congresses --------------------------------------------------------------


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


# ---- reports --------------------------------------------------------------------------------


class CampaignLineOut(Schema):
    campaign_id: int
    name: str
    kind: str
    deliveries: int
    beneficiaries: int
    female: int
    by_group: dict[str, int]


class ContestLineOut(Schema):
    contest_id: int
    name: str
    entries: int


class ReportOut(Schema):
    org_id: int
    start: datetime.date
    end: datetime.date
    campaigns: list[CampaignLineOut]
    contests: list[ContestLineOut]
    trainings: dict[str, int]
    agreements_in_force: int
    agreement_workers: int
    congress_rate: float | None


@router.get("/activities/report", response=ReportOut)
def activity_report(
    request,
    start: datetime.date,
    end: datetime.date,
    org_id: ObjectId | None = None,
):
    if end < start:
        raise ValidationError({"end": _("结束日期不能早于开始日期。")})
    org = selectors.report_root(user=request.user, org_id=org_id)
    if org is None:
        raise Http404
    data = selectors.report(org=org, start=start, end=end)
    return {
        "org_id": org.pk,
        "start": start,
        "end": end,
        "campaigns": [
            {
                "campaign_id": line.campaign.pk,
                "name": line.campaign.name,
                "kind": line.campaign.kind,
                "deliveries": line.deliveries,
                "beneficiaries": line.beneficiaries,
                "female": line.female,
                "by_group": dict(line.by_group),
            }
            for line in data.campaigns
        ],
        "contests": [
            {"contest_id": c.pk, "name": c.name, "entries": c.entry_count} for c in data.contests
        ],
        "trainings": data.trainings,
        "agreements_in_force": data.agreements["count"],
        "agreement_workers": data.agreements["workers"],
        "congress_rate": data.congress.percent,
    }
