"""Every write to a membership. Each takes ``actor=``, checks scope, validates, writes, and
records a history row (``MemberEvent``) and an audit row in the same transaction."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures, ratelimit
from gonghui.core.audit import actor_fk
from gonghui.core.models import AuditAction
from gonghui.core.scoping import SYSTEM, Action, require_in_scope, scope_for
from gonghui.core.validators import (
    id_card_birth_date,
    id_card_error,
    id_card_gender,
    is_valid_mobile,
    mask_id_card,
    normalize_id_card,
)
from gonghui.organizations.models import Organization

from . import crypto, rows, sms
from .choices import (
    HOLDING_STATUSES,
    EventKind,
    EventReason,
    JoinChannel,
    MemberStatus,
    OccupationGroup,
    TransferStatus,
)
from .models import (
    Member,
    MemberEvent,
    PhoneCode,
    TransferRequest,
    UnionJoinPolicy,
)

MINIMUM_AGE = 16
# The real-name record's optional profile (全国工会会员实名制 fields).
PROFILE_FIELDS = (
    "ethnicity",
    "education",
    "employment_status",
    "skill_level",
    "hukou_type",
    "is_migrant_worker",
    "political_status",
    "job_title",
    "work_start_year",
    "hukou_region",
    "residence_region",
    "emergency_contact_name",
    "emergency_contact_phone",
)

EDITABLE_FIELDS = (
    "name",
    "phone",
    "employer_name",
    "employer",
    "work_place",
    "occupation_group",
    "home_latitude",
    "home_longitude",
    "work_latitude",
    "work_longitude",
    *PROFILE_FIELDS,
)


def actor_label(actor) -> str:
    # A join with no actor is the worker acting for themselves online.
    if actor is None:
        return str(_("本人（线上）"))
    return audit.actor_label(actor)


def age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def clean_id_card(value: str, *, today: datetime.date | None = None) -> str:
    """The normalised number, or a field error: checksum, birth date, and age 16+."""
    number = normalize_id_card(value)
    message = id_card_error(number, today=today)
    if message:
        raise ValidationError({"id_card": message})
    today = today or timezone.localdate()
    if age_on(id_card_birth_date(number), today) < MINIMUM_AGE:
        raise ValidationError({"id_card": _("年满16周岁方可入会。")})
    return number


def clean_phone(value: str) -> str:
    phone = (value or "").strip()
    if not is_valid_mobile(phone):
        raise ValidationError({"phone": _("请输入11位中国大陆手机号码（1开头，第二位为3-9）。")})
    return phone


def join_policy(union: Organization) -> UnionJoinPolicy:
    if Organization.join_policy.is_cached(union):
        # Read with the union (select_related("join_policy")): no query of its own.
        try:
            return union.join_policy
        except UnionJoinPolicy.DoesNotExist:
            return UnionJoinPolicy(union=union)
    policy = UnionJoinPolicy.objects.filter(union=union).first()
    return policy or UnionJoinPolicy(union=union)


def check_accepts_joins(union: Organization, field: str = "union_id") -> UnionJoinPolicy:
    policy = join_policy(union)
    if not union.is_active or not policy.accepts_joins:
        raise ValidationError({field: _("该工会目前不接受入会申请，请选择其他工会。")})
    return policy


def allocate_member_numbers(union: Organization, count: int = 1) -> list[str]:
    """``count`` fresh numbers: the region code of ``union`` and a national serial (a
    PostgreSQL sequence; on SQLite one UPDATE of the counter row). A join that then fails
    leaves a gap in the serials, never a duplicate."""
    return [rows.format_number(union.region_code, s) for s in rows.allocate_serials(count)]


def _event(member, kind, *, actor, union=None, other_union=None, reason="", note="", before=""):
    figures.member_event(kind, (union or member.union).path)
    return MemberEvent.build(
        actor=actor,
        member=member,
        kind=kind,
        reason=reason or "",
        note=note or "",
        status_before=before,
        status_after=member.status,
        union=union or member.union,
        other_union=other_union,
    )


def _audit(actor, action, member, before: dict, org_path: str | None = None):
    changes = audit.diff(before, audit.snapshot(member))
    audit.record(
        actor=actor,
        action=action,
        instance=member,
        org_path=org_path or member.union.path,
        changes=changes,
    )
    figures.member_written(before, member)  # the cockpit's figures, same transaction


def find_member_by_id_card(number: str) -> Member | None:
    return (
        Member.objects.select_related("union")
        .filter(id_card_hash=crypto.id_hash(normalize_id_card(number)))
        .first()
    )


@dataclass
class JoinResult:
    member: Member
    created: bool


def _validate_new_member(member: Member) -> None:
    try:
        member.full_clean(exclude=["id_card_encrypted", "id_card_hash", "member_number", "union"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def member_join(
    *,
    actor,
    union: Organization,
    name: str,
    id_card: str,
    phone: str,
    occupation_group: str = OccupationGroup.OTHER,
    employer_name: str = "",
    work_place: str = "",
    channel: str = JoinChannel.ONLINE,
    joined_on: datetime.date | None = None,
    **locations,
) -> JoinResult:
    """Join ``union`` (or come back to it). Idempotent on the ID number: the same person joining
    twice, even in two parallel requests, gets the one existing record. Online (the worker
    alone, ``actor=None``), that holds only when ``phone`` is the record's phone; anyone else
    gets :func:`already_member_error`, which names nothing. An officer enrolling a person who is
    a member elsewhere gets a field error naming that union (they need a transfer)."""
    number = clean_id_card(id_card)
    phone = clean_phone(phone)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名。")})
    unknown = set(locations) - {
        "home_latitude",
        "home_longitude",
        "work_latitude",
        "work_longitude",
    }
    if unknown:
        raise ValidationError({field: [_("未知字段。")] for field in sorted(unknown)})
    if channel != JoinChannel.ONLINE:
        require_in_scope(actor, union.path, Action.CHANGE)

    policy = join_policy(union)
    if not union.is_active or not policy.accepts_joins:
        # Refused for a new person; someone with a record gets what their record says.
        existing = find_member_by_id_card(number)
        if existing is not None:
            return JoinResult(
                _rejoin(actor=actor, member=existing, union=union, channel=channel, phone=phone),
                False,
            )
        check_accepts_joins(union)
    approved = channel != JoinChannel.ONLINE or policy.auto_approve
    member = Member(
        union=union,
        name=name,
        id_card_encrypted=crypto.encrypt_id(number),
        id_card_hash=crypto.id_hash(number),
        id_card_masked=mask_id_card(number),
        phone=phone,
        gender=id_card_gender(number),
        birth_date=id_card_birth_date(number),
        employer_name=(employer_name or "").strip(),
        work_place=(work_place or "").strip(),
        occupation_group=occupation_group,
        joined_on=joined_on or timezone.localdate(),
        status=MemberStatus.ACTIVE if approved else MemberStatus.APPLIED,
        channel=channel,
        **locations,
    )
    _validate_new_member(member)
    # One transaction, no savepoint: the INSERT ... ON CONFLICT on the ID hash (which draws the
    # member number inside it) settles a parallel join of the same person without an error,
    # and the history and audit rows commit with the record.
    with transaction.atomic(savepoint=False):
        inserted = rows.member_insert(member)
        if inserted:
            # The history and audit rows in one statement (one round trip on PostgreSQL).
            rows.insert_objects(
                [
                    _event(member, EventKind.JOIN, actor=actor, before=""),
                    audit.build(
                        actor=actor,
                        action=AuditAction.CREATE,
                        instance=member,
                        org_path=member.union.path,
                        changes=audit.diff({}, audit.snapshot(member)),
                    ),
                ]
            )
            figures.changed((), figures.member_key(member))  # the cockpit's figures
    if inserted:
        return JoinResult(member, True)
    # Someone with this ID number is on record (or a parallel request inserted them first).
    existing = find_member_by_id_card(number)
    return JoinResult(
        _rejoin(actor=actor, member=existing, union=union, channel=channel, phone=phone), False
    )


def already_member_error() -> ValidationError:
    """The one answer an online join gets for an ID number that already has a record, whoever
    holds it, in whichever union and state: no name, union or card, nothing to tell apart."""
    message = _("该身份证号码已有会籍。请用登记的手机号码登录查看，或联系您的工会。")
    return ValidationError({"id_card": ValidationError(message, code="already_member")})


def _rejoin(*, actor, member: Member, union: Organization, channel: str, phone: str) -> Member:
    if channel == JoinChannel.ONLINE and member.phone != phone:
        # Whoever typed this ID number proved only that they hold some phone: unless it is the
        # one on record, they are told nothing about the record (the same for every union).
        raise already_member_error()
    if channel == JoinChannel.ONLINE and member.status in HOLDING_STATUSES:
        # The worker themselves, again (a double submit, a second device): their own record.
        return member
    if member.status in HOLDING_STATUSES:
        if member.union_id == union.pk:
            return member
        message = _("您已是%(union)s的会员。如需更换工会，请申请会籍转接。") % {
            "union": member.union.name
        }
        raise ValidationError({"id_card": ValidationError(message, code="already_member")})
    if member.status == MemberStatus.DECEASED:
        if channel == JoinChannel.ONLINE:
            raise already_member_error()
        raise ValidationError({"id_card": _("该身份证号码无法办理入会，请联系工会。")})
    # Withdrawn or lapsed: the same record comes back, in the union now chosen.
    policy = check_accepts_joins(union)
    if channel != JoinChannel.ONLINE:
        require_in_scope(actor, union.path, Action.CHANGE)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
        before = audit.snapshot(member)
        previous_status, previous_union = member.status, member.union
        member.union = union
        approved = channel != JoinChannel.ONLINE or policy.auto_approve
        member.status = MemberStatus.ACTIVE if approved else MemberStatus.APPLIED
        member.joined_on = timezone.localdate()
        member.save()
        _event(
            member,
            EventKind.REINSTATED,
            actor=actor,
            other_union=previous_union if previous_union.pk != union.pk else None,
            before=previous_status,
        ).save()
        _audit(actor, AuditAction.UPDATE, member, before)
    return member


def member_enrol(*, actor, union: Organization, **fields) -> Member:
    """An officer enrols a worker at a site: active at once, in the officer's subtree only."""
    require_in_scope(actor, union.path, Action.CHANGE)
    result = member_join(actor=actor, union=union, channel=JoinChannel.OFFICER, **fields)
    return result.member


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
        _audit(actor, AuditAction.UPDATE, member, before)
    return member


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("union").get(pk=member.pk)


