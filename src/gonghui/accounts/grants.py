"""Which org subtrees an account reaches, per action: its primary role plus its grants.

``core.scoping.scope_for`` asks here. An account without grants (``has_grants`` off) is answered
from its own fields with no query, so pages kept their query budgets; one with grants costs one
query per request (the result is kept on the user object, which lives for one request).
"""

from __future__ import annotations

from .choices import GRANT_ACTIONS, GrantRole, primary_grant_role

_CACHE = "_gonghui_grants"


def grants_of(user) -> list[tuple[str, str, bool]]:
    """(role, org path, requires second factor) for every grant the account holds, the primary
    one (``User.role`` on ``User.organization``) first."""
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    rows: list[tuple[str, str, bool]] = []
    primary = primary_grant_role(user.role)
    if primary is not None and user.organization_id is not None:
        rows.append((primary, user.organization.path, user.requires_second_factor))
    if user.has_grants and user.pk is not None:
        from .models import RoleGrant

        rows.extend(
            RoleGrant.objects.filter(user_id=user.pk).values_list(
                "role", "organization__path", "requires_second_factor"
            )
        )
    setattr(user, _CACHE, rows)
    return rows


def forget(user) -> None:
    """Drop the kept grants after they changed (services call this on the instance they hold)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)
    if hasattr(user, "_gonghui_totp"):
        delattr(user, "_gonghui_totp")


def _has_second_factor(user) -> bool:
    cached = getattr(user, "_gonghui_totp", None)
    if cached is None:
        from .totp import requires_totp

        cached = requires_totp(user)
        user._gonghui_totp = cached
    return cached


def granted_paths(user, action: str) -> list[str]:
    """The roots of the account's scope for ``action``. A grant that requires a second factor
    counts only once the account has a confirmed authenticator (the login then asked for it)."""
    paths = []
    for role, path, needs_second_factor in grants_of(user):
        if action not in GRANT_ACTIONS[role]:
            continue
        if needs_second_factor and not _has_second_factor(user):
            continue
        paths.append(path)
    return paths


def holds(user, role: str, path: str) -> bool:
    """Whether the account holds ``role`` (or, for the auditor's reading, any role that reads)
    on an org whose subtree contains ``path``: nobody grants more than they hold."""
    if user.is_superuser or getattr(user, "has_full_scope", False):
        return True
    for held, root, needs_second_factor in grants_of(user):
        if needs_second_factor and not _has_second_factor(user):
            continue
        if not path.startswith(root):
            continue
        if held == role or (role == GrantRole.AUDITOR and "view" in GRANT_ACTIONS[held]):
            return True
    return False
