"""Reads of hardship aid and medical mutual aid. Officers see their scope; a worker sees only
their own applications, participation and claims."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import Http404

from gonghui.cases.selectors import is_officer_view, members_of
from gonghui.core.scoping import Action, get_visible_or_404

from .models import (
    HardshipApplication,
    HardshipDisbursement,
    HardshipThreshold,
    MutualAidClaim,
    MutualAidEnrolment,
    MutualAidParticipant,
)


def hardship_list(*, user, status: str | None = None, period: str | None = None):
    rows = HardshipApplication.objects.visible_to(user).select_related(
        "member", "union", "county_union"
    )
    if status:
        rows = rows.filter(status=status)
    if period:
        rows = rows.filter(period=period)
    return rows


def hardship_get(*, user, application_id, action: Action = Action.VIEW) -> HardshipApplication:
    return get_visible_or_404(
        HardshipApplication.objects.select_related("member", "union", "county_union"),
        user,
        action,
        pk=application_id,
    )


def disbursement_list(*, user, period: str | None = None):
    rows = HardshipDisbursement.objects.visible_to(user).select_related("member", "application")
    if period:
        rows = rows.filter(period=period)
    return rows


def disbursement_total(*, user, union=None) -> dict:
    rows = HardshipDisbursement.objects.visible_to(user)
    if union is not None:
        rows = rows.filter(application__union__path__subtree_of=union.path)
    return rows.aggregate(total=Sum("amount"), count=Count("id"))


def mutual_aid_list(*, user, year: int | None = None):
    rows = MutualAidEnrolment.objects.visible_to(user).select_related("union")
    if year is not None:
        rows = rows.filter(year=year)
    return rows


def mutual_aid_summary(*, user, year: int | None = None) -> list[dict]:
    rows = mutual_aid_list(user=user, year=year)
    return list(
        rows.values("year", "union_id", "union__name")
        .annotate(units=Count("id"), participants=Sum("participants"))
        .order_by("-year", "union__name")
    )


def hardship_of_worker(*, user):
    """A signed-in worker's own hardship applications, with their payments."""
    return (
        HardshipApplication.objects.filter(member__in=members_of(user=user))
        .select_related("union", "county_union")
        .prefetch_related("disbursements")
        .order_by("-created_at", "-id")
    )


def threshold_list(*, user):
    return (
        HardshipThreshold.objects.visible_to(user).select_related("union").order_by("union__path")
    )


def enrolment_get(*, user, enrolment_id, action: Action = Action.VIEW) -> MutualAidEnrolment:
    return get_visible_or_404(
        MutualAidEnrolment.objects.select_related("union"), user, action, pk=enrolment_id
    )


def participants_of(*, enrolment: MutualAidEnrolment):
    return enrolment.members.select_related("member").order_by("id")


def claim_list(*, user, status: str | None = None):
    rows = MutualAidClaim.objects.visible_to(user).select_related(
        "participant__member", "participant__enrolment__union"
    )
    return rows.filter(status=status) if status else rows


def claim_get(*, user, claim_id, action: Action = Action.VIEW) -> MutualAidClaim:
    """One claim: in scope for an officer, their own for a worker; anything else is 404."""
    rows = MutualAidClaim.objects.select_related(
        "participant__member", "participant__enrolment__union"
    )
    if is_officer_view(user):
        return get_visible_or_404(rows, user, action, pk=claim_id)
    try:
        return rows.filter(participant__member__in=members_of(user=user)).get(pk=claim_id)
    except (MutualAidClaim.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def mutual_aid_of_worker(*, user):
    """A worker's own participation, newest year first, with its claims."""
    return (
        MutualAidParticipant.objects.filter(member__in=members_of(user=user))
        .select_related("enrolment__union", "member")
        .prefetch_related("claims")
        .order_by("-year", "-id")
    )


def participant_get(*, user, participant_id) -> MutualAidParticipant:
    """A participation a claim may be filed for: in the officer's scope (to change), or the
    worker's own; anything else is 404."""
    rows = MutualAidParticipant.objects.select_related("member__union", "enrolment__union")
    if is_officer_view(user):
        rows = rows.visible_to(user, Action.CHANGE)
    else:
        rows = rows.filter(member__in=members_of(user=user))
    try:
        return rows.get(pk=participant_id)
    except (MutualAidParticipant.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