@transaction.atomic
def member_approve(*, actor, member: Member, note: str = "") -> Member:
    require_in_scope(actor, member.union.path, Action.CHANGE)
    member = _locked(member)
    if member.status != MemberStatus.APPLIED:
        raise ValidationError({"status": _("只有待审核的入会申请可以审核。")})
    before = audit.snapshot(member)
    member.status = MemberStatus.ACTIVE
    member.joined_on = timezone.localdate()
    member.save()
    _event(member, EventKind.APPROVE, actor=actor, note=note, before=MemberStatus.APPLIED).save()
    _audit(actor, AuditAction.UPDATE, member, before)
    return member


@transaction.atomic
def member_reject(*, actor, member: Member, note: str = "") -> Member:
    require_in_scope(actor, member.union.path, Action.CHANGE)
    member = _locked(member)
    if member.status != MemberStatus.APPLIED:
        raise ValidationError({"status": _("只有待审核的入会申请可以驳回。")})
    before = audit.snapshot(member)
    member.status = MemberStatus.WITHDRAWN
    member.card_version += 1
    member.save()
    _event(member, EventKind.REJECT, actor=actor, note=note, before=MemberStatus.APPLIED).save()
    _audit(actor, AuditAction.UPDATE, member, before)
    return member


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
    _event(member, kind, actor=actor, reason=reason, note=note, before=previous).save()
    _audit(actor, AuditAction.UPDATE, member, before)
    return member


