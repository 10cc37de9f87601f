"""The one place that decides what a user may see and change.

A user's scope is a materialized-path prefix: an officer bound to an org sees that org's subtree,
nothing else. Every scoped model names the lookup from itself to an org path
(``scope_path_lookup``), so "everything under my org" is one indexed prefix filter. Views, API
endpoints, forms and selectors all call :meth:`ScopedQuerySet.visible_to`; an object outside the
scope is indistinguishable from one that does not exist (404), as Zulip does for streams.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import models
from django.http import Http404


class Action(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"


@dataclass(frozen=True)
class Scope:
    """Everything, nothing, or the subtree below one org path."""

    everything: bool = False
    path: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.everything and self.path is None

    def covers(self, path: str | None) -> bool:
        if self.everything:
            return True
        if self.path is None or path is None:
            return False
        return path.startswith(self.path)


class SystemActor:
    """The actor for work nobody clicked: demo loading, scheduled tasks, migrations.

    Explicit rather than ``None`` so that a missing user can never be mistaken for the system.
    """

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    role = "system"

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()

NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_for(user, action: Action = Action.VIEW) -> Scope:
    from gonghui.accounts.choices import OFFICER_ROLES, Role

    if user is SYSTEM:
        return EVERYTHING
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == Role.SUPERUSER:
        return EVERYTHING
    if user.organization_id is None:
        return NOTHING
    if user.role in OFFICER_ROLES:
        return Scope(path=user.organization.path)
    if user.role == Role.AUDITOR and action == Action.VIEW:
        return Scope(path=user.organization.path)
    # Workers have no officer scope: their own records are read through their own selectors.
    return NOTHING


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: Action = Action.VIEW) -> ScopedQuerySet:
        scope = scope_for(user, action)
        if scope.everything:
            return self
        if scope.path is None:
            return self.none()
        lookup = self.model.scope_path_lookup
        return self.filter(**{f"{lookup}__subtree_of": scope.path})


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def get_visible_or_404(queryset, user, action: Action = Action.VIEW, **lookups):
    """Fetch one object in the user's scope; out of scope and missing are the same 404."""
    try:
        return queryset.visible_to(user, action).get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def require_in_scope(user, path: str, action: Action = Action.CHANGE) -> None:
    """Refuse a write whose target org path lies outside the user's scope (as a 404)."""
    if not scope_for(user, action).covers(path):
        raise Http404
