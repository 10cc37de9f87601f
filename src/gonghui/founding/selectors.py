"""Reads of the founding workflow: scoped cases with their steps and documents, the timeline."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from gonghui.core.scoping import Action, get_visible_or_404
from gonghui.organizations.selectors import org_get

from .choices import FoundingEventKind, FoundingStatus
from .models import FoundingCase, FoundingCaseStep, FoundingDocument

CASE_PREFETCH = ("enterprises", "steps__documents")


def founding_case_list(
    *, user, status: str | None = None, org_id: int | None = None, overdue: bool = False
):
    """Cases newest first, each with the deadline of its current step (``current_due_on``);
    ``overdue`` keeps the open ones whose current step is past its deadline."""
    current_due = FoundingCaseStep.objects.filter(
        case=OuterRef("pk"), step=OuterRef("current_step")
    ).values("due_on")[:1]
    cases = (
        FoundingCase.objects.visible_to(user)
        .select_related("parent_org", "union", "project")
        .prefetch_related(*CASE_PREFETCH)
        .annotate(current_due_on=Subquery(current_due))
    )
    if overdue:
        cases = cases.filter(status=FoundingStatus.OPEN, current_due_on__lt=timezone.localdate())
    if org_id is not None:
        org = org_get(user=user, org_id=org_id)
        cases = cases.filter(parent_org__path__subtree_of=org.path)
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-created_at", "-id")


def founding_case_get(*, user, case_id, action: Action = Action.VIEW) -> FoundingCase:
    return get_visible_or_404(
        FoundingCase.objects.select_related("parent_org", "union", "project").prefetch_related(
            *CASE_PREFETCH
        ),
        user,
        action,
        pk=case_id,
    )


def founding_steps(case: FoundingCase) -> list[FoundingCaseStep]:
    """The steps in order, each signed-off one with its ``sign_off`` event (who, when, note)."""
    signed = founding_timeline(case).filter(kind=FoundingEventKind.SIGNED_OFF)
    sign_offs = {event.step: event for event in signed}
    steps = list(case.steps.select_related("responsible").prefetch_related("documents"))
    for row in steps:
        row.sign_off = sign_offs.get(row.step)
    return steps


def founding_timeline(case: FoundingCase):
    """The case's 建会过程, oldest first; the caller has already been let see the case."""
    return case.events.order_by("created_at", "id")


def founding_document_get(*, user, document_id) -> FoundingDocument:
    return get_visible_or_404(
        FoundingDocument.objects.select_related("step__case"), user, Action.VIEW, pk=document_id
    )


def enterprise_founding_cases(*, enterprise):
    """The founding cases an enterprise is part of (its page has already been let see it)."""
    return enterprise.founding_cases.all()