@transaction.atomic
def member_retain(*, actor, member: Member, reason: str, note: str = "") -> Member:
    """保留会籍: a retired worker stays with their union; a worker whose employer closed or went
    bankrupt is held by the union one level up. The member stays active throughout."""
    require_in_scope(actor, member.union.path, Action.CHANGE)
    member = _locked(member)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"status": _("只有正常状态的会员可以保留会籍。")})
    before = audit.snapshot(member)
    previous_union = member.union
    if reason == EventReason.EMPLOYER_BANKRUPT and previous_union.parent_id:
        member.union = previous_union.parent
        member.save()
    _event(
        member,
        EventKind.RETAINED,
        actor=actor,
        reason=reason,
        note=note,
        other_union=previous_union if member.union_id != previous_union.pk else None,
        before=MemberStatus.ACTIVE,
    ).save()
    _audit(actor, AuditAction.UPDATE, member, before)
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
    _event(
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
        event = _event(
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
    _audit(actor, AuditAction.MOVE, member, before)
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
    _event(
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
            event = _event(
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


# ---- One-time codes ---------------------------------------------------------------------------

CODE_LIFETIME = datetime.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5


def phone_code_send(
    *, phone: str, purpose: str = "join", address: str | None = None, device: str | None = None
) -> None:
    """Send a 6-digit code to ``phone``, within the limits (``settings.RATE_LIMITS``) per phone,
    per requesting address and per device; over any of them raises
    :class:`gonghui.core.ratelimit.RateLimited` and nothing is sent."""
    phone = clean_phone(phone)
    ratelimit.hit_all([("code_phone", phone), ("code_address", address), ("code_device", device)])
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=crypto.code_hash(phone, purpose, code),
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    text = str(_("【工会】您的验证码是%(code)s，10分钟内有效。请勿告诉他人。") % {"code": code})
    sms.get_backend().send(sms.SmsMessage(phone=phone, text=text, code=code))


def _code_verified(*, phone: str, code: str, purpose: str, spent_for: str = "") -> int | None:
    """The id of the phone's latest code if ``code`` is it and it is unexpired and unspent;
    ``None`` if it is the right code already spent by the join of ``spent_for`` (that join
    re-submitted); otherwise a field error on ``code``. A wrong guess counts (and is committed)
    even though the caller goes no further."""
    with transaction.atomic():
        latest = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None or latest.expires_at <= timezone.now():
            raise ValidationError({"code": _("验证码已过期，请重新获取。")})
        resubmitted = bool(spent_for) and latest.used_for == spent_for
        if latest.attempts >= CODE_MAX_ATTEMPTS or (latest.used_at and not resubmitted):
            raise ValidationError({"code": _("验证码已失效，请重新获取。")})
        failed = not secrets.compare_digest(
            latest.code_hash, crypto.code_hash(phone, purpose, code or "")
        )
        if failed:
            PhoneCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
    if failed:
        raise ValidationError({"code": _("验证码不正确。")})
    return None if latest.used_at else latest.pk


def _code_spend(code_id: int, *, used_for: str = "") -> None:
    # One conditional UPDATE: of two requests carrying the same code, the second waits for the
    # first's row lock and then finds the code spent.
    spent = PhoneCode.objects.filter(pk=code_id, used_at__isnull=True).update(
        used_at=timezone.now(), used_for=used_for
    )
    if not spent:
        raise ValidationError({"code": _("验证码已失效，请重新获取。")})


def _code_spend_if_valid(*, phone: str, code: str, purpose: str, used_for: str) -> bool:
    latest = (
        PhoneCode.objects.filter(phone=phone, purpose=purpose)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    now = timezone.now()
    spent = PhoneCode.objects.filter(
        pk=Subquery(latest),
        code_hash=crypto.code_hash(phone, purpose, code or ""),
        expires_at__gt=now,
        attempts__lt=CODE_MAX_ATTEMPTS,
        used_at__isnull=True,
    ).update(used_at=now, used_for=used_for)
    return bool(spent)


def phone_code_check(*, phone: str, code: str, purpose: str = "login") -> None:
    """Check ``code`` against the phone's latest code and spend it: a code proves the phone
    once."""
    phone = clean_phone(phone)
    code_id = _code_verified(phone=phone, code=code, purpose=purpose)
    if code_id is not None:
        _code_spend(code_id)


def is_already_member(exc: ValidationError) -> bool:
    errors = getattr(exc, "error_dict", {}).get("id_card", [])
    return any(error.code == "already_member" for error in errors)


def member_join_online(*, union: Organization, phone: str, code: str, **fields) -> JoinResult:
    """The public join: ``code`` proves ``phone``, and is spent by this one join, in the same
    transaction (a join with another ID number, even in parallel, is refused; a join refused
    for a field error gives the code back; the same join re-submitted, a double tap, answers
    as the first did). An ID number that already has a record answers
    :func:`already_member_error` unless the record's phone is the one just proved, and that
    refusal spends the code too, so every probe of an ID number costs a fresh code."""
    number = clean_id_card(fields.get("id_card", ""))
    phone = clean_phone(phone)
    number_hash = crypto.id_hash(number)
    for _attempt in range(2):
        refusal = result = None
        with transaction.atomic():
            # The code check is one conditional UPDATE that spends the phone's latest code if
            # it is this one, unexpired, unspent and not worn out; a parallel request with the
            # same code waits for this row lock and then finds it spent.
            if _code_spend_if_valid(phone=phone, code=code, purpose="join", used_for=number_hash):
                try:
                    result = member_join(
                        actor=None, union=union, phone=phone, channel=JoinChannel.ONLINE, **fields
                    )
                except ValidationError as exc:
                    if not is_already_member(exc):
                        raise
                    refusal = exc
        if refusal is not None:
            raise refusal
        if result is not None:
            return result
        # Not spendable: say why (a wrong guess counts), or recognise the same join re-submitted.
        code_id = _code_verified(phone=phone, code=code, purpose="join", spent_for=number_hash)
        if code_id is None:
            existing = find_member_by_id_card(number)
            if existing is None:
                raise ValidationError({"code": _("验证码已失效，请重新获取。")})
            if existing.phone != phone:
                raise already_member_error()
            return JoinResult(existing, False)
        # The code became spendable in between (a parallel join with it rolled back): again.
    raise ValidationError({"code": _("验证码已失效，请重新获取。")})


def worker_account_for_phone(*, phone: str, member: Member | None = None):
    """The worker account signed in by this phone (whose ownership the caller has just checked
    with a code), created on first sign-in and linked to ``member`` or else to the newest
    member record with that phone."""
    from gonghui.accounts.models import User
    from gonghui.accounts.services import user_create

    phone = clean_phone(phone)
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = user_create(actor=SYSTEM, username=phone, password=None, role="worker", phone=phone)
    if member is not None and member.account_id is None and member.phone == phone:
        Member.objects.filter(account=user).update(account=None)
        Member.objects.filter(pk=member.pk).update(account=user)
    elif not Member.objects.filter(account=user).exists():
        member = Member.objects.filter(phone=phone, account__isnull=True).order_by("-id").first()
        if member is not None:
            Member.objects.filter(pk=member.pk).update(account=user)
    return user


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
