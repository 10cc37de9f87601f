"""Every write of the learning app. Each takes ``actor=``, checks scope, validates, writes, and
records an audit row in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.core.writing import check_org
from gonghui.core.writing import full_clean as _full_clean
from gonghui.core.writing import record_change as _record
from gonghui.core.writing import reject_unknown as _unknown
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member
from gonghui.organizations.models import Organization

from .choices import EnrollmentStatus
from .models import Enrollment, TrainingCourse, TrainingSession

COURSE_FIELDS = ("kind", "title", "description", "is_public")
SESSION_FIELDS = ("starts_at", "ends_at", "place", "latitude", "longitude", "capacity")


@transaction.atomic
def course_create(*, actor, org: Organization, **fields) -> TrainingCourse:
    _unknown(fields, COURSE_FIELDS)
    check_org(actor, org)
    course = TrainingCourse(org=org, **fields)
    _full_clean(course)
    course.save()
    _record(actor, AuditAction.CREATE, course, org.path, {})
    return course


def _clean_session(session: TrainingSession) -> None:
    if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
        raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
    _full_clean(session)


@transaction.atomic
def session_create(*, actor, course: TrainingCourse, **fields) -> TrainingSession:
    _unknown(fields, SESSION_FIELDS)
    require_in_scope(actor, course.org.path, Action.CHANGE)
    session = TrainingSession(course=course, **fields)
    _clean_session(session)
    session.save()
    _record(actor, AuditAction.CREATE, session, course.org.path, {})
    return session


def _may_act_for(actor, member: Member, org_path: str) -> bool:
    """The member themself (signed in as the worker account linked to the record), or an
    officer whose scope covers the course's org."""
    if getattr(actor, "pk", None) and member.account_id == actor.pk:
        return True
    return scope_for(actor, Action.CHANGE).covers(org_path)


@transaction.atomic
def enrollment_signup(*, actor, session: TrainingSession, member: Member) -> Enrollment:
    """Take a seat, or the next place in the waitlist when every seat is taken."""
    org_path = session.course.org.path
    if not _may_act_for(actor, member, org_path):
        raise ValidationError({"member": _("只能为本人或管辖范围内的培训报名。")})
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": _("会籍状态正常的会员才能报名。")})
    if session.starts_at <= timezone.now():
        raise ValidationError({"session": _("该场培训已开始，不能报名。")})
    live = Enrollment.objects.filter(session=session, member=member).exclude(
        status=EnrollmentStatus.CANCELLED
    )
    if live.exists():
        raise ValidationError({"session": _("您已报名或在候补名单中。")})
    taken = Enrollment.objects.filter(session=session, status=EnrollmentStatus.ENROLLED).count()
    status = EnrollmentStatus.ENROLLED if taken < session.capacity else EnrollmentStatus.WAITLISTED
    enrollment = Enrollment(session=session, member=member, status=status)
    enrollment.save()
    _record(actor, AuditAction.CREATE, enrollment, org_path, {})
    return enrollment


@transaction.atomic
def enrollment_cancel(*, actor, enrollment: Enrollment) -> Enrollment | None:
    """Give the place up; a freed seat goes to the first in the waitlist. Returns the promoted
    enrollment, if any."""
    org_path = enrollment.session.course.org.path
    if not _may_act_for(actor, enrollment.member, org_path):
        raise ValidationError({"member": _("只能取消本人或管辖范围内的报名。")})
    session = TrainingSession.objects.select_for_update().get(pk=enrollment.session_id)
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    if enrollment.status == EnrollmentStatus.CANCELLED:
        raise ValidationError({"status": _("该报名已取消。")})
    before = audit.snapshot(enrollment)
    freed_seat = enrollment.status == EnrollmentStatus.ENROLLED
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save(update_fields=["status", "updated_at"])
    _record(actor, AuditAction.UPDATE, enrollment, org_path, before)
    if not freed_seat:
        return None
    taken = Enrollment.objects.filter(session=session, status=EnrollmentStatus.ENROLLED).count()
    if taken >= session.capacity:
        return None
    promoted = (
        Enrollment.objects.filter(session=session, status=EnrollmentStatus.WAITLISTED)
        .order_by("queued_at", "id")
        .first()
    )
    if promoted is not None:
        before = audit.snapshot(promoted)
        promoted.status = EnrollmentStatus.ENROLLED
        promoted.save(update_fields=["status", "updated_at"])
        _record(actor, AuditAction.UPDATE, promoted, org_path, before)
    return promoted


@transaction.atomic
def attendance_mark(*, actor, session: TrainingSession, member: Member) -> Enrollment:
    """Sign a member in (an officer scans their card at the class)."""
    org_path = session.course.org.path
    require_in_scope(actor, org_path, Action.CHANGE)
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(session=session, member=member, status=EnrollmentStatus.ENROLLED)
        .first()
    )
    if enrollment is None:
        raise ValidationError({"member": _("该会员没有报名这场培训（或仍在候补）。")})
    if enrollment.attended_at is not None:
        return enrollment
    before = audit.snapshot(enrollment)
    enrollment.attended_at = timezone.now()
    enrollment.save(update_fields=["attended_at", "updated_at"])
    _record(actor, AuditAction.UPDATE, enrollment, org_path, before)
    return enrollment
