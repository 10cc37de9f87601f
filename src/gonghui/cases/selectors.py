"""Reads. Officers see the cases their scope covers; a worker sees only their own."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.members.choices import MemberStatus
from gonghui.members.models import Member

from .choices import OPEN_STATUSES
from .models import (
    Attachment,
    Case,
    CaseEvent,
    CaseType,
    Holiday,
    Notification,
)


def members_of(*, user):
    """The member records of a signed-in worker: linked to the account, or (active) by phone."""
    if user is None or not user.is_authenticated or not getattr(user, "pk", None):
        return Member.objects.none()
    condition = Q(account=user)
    if user.phone:
        condition |= Q(phone=user.phone, status=MemberStatus.ACTIVE, account__isnull=True)
    return Member.objects.filter(condition).select_related("union")


def member_for_hall(*, user, member_number: str) -> Member | None:
    """The member a service-hall officer files a case for, by number, within their scope."""
    return (
        Member.objects.visible_to(user, Action.CHANGE)
        .filter(member_number=(member_number or "").strip())
        .select_related("union")
        .first()
    )


def own_cases(*, user):
    """A worker's own cases: as a member, or raised before joining from the phone they signed
    in with."""
    condition = Q(member__in=members_of(user=user))
    phone = getattr(user, "phone", "") if getattr(user, "is_authenticated", False) else ""
    if phone:
        condition |= Q(member__isnull=True, applicant_phone=phone)
    return _cases().filter(condition)


def is_officer_view(user) -> bool:
    return not scope_for(user, Action.VIEW).is_empty


def case_types(*, active_only: bool = True):
    types = CaseType.objects.all()
    return types.filter(is_active=True) if active_only else types


def _cases():
    return Case.objects.select_related("case_type", "handling_union", "member")


def holidays(*, year: int):
    return Holiday.objects.filter(date__year=year).order_by("date")


def case_list(
    *,
    user,
    status: str | None = None,
    overdue: bool | None = None,
    union_id: int | None = None,
    open_only: bool = False,
):
    if is_officer_view(user):
        cases = _cases().visible_to(user, Action.VIEW)
    else:
        cases = own_cases(user=user)
    if status:
        cases = cases.filter(status=status)
    if open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    if overdue is not None:
        today = timezone.localdate()
        late = Q(status__in=OPEN_STATUSES, due_on__lt=today)
        cases = cases.filter(late) if overdue else cases.exclude(late)
    if union_id is not None:
        cases = cases.filter(handling_union_id=union_id)
    return cases


def case_queue(*, user, **filters):
    """The officer's queue: open cases, earliest deadline first."""
    return case_list(user=user, open_only=True, **filters).order_by("due_on", "id")


def case_get(*, user, case_id, action: Action = Action.VIEW) -> Case:
    """One case: in scope for an officer, their own for a worker; anything else is 404."""
    if is_officer_view(user):
        return get_visible_or_404(_cases(), user, action, pk=case_id)
    try:
        return own_cases(user=user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def case_timeline(*, user, case: Case):
    events = case.events.select_related("from_union", "to_union")
    if not is_officer_view(user):
        events = events.filter(public=True)
    return events.order_by("created_at", "id")


def case_attachments(*, user, case: Case):
    rows = case.attachments.all()
    if not is_officer_view(user):
        rows = rows.filter(public=True)
    return rows


def attachment_get(*, user, attachment_id) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("case").get(pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    case_get(user=user, case_id=attachment.case_id)
    if not attachment.public and not is_officer_view(user):
        raise Http404
    return attachment


def inbox(*, user, unread_only: bool = False):
    rows = Notification.objects.filter(user=user)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def case_counts(*, user) -> dict:
    today = timezone.localdate()
    cases = Case.objects.visible_to(user)
    return cases.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        rated=Count("id", filter=Q(rating__isnull=False)),
        rating_sum=Sum("rating"),
    )


def events_for_scope(*, user):
    return CaseEvent.objects.visible_to(user)
