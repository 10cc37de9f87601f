"""Joining a union: the join every channel shares (online, an officer's enrolment, an import),
and coming back after leaving. One person, one record, even for parallel joins: the
INSERT ... ON CONFLICT on the ID hash settles them. The worker's own online join (the SMS code
that proves the phone and is spent by the join) is ``gonghui.joining.services``."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, require_in_scope
from gonghui.core.validators import id_card_birth_date, id_card_gender, mask_id_card
from gonghui.organizations.models import Organization

from . import crypto, rows
from .choices import HOLDING_STATUSES, EventKind, JoinChannel, MemberStatus, OccupationGroup
from .models import Member
from .rules import (
    PROFILE_FIELDS,
    audit_member,
    check_accepts_joins,
    clean_id_card,
    clean_phone,
    find_member_by_id_card,
    history_event,
    join_policy,
)


@dataclass
class JoinResult:
    member: Member
    created: bool


# What a join may carry besides the identity: where the worker lives and works, and the
# real-name profile (all optional).
LOCATION_FIELDS = ("home_latitude", "home_longitude", "work_latitude", "work_longitude")
JOIN_EXTRA_FIELDS = frozenset((*LOCATION_FIELDS, *PROFILE_FIELDS))


def _check_join_fields(name: str, extra: dict) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名。")})
    unknown = set(extra) - JOIN_EXTRA_FIELDS
    if unknown:
        raise ValidationError({field: [_("未知字段。")] for field in sorted(unknown)})
    return name


# The fields new_member sets from its arguments (besides the optional ``extra`` ones): the only
# ones whose values can be wrong. The union is given, the encrypted ID and its hash are
# derived, the number is drawn by the INSERT, the rest keep their model defaults.
CHECKED_FIELDS = frozenset(
    (
        "name", "id_card_masked", "phone", "gender", "birth_date", "employer_name",
        "work_place", "occupation_group", "joined_on", "status", "channel",
    )
)  # fmt: skip


@functools.cache
def _all_fields() -> frozenset[str]:
    return frozenset(f.name for f in Member._meta.fields)


@functools.lru_cache(maxsize=256)
def _unchecked_fields(extra_names: frozenset[str]) -> frozenset[str]:
    return _all_fields() - CHECKED_FIELDS - extra_names


@functools.cache
def _member_fields() -> tuple:
    return tuple(Member._meta.concrete_fields)


def _member_from(values: dict) -> Member:
    """``Member(**values)`` (``values`` by attribute name: ``union_id``, not ``union``) with every
    field passed in order: Django's quick path, which takes no default it is not asked for, so
    the rest are the model's defaults, made here as Django would make them."""
    return Member(
        *[values[f.attname] if f.attname in values else f.get_default() for f in _member_fields()]
    )


def new_member(
    *,
    union: Organization,
    number: str,
    number_hash: str,
    phone: str,
    channel: str,
    approved: bool,
    name: str,
    occupation_group: str = OccupationGroup.OTHER,
    employer_name: str = "",
    work_place: str = "",
    joined_on: datetime.date | None = None,
    **extra,
) -> Member:
    """The unsaved record, every field validated (field errors as the model words them); the
    online join's one-statement path inserts it itself."""
    name = _check_join_fields(name, extra)
    member = _member_from(
        {
            "union_id": union.pk,
            "name": name,
            "id_card_encrypted": crypto.encrypt_id(number),
            "id_card_hash": number_hash,
            "id_card_masked": mask_id_card(number),
            "phone": phone,
            "gender": id_card_gender(number),
            "birth_date": id_card_birth_date(number),
            "employer_name": (employer_name or "").strip(),
            "work_place": (work_place or "").strip(),
            "occupation_group": occupation_group,
            "joined_on": joined_on or timezone.localdate(),
            "status": MemberStatus.ACTIVE if approved else MemberStatus.APPLIED,
            "channel": channel,
            **{field: value for field, value in extra.items() if value is not None},
        }
    )
    member.union = union
    try:
        # What the caller gave is checked, and the ID columns derived from it; the union is
        # given, the number drawn by the INSERT, every other field still its model default.
        # full_clean() less its checks of uniqueness and constraints, which here would check
        # nothing: every unique field is drawn or derived (unchecked) and the model has no
        # constraints (a test holds both).
        member.clean_fields(exclude=_unchecked_fields(frozenset(extra)))
        member.clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    return member


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
    **extra,
) -> JoinResult:
    """Join ``union`` (or come back to it). Idempotent on the ID number: the same person joining
    twice, even in two parallel requests, gets the one existing record. Online (the worker
    alone, ``actor=None``), that holds only when ``phone`` is the record's phone; anyone else
    gets :func:`already_member_error`, which names nothing. An officer enrolling a person who is
    a member elsewhere gets a field error naming that union (they need a transfer). ``extra``:
    the locations and the real-name profile fields (``rules.PROFILE_FIELDS``), all optional."""
    number = clean_id_card(id_card)
    phone = clean_phone(phone)
    name = _check_join_fields(name, extra)
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
    member = new_member(
        union=union, number=number, number_hash=crypto.id_hash(number), name=name, phone=phone,
        occupation_group=occupation_group, employer_name=employer_name, work_place=work_place,
        channel=channel, approved=channel != JoinChannel.ONLINE or policy.auto_approve,
        joined_on=joined_on, **extra,
    )  # fmt: skip
    # One transaction, no savepoint: the INSERT ... ON CONFLICT on the ID hash (which draws the
    # member number inside it) settles a parallel join of the same person without an error,
    # and the history and audit rows commit with the record.
    with transaction.atomic(savepoint=False):
        inserted = rows.member_insert(member)
        if inserted:
            # The history and audit rows in one statement (one round trip on PostgreSQL).
            rows.insert_objects(
                [
                    history_event(member, EventKind.JOIN, actor=actor, before=""),
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
    # A merged duplicate's person lives on in the record it was merged into: it never comes back.
    if member.status in (MemberStatus.DECEASED, MemberStatus.MERGED):
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
        history_event(
            member,
            EventKind.REINSTATED,
            actor=actor,
            other_union=previous_union if previous_union.pk != union.pk else None,
            before=previous_status,
        ).save()
        audit_member(actor, AuditAction.UPDATE, member, before)
    return member


def member_enrol(*, actor, union: Organization, **fields) -> Member:
    """An officer enrols a worker at a site: active at once, in the officer's subtree only."""
    require_in_scope(actor, union.path, Action.CHANGE)
    result = member_join(actor=actor, union=union, channel=JoinChannel.OFFICER, **fields)
    return result.member
