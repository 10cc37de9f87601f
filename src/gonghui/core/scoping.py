"""The one place that decides what a user may see and change.

A user's scope is a set of materialized-path prefixes: an officer bound to an org sees that org's
subtree, nothing else; an officer holding roles on several orgs (兼任制, ``accounts.RoleGrant``)
sees the union of those subtrees. Every scoped model names the lookup from itself to an org path
(``scope_path_lookup``), so "everything under my orgs" is one indexed prefix filter per root.
Views, API endpoints, forms and selectors all call :meth:`ScopedQuerySet.visible_to`; an object
outside the scope is indistinguishable from one that does not exist (404), as Zulip does for
streams.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import models
from django.http import Http404


class Action(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"
    # Creating, editing and disabling officer accounts; held through the account-manager grant.
    MANAGE_ACCOUNTS = "manage_accounts"


def _roots(paths) -> tuple[str, ...]:
    """Sorted, without any path that lies inside another one (its subtree is already covered)."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return tuple(roots)


@dataclass(frozen=True, init=False)
class Scope:
    """Everything, nothing, or the subtrees below one or more org paths."""

    everything: bool
    paths: tuple[str, ...]

    def __init__(self, everything: bool = False, path: str | None = None, paths=()):
        object.__setattr__(self, "everything", everything)
        object.__setattr__(self, "paths", _roots([*paths, *([path] if path else [])]))

    @property
    def path(self) -> str | None:
        """The root of a single-root scope; None for nothing, everything or several roots.

        Code that needs "the user's org" reads this and so stays closed (sees nothing) for a
        several-root scope instead of silently picking one of the roots."""
        return self.paths[0] if len(self.paths) == 1 else None

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.paths

    def covers(self, path: str | None) -> bool:
        if self.everything:
            return True
        if not path:
            return False
        return any(path.startswith(root) for root in self.paths)

    def q(self, lookup: str) -> models.Q:
        """The filter for ``lookup`` (a path field) inside this scope: one prefix test per root."""
        if self.everything:
            return models.Q()
        if not self.paths:
            return models.Q(pk__in=[])
        condition = models.Q()
        for root in self.paths:
            condition |= models.Q(**{f"{lookup}__subtree_of": root})
        return condition


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
    if user is SYSTEM:
        return EVERYTHING
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or getattr(user, "has_full_scope", False):
        return EVERYTHING
    # The account says which subtrees it reaches (its primary role and its grants); core knows
    # no domain app, so it asks the user object.
    scope_paths = getattr(user, "scope_paths", None)
    if scope_paths is None:
        return NOTHING
    return Scope(paths=scope_paths(action))


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: Action = Action.VIEW) -> ScopedQuerySet:
        scope = scope_for(user, action)
        if scope.everything:
            return self
        if scope.is_empty:
            return self.none()
        return self.filter(scope.q(self.model.scope_path_lookup))


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
