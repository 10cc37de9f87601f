"""Ids in an API payload, resolved in the caller's scope: a row they may not see is the same
field error as a row that does not exist, and nothing is written."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core.scoping import Action, get_visible_or_404


def resolve(model_or_qs, user, pk, field: str, action: Action = Action.VIEW):
    """The row ``pk`` of a model or queryset if the caller may see it; otherwise a field error.
    ``None`` stays ``None`` (an optional id)."""
    if pk is None:
        return None
    queryset = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    try:
        return get_visible_or_404(queryset, user, action, pk=pk)
    except Http404:
        raise ValidationError({field: _("不存在或不在您的管辖范围内。")}) from None


def resolve_org(user, pk, field: str = "org_id"):
    """An org the caller may write for."""
    return resolve(apps.get_model("organizations", "Organization"), user, pk, field, Action.CHANGE)


def resolve_enterprise(user, pk, field: str = "enterprise_id"):
    """An enterprise the caller may see (its street union loaded, for the write's scope check)."""
    enterprises = apps.get_model("enterprises", "Enterprise").objects.select_related("street_org")
    return resolve(enterprises, user, pk, field)
