"""Learning endpoints: parse, resolve ids in the caller's scope, call a service or selector,
serialise. Paths keep their ``/api/activities/`` prefix."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.api import ObjectId
from gonghui.core.geo import NearFilters
from gonghui.core.payload import resolve as _resolve
from gonghui.core.payload import resolve_org as _org
from gonghui.core.scoping import Action
from gonghui.members.models import Member
from gonghui.members.selectors import member_for_card

from . import selectors, services
from .choices import TrainingKind
from .models import Enrollment, TrainingCourse, TrainingSession

router = Router(tags=["learning"])

Text = Field(..., min_length=1, max_length=200)


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
    if payload.card_token:
        member, result = member_for_card(payload.card_token)
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
