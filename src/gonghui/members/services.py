"""Every write to a membership. Each takes ``actor=``, checks scope, validates, writes, and
records a history row (``MemberEvent``) and an audit row in the same transaction.

Joining lives in :mod:`.joining`, what the writes share in :mod:`.rules`; their public names
are importable from here as well. The worker's own online join, phone codes and profile are
in ``gonghui.joining``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures
from gonghui.core.audit import actor_fk
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope, scope_for
from gonghui.organizations.models import Organization

from . import crypto
from .choices import HOLDING_STATUSES, EventKind, EventReason, MemberStatus, TransferStatus
from .joining import (  # noqa: F401 (the join's public names, importable from services)
    JoinResult,
    already_member_error,
    member_enrol,
    member_join,
)
from .models import Member, MemberEvent, TransferRequest, UnionJoinPolicy
from .rules import (  # noqa: F401
    EDITABLE_FIELDS,
    MINIMUM_AGE,
    PROFILE_FIELDS,
    active_union,
    actor_label,
    age_on,
    allocate_member_numbers,
    audit_member,
    check_accepts_joins,
    clean_id_card,
    clean_phone,
    find_member_by_id_card,
    history_event,
    join_policy,
    union_gone_error,
)


@transaction.atomic
def member_update(*, actor, member: Member, **fields) -> Member:
    require_in_scope(actor, member.union.path, Action.CHANGE)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    if "phone" in fields:
        fields["phone"] = clean_phone(fields["phone"])
    employer = fields.get("employer")
    if employer is not None:
        if not scope_for(actor, Action.VIEW).covers(employer.street_org.path):
            raise ValidationError({"employer_id": _("企业不存在或不在您的管辖范围内。")})
        fields.setdefault("employer_name", employer.name)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    before = audit.snapshot(member)
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    if audit.diff(before, audit.snapshot(member)):
        audit_member(actor, AuditAction.UPDATE, member, before)
    return member


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("union").get(pk=member.pk)


def _refuse_merged(member: Member) -> None:
    # A merged duplicate must stay out of the counts: its person is the record it went into.
    if member.status == MemberStatus.MERGED:
        raise ValidationError({"status": _("该记录已合并到另一条会员记录，不能再变更。")})


# Which history row a status change writes; removal (除名) is a withdrawal with reason expelled.
STATUS_EVENTS = {
    MemberStatus.LAPSED: EventKind.LAPSED,
    MemberStatus.WITHDRAWN: EventKind.WITHDRAWN,
    MemberStatus.DECEASED: EventKind.DECEASED,
    MemberStatus.ACTIVE: EventKind.REINSTATED,
}


@transaction.atomic
def member_set_status(
    *, actor, member: Member, status: str, reason: str = "", note: str = ""
) -> Member:
    """Lapse, withdraw, remove (withdrawn + expelled), record a death, or reinstate. Leaving
    active revokes the e-card at once (its QR token no longer verifies)."""
    require_in_scope(actor, member.union.path, Action.CHANGE)
    if status not in STATUS_EVENTS:
        raise ValidationError({"status": _("不能直接设置为该状态。")})
    if reason not in EventReason.values:
        raise ValidationError({"reason": _("不是可选的值之一。")})
    member = _locked(member)
    _refuse_merged(member)
    if member.status == status:
        return member
    if member.status == MemberStatus.DECEASED:
        raise ValidationError({"status": _("该会员已故，会籍不能再变更。")})
    if member.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError({"status": _("该会员有待处理的转会申请，请先处理。")})
    before = audit.snapshot(member)
    previous = member.status
    member.status = status
    if previous == MemberStatus.ACTIVE:
        member.card_version += 1
    member.save()
    kind = STATUS_EVENTS[status]
    if status == MemberStatus.WITHDRAWN and reason == EventReason.EXPELLED:
        kind = EventKind.REMOVED
    history_event(member, kind, actor=actor, reason=reason, note=note, before=previous).save()
    audit_member(actor, AuditAction.UPDATE, member, before)
    return member


@transaction.atomic
def member_retain(*, actor, member: Member, reason: str, note: str = "") -> Member:
    """保留会籍: a retired worker stays with their union; a worker whose employer closed or went
    bankrupt is held by the union one level up. The member stays active throughout."""
    require_in_scope(actor, member.union.path, Action.CHANGE)
    member = _locked(member)
    _refuse_merged(member)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"status": _("只有正常状态的会员可以保留会籍。")})
    before = audit.snapshot(member)
    previous_union = member.union
    if reason == EventReason.EMPLOYER_BANKRUPT and previous_union.parent_id:
        member.union = previous_union.parent
        member.save()
    history_event(
        member,
        EventKind.RETAINED,
        actor=actor,
        reason=reason,
        note=note,
        other_union=previous_union if member.union_id != previous_union.pk else None,
        before=MemberStatus.ACTIVE,
    ).save()
    audit_member(actor, AuditAction.UPDATE, member, before)
    return member


def _can_act_for_member(actor, member: Member) -> bool:
    if actor is not None and getattr(actor, "pk", None) and member.account_id == actor.pk:
        return True
    return scope_for(actor, Action.CHANGE).covers(member.union.path)


@transaction.atomic
def member_transfer_request(
    *, actor, member: Member, to_union: Organization, reason: str = "", note: str = ""
) -> TransferRequest:
    """The worker (from their own account) or an officer over the current union releases the
    member towards ``to_union``; the member stays active where they are until it is accepted."""
    if not _can_act_for_member(actor, member):
        from django.http import Http404

        raise Http404
    member = _locked(member)
    _refuse_merged(member)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": _("只有正常状态的会员可以申请转会。")})
    if to_union.pk == member.union_id:
        raise ValidationError({"to_union_id": _("转入工会不能是当前所在工会。")})
    check_accepts_joins(to_union, field="to_union_id")
    if reason not in EventReason.values:
        raise ValidationError({"reason": _("不是可选的值之一。")})
    if member.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError({"member": _("该会员已有一个待处理的转会申请。")})
    transfer = TransferRequest.objects.create(
        member=member,
        from_union=member.union,
        to_union=to_union,
        reason=reason,
        note=note,
        requested_by=actor_fk(actor),
    )
    history_event(
        member,
        EventKind.TRANSFER_REQUEST,
        actor=actor,
        other_union=to_union,
        reason=reason,
        note=note,
        before=member.status,
    ).save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=transfer,
        org_path=member.union.path,
        changes=audit.diff({}, audit.snapshot(transfer)),
    )
    return transfer


def _locked_pending(transfer: TransferRequest) -> TransferRequest:
    transfer = (
        TransferRequest.objects.select_for_update()
        .select_related("member", "from_union", "to_union")
        .get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError({"status": _("该转会申请已处理。")})
    return transfer


@transaction.atomic
def member_transfer_accept(*, actor, transfer: TransferRequest, note: str = "") -> Member:
    """The receiving union (or one above it) accepts: same record, same number, one more pair of
    history rows (转出, 转入)."""
    require_in_scope(actor, transfer.to_union.path, Action.CHANGE)
    transfer = _locked_pending(transfer)
    member = _locked(transfer.member)
    before = audit.snapshot(member)
    member.union = transfer.to_union
    member.save()
    now = timezone.now()
    for kind, union, other in (
        (EventKind.TRANSFER_OUT, transfer.from_union, transfer.to_union),
        (EventKind.TRANSFER_IN, transfer.to_union, transfer.from_union),
    ):
        event = history_event(
            member,
            kind,
            actor=actor,
            union=union,
            other_union=other,
            reason=transfer.reason,
            note=note,
            before=member.status,
        )
        event.created_at = now
        event.save()
    transfer_before = audit.snapshot(transfer)
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by = actor_fk(actor)
    transfer.decided_at = now
    transfer.decision_note = note
    transfer.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=transfer,
        org_path=transfer.to_union.path,
        changes=audit.diff(transfer_before, audit.snapshot(transfer)),
    )
    audit_member(actor, AuditAction.MOVE, member, before)
    return member


@transaction.atomic
def member_transfer_refuse(*, actor, transfer: TransferRequest, note: str = "") -> TransferRequest:
    require_in_scope(actor, transfer.to_union.path, Action.CHANGE)
    transfer = _locked_pending(transfer)
    before = audit.snapshot(transfer)
    transfer.status = TransferStatus.REFUSED
    transfer.decided_by = actor_fk(actor)
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save()
    history_event(
        transfer.member,
        EventKind.TRANSFER_REFUSED,
        actor=actor,
        union=transfer.to_union,
        other_union=transfer.from_union,
        note=note,
        before=transfer.member.status,
    ).save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=transfer,
        org_path=transfer.to_union.path,
        changes=audit.diff(before, audit.snapshot(transfer)),
    )
    return transfer


@transaction.atomic
def members_move_all(
    *, actor, from_union: Organization, to_union: Organization, reason: str = ""
) -> int:
    """Move every member of ``from_union`` (e.g. a project union being dissolved) to
    ``to_union`` in one audited operation. Returns how many moved."""
    require_in_scope(actor, from_union.path, Action.CHANGE)
    require_in_scope(actor, to_union.path, Action.CHANGE)
    if from_union.pk == to_union.pk:
        raise ValidationError({"to_union_id": _("转入工会不能是当前所在工会。")})
    check_accepts_joins(to_union, field="to_union_id")
    members = list(
        Member.objects.select_for_update().filter(union=from_union, status__in=HOLDING_STATUSES)
    )
    if TransferRequest.objects.filter(member__in=members, status=TransferStatus.PENDING).exists():
        raise ValidationError({"from_union_id": _("该工会还有待处理的转会申请，请先处理。")})
    Member.objects.filter(pk__in=[m.pk for m in members]).update(
        union=to_union, updated_at=timezone.now()
    )
    figures.changes(
        (figures.member_key(m, from_union.path), figures.member_key(m, to_union.path))
        for m in members
    )
    now = timezone.now()
    events, entries = [], []
    for member in members:
        for kind, union, other in (
            (EventKind.TRANSFER_OUT, from_union, to_union),
            (EventKind.TRANSFER_IN, to_union, from_union),
        ):
            event = history_event(
                member, kind, actor=actor, union=union, other_union=other,
                reason=reason or EventReason.UNION_DISSOLVED, before=member.status,
            )  # fmt: skip
            event.created_at = now
            events.append(event)
        entries.append(
            audit.build(
                actor=actor,
                action=AuditAction.MOVE,
                instance=member,
                org_path=to_union.path,
                changes={"union": [from_union.pk, to_union.pk]},
            )
        )
    MemberEvent.objects.bulk_create(events, batch_size=500)
    audit.record_many(entries)
    return len(members)


def member_id_card(*, actor, member: Member) -> str:
    """The full ID number, for the record's own authorised page only; the read is audited."""
    require_in_scope(actor, member.union.path, Action.CHANGE)
    audit.record(
        actor=actor,
        action=AuditAction.REVEAL_ID,
        instance=member,
        org_path=member.union.path,
        changes={},
    )
    return crypto.decrypt_id(member.id_card_encrypted)


