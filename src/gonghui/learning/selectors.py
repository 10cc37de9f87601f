"""Reads of the learning app: scoped querysets for officers, public lists for everyone."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from gonghui.core.geo import nearest
from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from .choices import EnrollmentStatus
from .models import Enrollment, TrainingCourse, TrainingSession


def get(model_or_qs, *, user, pk, action: Action = Action.VIEW):
    queryset = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    return get_visible_or_404(queryset, user, action, pk=pk)


def course_list(*, user):
    return TrainingCourse.objects.visible_to(user).select_related("org").order_by("-id")


def session_list(*, user, course: TrainingCourse | None = None):
    sessions = TrainingSession.objects.visible_to(user).select_related("course__org")
    if course is not None:
        sessions = sessions.filter(course=course)
    return _with_counts(sessions).order_by("starts_at", "id")


def _with_counts(sessions):
    return sessions.annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ENROLLED)),
        waitlisted=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)),
        attended=Count("enrollments", filter=Q(enrollments__attended_at__isnull=False)),
    )


def open_sessions(*, kind: str | None = None, now=None):
    """Public: upcoming sessions of public courses, soonest first."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(course__is_public=True, starts_at__gt=now)
    if kind:
        sessions = sessions.filter(course__kind=kind)
    return _with_counts(sessions.select_related("course__org")).order_by("starts_at", "id")


def open_sessions_near(*, lat, lon, kind=None, within_km=None, now=None, limit=200) -> list:
    """Public: upcoming sessions within reach of a worker, nearest first."""
    return nearest(open_sessions(kind=kind, now=now), lat, lon, limit, within_km)


def open_session_get(*, session_id) -> TrainingSession:
    session = (
        _with_counts(
            TrainingSession.objects.filter(course__is_public=True).select_related("course__org")
        )
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def enrollments_for(*, session: TrainingSession):
    return (
        Enrollment.objects.filter(session=session)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("member")
        .order_by("status", "queued_at", "id")
    )


def waitlist_position(enrollment: Enrollment) -> int | None:
    if enrollment.status != EnrollmentStatus.WAITLISTED:
        return None
    ahead = Enrollment.objects.filter(
        session_id=enrollment.session_id,
        status=EnrollmentStatus.WAITLISTED,
    ).filter(
        Q(queued_at__lt=enrollment.queued_at)
        | Q(queued_at=enrollment.queued_at, id__lt=enrollment.id)
    )
    return ahead.count() + 1


def member_of_user(user) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("union").filter(account=user).first()


def my_enrollment(*, member: Member | None, session: TrainingSession) -> Enrollment | None:
    if member is None:
        return None
    return (
        Enrollment.objects.filter(session=session, member=member)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .first()
    )


def my_enrollments(*, member: Member):
    return (
        Enrollment.objects.filter(member=member)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("session__course")
        .order_by("session__starts_at")
    )


def training_figures(*, org: Organization, low, high) -> dict:
    """The report section: sessions of a subtree held between ``low`` and ``high`` (up to now),
    seats taken and sign-ins."""
    sessions = TrainingSession.objects.filter(
        course__org__path__subtree_of=org.path,
        starts_at__gte=low,
        starts_at__lt=min(high, timezone.now()),
    )
    attendance = Enrollment.objects.filter(session__in=sessions, attended_at__isnull=False)
    return {
        "sessions": sessions.count(),
        "enrolled": Enrollment.objects.filter(
            session__in=sessions, status=EnrollmentStatus.ENROLLED
        ).count(),
        "attended": attendance.count(),
    }
