"""What every membership write shares: cleaning an ID number and a phone, a union's join
policy, and the history, audit and figure rows a write leaves (in the caller's transaction)."""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit, figures
from gonghui.core.validators import (
    id_card_birth_date,
    id_card_error,
    is_valid_mobile,
    normalize_id_card,
)
from gonghui.organizations.models import Organization

from . import crypto, rows
from .models import Member, MemberEvent, UnionJoinPolicy

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


@functools.cache
def _active_union_query(vendor: str):
    """The SQL of ``active().select_related("join_policy")`` for one union id, compiled by the
    ORM once per process (the compiling, not the query, was most of a join's lookup), with
    where its parameter goes and how its columns split between the union and the policy."""
    marker = -918_273_645  # a pk no row has: finds the id's place among the parameters
    query = Organization.objects.active().select_related("join_policy").filter(pk=marker).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    params = list(params)
    slot = params.index(marker)
    info = compiler.klass_info
    (related,) = info["related_klass_infos"]

    def layout(klass_info):
        fields = klass_info["select_fields"]
        return (
            klass_info["model"],
            fields[0],
            fields[-1] + 1,
            [compiler.select[i][0].target.attname for i in fields],
        )

    return sql, params, slot, layout(info), layout(related), related


def union_gone_error(field: str) -> ValidationError:
    return ValidationError({field: _("工会不存在或已撤销。")})


def active_union(union_id: int) -> Organization | None:
    """The union ``union_id`` if it is active, its join policy read with it (one query, the
    same one ``Organization.objects.active().select_related("join_policy")`` sends), else
    ``None``."""
    low, high = connection.ops.integer_field_range(Organization._meta.pk.get_internal_type())
    if not low <= union_id <= high:
        return None  # as the ORM answers an id no column can hold: no row
    sql, params, slot, union_layout, policy_layout, related = _active_union_query(connection.vendor)
    params = [*params]
    params[slot] = union_id
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    model, start, end, names = union_layout
    union = model.from_db(connection.alias, names, row[start:end])
    model, start, end, names = policy_layout
    values = row[start:end]
    policy = (
        None
        if values[names.index(model._meta.pk.attname)] is None
        else model.from_db(connection.alias, names, values)
    )
    related["local_setter"](union, policy)
    if policy is not None:
        related["remote_setter"](policy, union)
    return union


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


def history_event(
    member, kind, *, actor, union=None, other_union=None, reason="", note="", before=""
):
    """The unsaved history row of a change, its figure delta (a join, a leaving) written."""
    figures.member_event(kind, (union or member.union).path)
    return event_build(
        member, kind, actor=actor, union=union, other_union=other_union, reason=reason,
        note=note, before=before,
    )  # fmt: skip


def event_build(
    member, kind, *, actor, union=None, other_union=None, reason="", note="", before=""
):
    """The unsaved history row of a change, nothing written."""
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


def audit_member(actor, action, member, before: dict, org_path: str | None = None):
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
