"""Online joins under review: a union's join policy (open, reviewed by the union, or two-level:
the union first, then the union above), each review step, and where an application stands.

The last step of every review is ``_activate`` or ``_withdraw`` (the status change, its history
row and audit row); a two-level review adds one history row, the first review, before it. They
are private on purpose: the only way to approve or refuse an application is through its steps
(``member_review_approve``, ``member_review_refuse``), so no caller skips the second level. The
step a worker sees is read from those history rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.organizations.models import Organization

from . import services
from .choices import EventKind, JoinReview, MemberStatus
from .models import Member, MemberEvent, UnionJoinPolicy
from .rules import audit_member, history_event

# The history rows that start an application (a join, or a comeback after leaving).
APPLICATION_STARTS = (EventKind.JOIN, EventKind.REINSTATED)


@transaction.atomic
def join_policy_update(
    *, actor, union: Organization, review: str, accepts_joins: bool = True
) -> UnionJoinPolicy:
    """A union chooses whether it takes online joins and how they are reviewed: approved at
    once, by its own officers, or by its officers and then the union above's."""
    require_in_scope(actor, union.path, Action.CHANGE)
    if review not in JoinReview.values:
        raise ValidationError({"review": _("不是可选的值之一。")})
    if review == JoinReview.TWO_LEVEL and union.parent_id is None:
        raise ValidationError({"review": _("该工会没有上级工会，不能设置两级审核。")})
    policy, _created = UnionJoinPolicy.objects.select_for_update().get_or_create(union=union)
    before = audit.snapshot(policy)
    policy.accepts_joins = accepts_joins
    policy.auto_approve = review == JoinReview.OPEN
    policy.second_review = review == JoinReview.TWO_LEVEL
    policy.full_clean()
    policy.save()
    changes = audit.diff(before, audit.snapshot(policy))
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=policy, org_path=union.path,
            changes=changes,
        )  # fmt: skip
    return policy


@dataclass(frozen=True)
class Stage:
    """Where an application stands: ``level`` 1 (the member's union) or 2 (the union above)
    of ``levels``; ``reviewer`` is the union whose officers decide now."""

    level: int
    levels: int
    reviewer: Organization | None
    first_review: MemberEvent | None

    @property
    def label(self) -> str:
        if self.levels == 2 and self.level == 2:
            return str(_("基层工会已初审通过，等待上级工会复审"))
        if self.levels == 2:
            return str(_("等待基层工会初审"))
        return str(_("等待工会审核"))


def _application_events(member: Member):
    """The history rows of the member's latest application, oldest first."""
    start = member.events.filter(kind__in=APPLICATION_STARTS).order_by("-created_at", "-id").first()
    events = member.events.select_related("union").order_by("created_at", "id")
    if start is not None:
        events = events.filter(id__gte=start.pk)
    return list(events)


def application_stage(member: Member) -> Stage | None:
    """The review step of an application waiting for a decision; ``None`` otherwise."""
    if member.status != MemberStatus.APPLIED:
        return None
    policy = services.join_policy(member.union)
    parent = member.union.parent
    levels = 2 if policy.second_review and parent is not None else 1
    first = next((e for e in _application_events(member) if e.kind == EventKind.FIRST_REVIEW), None)
    if levels == 2 and first is not None:
        return Stage(level=2, levels=2, reviewer=parent, first_review=first)
    return Stage(level=1, levels=levels, reviewer=member.union, first_review=None)


def application_refusal(member: Member) -> MemberEvent | None:
    """The refusal of the latest application, if that is how it ended (the worker's page shows
    its reason)."""
    if member.status != MemberStatus.WITHDRAWN:
        return None
    events = _application_events(member)
    last = events[-1] if events else None
    return last if last is not None and last.kind == EventKind.REJECT else None


def _locked_applied(actor, member: Member) -> tuple[Member, Stage]:
    require_in_scope(actor, member.union.path, Action.CHANGE)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    stage = application_stage(member)
    if stage is None:
        raise ValidationError({"status": _("只有待审核的入会申请可以审核。")})
    if stage.level == 2:
        if not scope_for(actor, Action.CHANGE).covers(stage.reviewer.path):
            raise ValidationError({"status": _("该申请已通过初审，须由上级工会复审。")})
        if stage.first_review.actor_id and stage.first_review.actor_id == getattr(
            actor, "pk", None
        ):
            raise ValidationError({"status": _("初审和复审须由不同的工会干部办理。")})
    return member, stage


def _activate(*, actor, member: Member, note: str) -> Member:
    """The last pass: the (locked) application becomes an active member from today."""
    before = audit.snapshot(member)
    member.status = MemberStatus.ACTIVE
    member.joined_on = timezone.localdate()
    member.save()
    history_event(
        member, EventKind.APPROVE, actor=actor, note=note, before=MemberStatus.APPLIED
    ).save()
    audit_member(actor, AuditAction.UPDATE, member, before)
    return member


def _withdraw(*, actor, member: Member, note: str) -> Member:
    """A refusal at any step: the (locked) application is withdrawn, its card void."""
    before = audit.snapshot(member)
    member.status = MemberStatus.WITHDRAWN
    member.card_version += 1
    member.save()
    history_event(
        member, EventKind.REJECT, actor=actor, note=note, before=MemberStatus.APPLIED
    ).save()
    audit_member(actor, AuditAction.UPDATE, member, before)
    return member


@transaction.atomic
def member_review_approve(*, actor, member: Member, note: str = "") -> Member:
    """Pass the application at its present step: under a two-level review the first pass
    hands it to the union above; the last pass makes the member active."""
    member, stage = _locked_applied(actor, member)
    if stage.level < stage.levels:
        MemberEvent.record(
            actor=actor, member=member, kind=EventKind.FIRST_REVIEW, note=note,
            status_before=member.status, status_after=member.status, union=member.union,
            other_union=member.union.parent,
        )  # fmt: skip
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=member, org_path=member.union.path,
            changes={"review": [str(_("等待基层工会初审")), str(_("等待上级工会复审"))]},
        )  # fmt: skip
        return member
    return _activate(actor=actor, member=member, note=note)


@transaction.atomic
def member_review_refuse(*, actor, member: Member, reason: str) -> Member:
    """Refuse the application at its present step; the reason is required and the worker
    sees it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予通过的原因。")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("原因不能超过300个字。")})
    member, _stage = _locked_applied(actor, member)
    return _withdraw(actor=actor, member=member, note=reason)


def reviews_waiting(*, user):
    """Applications waiting for a decision the user may take now: first steps in unions they
    change, and second steps whose union above they change."""
    scope = scope_for(user, Action.CHANGE)
    applied = (
        Member.objects.visible_to(user, Action.CHANGE)
        .filter(status=MemberStatus.APPLIED)
        .select_related("union", "union__parent", "union__join_policy")
        .order_by("joined_on", "id")
    )
    rows = []
    for member in applied[:500]:
        stage = application_stage(member)
        if stage is not None and scope.covers(stage.reviewer.path):
            rows.append((member, stage))
    return rows
