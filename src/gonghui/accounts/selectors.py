"""Reads for account management: the accounts and orgs inside the account-manager scope."""

from django.http import Http404

from gonghui.core.scoping import Action, scope_for
from gonghui.organizations.models import Organization

from .choices import Role
from .models import RoleGrant, User


def manage_scope(user):
    return scope_for(user, Action.MANAGE_ACCOUNTS)


def may_manage_accounts(user) -> bool:
    return user.is_authenticated and not manage_scope(user).is_empty


def managed_accounts(*, user):
    """Officer and auditor accounts whose primary org lies in the user's account-manager scope."""
    scope = manage_scope(user)
    if scope.is_empty:
        return User.objects.none()
    accounts = User.objects.exclude(role=Role.WORKER).select_related("organization")
    if not scope.everything:
        accounts = accounts.filter(scope.q("organization__path"))
    return accounts.order_by("organization__path", "username")


def managed_account_get(*, user, pk) -> User:
    try:
        return managed_accounts(user=user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def account_grants(*, account):
    return RoleGrant.objects.filter(user=account).select_related("organization").order_by("id")


def managed_grant_get(*, user, account, grant_id) -> RoleGrant:
    try:
        grant = account_grants(account=account).get(pk=grant_id)
    except (RoleGrant.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not manage_scope(user).covers(grant.organization.path):
        raise Http404
    return grant


def manage_org_options(*, user):
    """Active orgs the user may create accounts and grant roles on (the org picker's
    ``manage_accounts`` purpose offers the same set)."""
    return Organization.objects.visible_to(user, Action.MANAGE_ACCOUNTS).active()


def is_locked_out(account) -> bool:
    from axes.models import AccessAttempt
    from django.conf import settings

    return AccessAttempt.objects.filter(
        username=account.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
