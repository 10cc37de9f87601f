from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from gonghui.core.scoping import Action, get_visible_or_404, scope_for
from gonghui.core.text import search_key

from .choices import OrgLevel
from .models import Organization


def org_list(
    *,
    user,
    level: str | None = None,
    org_type: str | None = None,
    parent_id: int | None = None,
    q: str | None = None,
    include_dissolved: bool = True,
):
    orgs = Organization.objects.visible_to(user).select_related("parent")
    if level:
        orgs = orgs.filter(level=level)
    if org_type:
        orgs = orgs.filter(org_type=org_type)
    if parent_id is not None:
        orgs = orgs.filter(parent_id=parent_id)
    if q:
        for word in search_key(q).split():
            orgs = orgs.filter(search_text__contains=word)
    if not include_dissolved:
        orgs = orgs.active()
    return orgs.order_by("path")


def org_get(*, user, org_id, action: Action = Action.VIEW) -> Organization:
    return get_visible_or_404(
        Organization.objects.select_related("parent"), user, action, pk=org_id
    )


def org_for_field(
    *, user, org_id, field: str, action: Action = Action.CHANGE, active=False, message=None
) -> Organization:
    """The org a write or filter names in ``field``; a missing one and one outside the user's
    scope are the same field error (an API body or a form field, not a 404 for the whole call)."""
    organizations = Organization.objects.active() if active else Organization.objects
    try:
        return get_visible_or_404(organizations.select_related("parent"), user, action, pk=org_id)
    except Http404:
        raise ValidationError({field: message or _("工会不存在或不在您的管辖范围内。")}) from None


def org_roots_for(*, user):
    """The tops of the tree a user browses: their own orgs (several for an officer holding roles
    in several unions), or the real roots for superusers."""
    scope = scope_for(user)
    if scope.everything:
        return Organization.objects.filter(parent__isnull=True).order_by("path")
    return Organization.objects.filter(path__in=scope.paths).order_by("path")


def org_children(*, user, org: Organization):
    return (
        Organization.objects.visible_to(user)
        .filter(parent=org)
        .annotate(child_count=Count("children"))
        .order_by("path")
    )


def org_subtree_counts(*, org: Organization) -> dict:
    """Counts below an org (itself excluded), by level, with active and dissolved totals."""
    below = Organization.objects.filter(path__subtree_of=org.path).exclude(pk=org.pk)
    counted = dict(below.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    by_level = [
        (level, label, counted[level]) for level, label in OrgLevel.choices if level in counted
    ]
    totals = below.aggregate(
        total=Count("id"), dissolved=Count("id", filter=Q(dissolved_on__isnull=False))
    )
    return {"by_level": by_level, **totals}


def org_breadcrumbs(*, user, org: Organization) -> list[Organization]:
    scope = scope_for(user)
    return [a for a in org.ancestors() if scope.covers(a.path)]


def org_options(*, user, action: Action = Action.CHANGE):
    """Orgs a user may organise things for (their subtree), for form choices."""
    return Organization.objects.visible_to(user, action).active().order_by("path")


def scope_root(*, user, org_id=None) -> Organization | None:
    """The top of what a user sees (or the given org in their scope), for figures of a subtree."""
    if org_id:
        return get_visible_or_404(Organization.objects.all(), user, Action.VIEW, pk=org_id)
    scope = scope_for(user)
    if scope.everything:
        return Organization.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.is_empty:
        return None
    # Several roots (兼任制): the first one; the others are reached by passing their id.
    return Organization.objects.filter(path=scope.paths[0]).first()