def member_reencrypt_ids(*, batch_size: int = 500) -> int:
    """After adding a key to MEMBER_ID_KEYS and making it active: re-encrypt every row still
    under an older key. Safe to re-run; returns how many rows changed."""
    active = crypto.active_id_key()
    changed = 0
    while True:
        with transaction.atomic():
            rows = list(
                Member.objects.select_for_update()
                .exclude(id_card_encrypted__startswith=active + ":")
                .only("pk", "id_card_encrypted")[:batch_size]
            )
            if not rows:
                return changed
            for row in rows:
                row.id_card_encrypted = crypto.encrypt_id(crypto.decrypt_id(row.id_card_encrypted))
            Member.objects.bulk_update(rows, ["id_card_encrypted"])
            changed += len(rows)


@transaction.atomic
def join_policy_set(
    *, actor, union: Organization, accepts_joins: bool, auto_approve: bool
) -> UnionJoinPolicy:
    """A union chooses whether it takes online joins, and whether they need an officer's
    approval."""
    require_in_scope(actor, union.path, Action.CHANGE)
    policy, _created = UnionJoinPolicy.objects.select_for_update().get_or_create(union=union)
    before = audit.snapshot(policy)
    policy.accepts_joins = accepts_joins
    policy.auto_approve = auto_approve
    policy.save()
    changes = audit.diff(before, audit.snapshot(policy))
    if changes:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=policy,
            org_path=union.path,
            changes=changes,
        )
    return policy
