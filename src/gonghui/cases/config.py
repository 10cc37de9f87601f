"""Writes to what the province configures for everyone below it: the case types with their
questions, and the holiday / make-up-day calendar the working-day deadlines count with."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.choices import Role
from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, scope_for

from .models import CaseType, Holiday
from .services import audit_write

CASE_TYPE_FIELDS = (
    "name",
    "description",
    "handling_level",
    "ack_days",
    "resolve_days",
    "form_fields",
    "is_active",
    "sort_order",
)


def can_configure(actor) -> bool:
    if scope_for(actor, Action.CHANGE).everything:
        return True
    return getattr(actor, "role", None) in (Role.PROVINCE_OFFICER, Role.NATIONAL_OFFICER)


@transaction.atomic
def case_type_save(*, actor, case_type: CaseType | None = None, **fields) -> CaseType:
    """Create or change a case type (province officers and above: the types are shared)."""
    if not can_configure(actor):
        raise Http404
    unknown = set(fields) - {*CASE_TYPE_FIELDS, "code"}
    if unknown or (case_type is not None and "code" in fields):
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})
    creating = case_type is None
    if creating:
        case_type = CaseType()
    else:
        case_type = CaseType.objects.select_for_update().get(pk=case_type.pk)
    before = {} if creating else audit.snapshot(case_type)
    for name, value in fields.items():
        setattr(case_type, name, value)
    case_type.full_clean()
    if case_type.resolve_days < case_type.ack_days:
        raise ValidationError({"resolve_days": _("办结时限不能短于受理时限。")})
    case_type.save()
    audit_write(
        actor, AuditAction.CREATE if creating else AuditAction.UPDATE, case_type, "", before
    )
    return case_type


@transaction.atomic
def holiday_set(*, actor, date: datetime.date, kind: str | None, name: str = "") -> Holiday | None:
    """Declare a day a holiday or a make-up workday (``kind=None`` removes the exception).
    Deadlines already set keep their dates; new ones count with the change."""
    if not can_configure(actor):
        raise Http404
    row = Holiday.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(row) if row else {}
    if kind is None:
        if row is not None:
            audit.record(
                actor=actor, action=AuditAction.DELETE, instance=row, org_path="",
                changes=audit.diff(before, {}),
            )  # fmt: skip
            row.delete()
        return None
    row = row or Holiday(date=date)
    row.kind = kind
    row.name = (name or "").strip()[:40]
    row.full_clean(validate_unique=False)
    row.save()
    audit_write(actor, AuditAction.UPDATE if before else AuditAction.CREATE, row, "", before)
    return row
