"""Reads of the contests app: scoped querysets for officers."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Sum, Window
from django.db.models.functions import Rank

from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.organizations.models import Organization

from .models import Contest, ContestEntry, ContestRound, Craftsman, CraftsmanStudio


def get(model_or_qs, *, user, pk, action: Action = Action.VIEW):
    queryset = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    return get_visible_or_404(queryset, user, action, pk=pk)


def contest_list(*, user):
    return (
        Contest.objects.visible_to(user)
        .select_related("org")
        .annotate(entry_count=Count("entries"))
        .order_by("-starts_on", "-id")
    )


def contest_rounds(*, contest: Contest):
    return ContestRound.objects.filter(contest=contest).order_by("position", "id")


def ranking(*, contest: Contest, limit: int = 50):
    """Entries by total score over all rounds, highest first, with a competition rank (ties
    share a rank)."""
    return (
        ContestEntry.objects.filter(contest=contest, scores__isnull=False)
        .annotate(total=Sum("scores__score"))
        .annotate(rank=Window(expression=Rank(), order_by=F("total").desc()))
        .order_by("-total", "id")[:limit]
    )


def craftsman_list(*, user, status: str | None = None):
    rows = Craftsman.objects.visible_to(user).select_related("org")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-year", "name")


def studio_list(*, user):
    return CraftsmanStudio.objects.visible_to(user).select_related("org", "leader")


def craftsman_counts(*, org: Organization) -> dict:
    awarded = Craftsman.objects.filter(org__path__subtree_of=org.path, status="awarded").count()
    studios = CraftsmanStudio.objects.filter(org__path__subtree_of=org.path).count()
    return {"awarded": awarded, "studios": studios}


def contests_in_period(*, org: Organization, start: datetime.date, end: datetime.date) -> list:
    """The report section: contests of a subtree running in the period, with their entries."""
    return list(
        Contest.objects.filter(
            org__path__subtree_of=org.path, starts_on__lte=end, ends_on__gte=start
        )
        .annotate(entry_count=Count("entries"))
        .order_by("starts_on", "id")
    )
