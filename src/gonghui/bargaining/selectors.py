"""Reads of the bargaining app: scoped querysets for officers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone

from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.enterprises.models import Enterprise
from gonghui.organizations.models import Organization

from .choices import ProcedureStatus
from .models import (
    BargainingLetter,
    BargainingProcedure,
    CongressSession,
    WageAgreement,
    WorkerCongress,
)


def get(model_or_qs, *, user, pk, action: Action = Action.VIEW):
    queryset = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    return get_visible_or_404(queryset, user, action, pk=pk)


def agreement_list(*, user, in_force_on: datetime.date | None = None):
    rows = WageAgreement.objects.visible_to(user).select_related("org", "enterprise")
    if in_force_on:
        rows = rows.filter(valid_from__lte=in_force_on, valid_until__gte=in_force_on)
    return rows.order_by("-signed_on", "-id")


def procedure_list(*, user):
    return (
        BargainingProcedure.objects.visible_to(user)
        .select_related("org", "enterprise")
        .prefetch_related("letters")
    )


def congress_list(*, user):
    return WorkerCongress.objects.visible_to(user).select_related("enterprise", "org")


def congress_sessions(*, congress: WorkerCongress):
    return CongressSession.objects.filter(congress=congress).order_by("-held_on", "-id")


def enterprise_options(*, user):
    """The enterprises a bargaining form may name (the service checks the right to write)."""
    return Enterprise.objects.visible_to(user)


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


def congress_rate(*, org: Organization, on: datetime.date | None = None) -> Rate:
    """职代会建制率 of a subtree: of the enterprises in its area that have a union, the share
    with a worker congress whose term covers the day."""
    on = on or timezone.localdate()
    unionised = Enterprise.objects.filter(
        street_org__path__subtree_of=org.path, union__isnull=False
    )
    with_congress = unionised.filter(
        pk__in=WorkerCongress.objects.filter(term_starts_on__lte=on, term_ends_on__gte=on).values(
            "enterprise_id"
        )
    )
    return Rate(with_congress.count(), unionised.count())


def agreement_figures(*, org: Organization, start: datetime.date, end: datetime.date) -> dict:
    """The report section: wage agreements of a subtree in force during the period, and the
    workers they cover."""
    in_force = WageAgreement.objects.filter(
        org__path__subtree_of=org.path, valid_from__lte=end, valid_until__gte=start
    )
    return in_force.aggregate(count=Count("id"), workers=Sum("covered_workers", default=0))


@dataclass(frozen=True)
class Deadline:
    letter: BargainingLetter
    days: int


def procedure_deadline(procedure: BargainingProcedure) -> Deadline | None:
    """The answer the union waits for: the latest letter with a due date while the procedure is
    open (the invitation's 20 days, then the advisory letter's 15)."""
    if procedure.status != ProcedureStatus.OPEN:
        return None
    letters = [letter for letter in procedure.letters.all() if letter.due_on]
    if not letters:
        return None
    letter = max(letters, key=lambda row: (row.sent_on, row.pk))
    return Deadline(letter, (letter.due_on - letter.sent_on).days)
