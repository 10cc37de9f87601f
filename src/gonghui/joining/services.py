"""What a worker does on their own phone: the one-click online join (the SMS code proves the
phone and is spent by the join), the worker account a proved phone signs in to, and the
worker's own real-name profile. The join every channel shares, ``member_join``, and the
officer's edit, ``member_update``, are in ``members``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.accounts.services import user_create
from gonghui.core import audit, figures
from gonghui.core.models import AuditAction
from gonghui.core.scoping import SYSTEM
from gonghui.members import crypto
from gonghui.members import rows as member_rows
from gonghui.members.choices import JoinChannel, MemberStatus
from gonghui.members.joining import (
    JoinResult,
    already_member_error,
    member_join,
    new_member,
)
from gonghui.members.models import Member
from gonghui.members.rules import (
    PROFILE_FIELDS,
    active_union,
    clean_id_card,
    clean_phone,
    find_member_by_id_card,
    join_policy,
    union_gone_error,
)
from gonghui.organizations.models import Organization

from . import rows
from .phonecodes import CODE_MAX_ATTEMPTS, code_spend_if_valid, code_verified

# The unions online joins go to, as last read, by id (PostgreSQL). A copy is never trusted: the
# one statement writes only if the union's row is still what the copy says (active, the same
# path, region code and name, taking joins, approving them the same way); otherwise the union is
# read again and the general path answers. Read-only: never changed, only replaced.
_UNIONS: dict[int, Organization] = {}
UNIONS_KEPT = 1000


def union_for_join(union_id: int) -> Organization:
    """The active union ``union_id`` with its join policy, or the ``union_id`` field error. On
    PostgreSQL a copy read by an earlier join may answer (the join statement checks it)."""
    if member_rows.is_postgres():
        union = _UNIONS.get(union_id)
        if union is not None:
            return union
    return _read_union(union_id)


def _read_union(union_id: int) -> Organization:
    union = active_union(union_id)
    if union is None:
        _UNIONS.pop(union_id, None)
        raise union_gone_error("union_id")
    if member_rows.is_postgres():
        if len(_UNIONS) >= UNIONS_KEPT:
            _UNIONS.clear()
        _UNIONS[union_id] = union
    return union


def _join_new_in_one_statement(
    *,
    union: Organization,
    phone: str,
    code: str,
    number: str,
    number_hash: str,
    fields: dict,
    today,
) -> JoinResult | None:
    """The common online join, a new person with a right code, as one SQL statement in its own
    implicit transaction (PostgreSQL): the code checked and locked, the record inserted ON
    CONFLICT on the ID hash, the code spent only if the record went in, the history, audit and
    figure rows with it. ``None`` for anything else (a wrong or spent code, a record with this
    ID number, a field error, a union not taking joins): the general path answers those,
    exactly as before, and nothing of this attempt was written."""
    if not member_rows.is_postgres():
        return None
    policy = join_policy(union)
    if not union.is_active or not policy.accepts_joins:
        return None
    fields = {"joined_on": today, **{k: v for k, v in fields.items() if k != "id_card"}}
    try:
        member = new_member(
            union=union, number=number, number_hash=number_hash, phone=phone,
            channel=JoinChannel.ONLINE, approved=policy.auto_approve, **fields,
        )  # fmt: skip
    except (ValidationError, TypeError):
        return None
    path = union.path
    figure_rows = [(path, "m.joined", today, 1)]
    figure_rows += [(p, metric, day, 1) for p, metric, day in figures.member_key(member, path)]
    inserted = rows.member_join_statement(
        member,
        code=rows.CodeCheck(
            phone=phone,
            purpose="join",
            code_hash=crypto.code_hash(phone, "join", code or ""),
            max_attempts=CODE_MAX_ATTEMPTS,
            used_for=number_hash,
        ),
        org_path=path,
        changes=audit.created_changes(member),
        repr_prefix=audit.mask_text(f"{member.name}（"),
        figure_rows=figure_rows,
        auto_approve=policy.auto_approve,
    )
    return JoinResult(member, True) if inserted else None


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
    today = timezone.localdate()
    number = clean_id_card(fields.get("id_card", ""), today=today)
    phone = clean_phone(phone)
    number_hash = crypto.id_hash(number)
    fast = _join_new_in_one_statement(
        union=union, phone=phone, code=code, number=number, number_hash=number_hash,
        fields=fields, today=today,
    )  # fmt: skip
    if fast is not None:
        return fast
    if member_rows.is_postgres():
        # The statement wrote nothing. Most often this is the same join re-submitted (a double
        # tap), whose code it spent: answered here as the first was, in one read of the code.
        # A wrong, worn-out or spent code is refused here too (a wrong guess counts).
        if code_verified(phone=phone, code=code, purpose="join", spent_for=number_hash) is None:
            return _join_resubmitted(number, phone)
        # The statement may have refused a union that changed since it was read: read it again.
        union = _read_union(union.pk)
    for _attempt in range(2):
        refusal = result = None
        with transaction.atomic():
            # The code check is one conditional UPDATE that spends the phone's latest code if
            # it is this one, unexpired, unspent and not worn out; a parallel request with the
            # same code waits for this row lock and then finds it spent.
            if code_spend_if_valid(phone=phone, code=code, purpose="join", used_for=number_hash):
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
        code_id = code_verified(phone=phone, code=code, purpose="join", spent_for=number_hash)
        if code_id is None:
            return _join_resubmitted(number, phone)
        # The code became spendable in between (a parallel join with it rolled back): again.
    raise ValidationError({"code": _("验证码已失效，请重新获取。")})


def _join_resubmitted(number: str, phone: str) -> JoinResult:
    """The answer to a join whose code its first submission spent: the record it made."""
    existing = find_member_by_id_card(number)
    if existing is None:
        raise ValidationError({"code": _("验证码已失效，请重新获取。")})
    if existing.phone != phone:
        raise already_member_error()
    return JoinResult(existing, False)


def worker_account_for_phone(*, phone: str, member: Member | None = None):
    """The worker account signed in by this phone (whose ownership the caller has just checked
    with a code), created on first sign-in and linked to ``member`` or else to the newest
    member record with that phone."""
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


OWN_FIELDS = ("work_place", *PROFILE_FIELDS)


@transaction.atomic
def member_profile_update_own(*, actor, member: Member, **fields) -> Member:
    """The signed-in worker's own record only (anyone else: 404); name, phone, union and
    employer stay with the officers."""
    if member.account_id is None or member.account_id != getattr(actor, "pk", None):
        raise Http404
    unknown = set(fields) - set(OWN_FIELDS)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if member.status == MemberStatus.MERGED:
        raise Http404
    before = audit.snapshot(member)
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    changes = audit.diff(before, audit.snapshot(member))
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=member, org_path=member.union.path,
            changes=changes,
        )  # fmt: skip
        figures.member_written(before, member)
    return member
