"""Small pieces every domain service repeats: the audit row of a write, refusing fields a caller
may not set, ``full_clean`` as a field-keyed error, and "an org or enterprise in the actor's
scope" as a field error (missing and out of scope read the same)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, scope_for


def record_change(actor, action, instance, org_path: str, before: dict) -> None:
    """The audit row of a write; an update that changed nothing writes none."""
    changes = audit.diff(before, audit.snapshot(instance))
    if changes or action != AuditAction.UPDATE:
        audit.record(
            actor=actor, action=action, instance=instance, org_path=org_path, changes=changes
        )


def reject_unknown(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in sorted(unknown)})


def full_clean(instance, exclude=None, validate_constraints=True) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def check_org(actor, org, field: str = "org_id"):
    """An org the actor may write for; missing or out of scope is the same field error."""
    if org is None or not scope_for(actor, Action.CHANGE).covers(org.path):
        raise ValidationError({field: _("工会组织不存在或不在您的管辖范围内。")})
    if not org.is_active:
        raise ValidationError({field: _("该工会已撤销。")})
    return org


def check_enterprise(actor, enterprise, field: str = "enterprise_id"):
    """An enterprise whose street (park) union the actor may write for."""
    if enterprise is None or not scope_for(actor, Action.CHANGE).covers(enterprise.street_org.path):
        raise ValidationError({field: _("企业不存在或不在您的管辖范围内。")})
    return enterprise
