import datetime
import secrets

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.models import AuditAction
from gonghui.core.scoping import Action, scope_for

from .choices import GrantRole, Role, officer_role_for_level
from .grants import forget, grants_of, holds
from .models import ApiToken, User, hash_token

TOKEN_LIFETIME = datetime.timedelta(days=30)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str,
    organization=None,
    display_name: str = "",
    phone: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        role=role,
        organization=organization,
        display_name=display_name,
        phone=phone,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=user,
        org_path=organization.path if organization else "",
        changes=audit.diff({}, audit.snapshot(user)),
    )
    return user


class SecondFactorRequired(Exception):
    """The password was right but the account's TOTP code is missing or wrong."""


def token_issue_for_credentials(
    *, request, username: str, password: str, otp: str | None = None
) -> str | None:
    """Authenticate through the same backends as the login form (so lockout applies) and return a
    new raw token, or None when the credentials are wrong."""
    from . import totp

    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    if totp.requires_totp(user) and not totp.verify(user, otp or ""):
        raise SecondFactorRequired
    return token_issue(user=user)


def token_issue(*, user: User) -> str:
    raw = "gh_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, key_hash=hash_token(raw), expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return raw


def token_user(raw: str) -> User | None:
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organization")
        .filter(key_hash=hash_token(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Writing last_used on every call would serialise reads on SQLite; once a minute is plenty.
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Accounts managed by officers (the account-manager grant) ---------------------------------


SET_PASSWORD_LINK_SECONDS = 3 * 24 * 3600


class SetPasswordTokens(PasswordResetTokenGenerator):
    """One-time set-password links: signed with the secret key, bound to the account's current
    password hash and last login (so a link dies once used) and expiring after three days."""

    key_salt = "gonghui.accounts.set-password"

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= SET_PASSWORD_LINK_SECONDS


set_password_tokens = SetPasswordTokens()


def _manage_scope(actor):
    return scope_for(actor, Action.MANAGE_ACCOUNTS)


def _account_paths(user: User) -> list[str]:
    return [path for _role, path, _second in grants_of(user)]


def _require_manageable(actor, user: User) -> None:
    """The account must be an officer account whose every grant lies in the actor's
    account-manager scope; anything else answers 404, like a missing account."""
    scope = _manage_scope(actor)
    if user.role == Role.WORKER:
        raise Http404
    if scope.everything:
        return
    paths = _account_paths(user)
    if not paths or not all(scope.covers(path) for path in paths):
        raise Http404


def _check_grantable(actor, *, organization, role: str, field: str = "organization") -> None:
    if organization is None:
        raise ValidationError({field: [_("请选择工会组织。")]})
    if not _manage_scope(actor).covers(organization.path):
        raise ValidationError({field: [_("只能为您管理的工会及其下级工会授权。")]})
    if role not in GrantRole.values:
        raise ValidationError({"role": [_("请选择有效的角色。")]})
    if not holds(actor, role, organization.path):
        raise ValidationError({"role": [_("不能授予高于您自己在该工会所持有的角色。")]})
    if organization.dissolved_on is not None:
        raise ValidationError({field: [_("该工会已经撤销。")]})


def _audit_account(actor, user: User, action, changes: dict) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=user,
        org_path=user.organization.path if user.organization_id else "",
        changes=changes,
    )


def _refresh_has_grants(user: User) -> None:
    has = user.grants.exists()
    if user.has_grants != has:
        user.has_grants = has
        User.objects.filter(pk=user.pk).update(has_grants=has)
    forget(user)


@transaction.atomic
def officer_account_create(
    *,
    actor,
    username: str,
    display_name: str,
    organization,
    role: str = GrantRole.OFFICER,
    phone: str = "",
    requires_second_factor: bool = False,
) -> User:
    """A new officer (or read-only auditor) account bound to ``organization``, with no usable
    password: its holder sets one through the one-time link (``password_link_issue``)."""
    if role not in (GrantRole.OFFICER, GrantRole.AUDITOR):
        raise ValidationError({"role": [_("新账号的主要角色只能是工会干部或只读审计员。")]})
    _check_grantable(actor, organization=organization, role=role)
    username = (username or "").strip()
    if username and User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("该用户名已被使用。")]})
    legacy_role = (
        officer_role_for_level(organization.level) if role == GrantRole.OFFICER else Role.AUDITOR
    )
    if legacy_role is None:
        raise ValidationError({"organization": [_("这一级别的工会不能设工会干部账号。")]})
    user = User(
        username=username,
        display_name=(display_name or "").strip(),
        phone=(phone or "").strip(),
        role=legacy_role,
        organization=organization,
        requires_second_factor=requires_second_factor,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=user,
        org_path=organization.path,
        changes=audit.diff({}, audit.snapshot(user, ACCOUNT_AUDIT_FIELDS)),
    )
    return user


ACCOUNT_AUDIT_FIELDS = [
    "username",
    "display_name",
    "phone",
    "role",
    "organization",
    "is_active",
    "requires_second_factor",
]


@transaction.atomic
def officer_account_update(
    *, actor, user: User, display_name: str, phone: str = "", requires_second_factor: bool
) -> User:
    _require_manageable(actor, user)
    before = audit.snapshot(user, ACCOUNT_AUDIT_FIELDS)
    user.display_name = (display_name or "").strip()
    user.phone = (phone or "").strip()
    user.requires_second_factor = requires_second_factor
    user.full_clean()
    user.save(update_fields=["display_name", "phone", "requires_second_factor"])
    forget(user)
    _audit_account(actor, user, AuditAction.UPDATE, audit.diff(before, audit.snapshot(user)))
    return user


def _other_managers_cover(user: User, path: str) -> bool:
    """Whether an active account other than ``user`` manages accounts for ``path``."""
    from .models import RoleGrant

    ancestors = [path[:end] for end in range(4, len(path) + 1, 4)]
    return (
        RoleGrant.objects.filter(
            role=GrantRole.ACCOUNT_MANAGER,
            organization__path__in=ancestors,
            user__is_active=True,
        )
        .exclude(user=user)
        .exists()
    )


def _refuse_losing_last_manager(actor, user: User, paths: list[str], field: str) -> None:
    if getattr(actor, "pk", None) != user.pk or actor.is_superuser:
        return
    for path in paths:
        if not _other_managers_cover(user, path):
            raise ValidationError(
                {field: [_("这是该工会最后一个账号管理员账号，不能停用或收回自己的管理权限。")]}
            )


@transaction.atomic
def officer_account_set_active(*, actor, user: User, active: bool) -> User:
    _require_manageable(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        own_manager_paths = [
            path for role, path, _s in grants_of(user) if role == GrantRole.ACCOUNT_MANAGER
        ]
        _refuse_losing_last_manager(actor, user, own_manager_paths, "is_active")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        # A disabled account's API tokens stop at once, not when they expire.
        ApiToken.objects.filter(user=user).delete()
    _audit_account(actor, user, AuditAction.UPDATE, {"is_active": [not active, active]})
    return user


@transaction.atomic
def role_grant_add(
    *, actor, user: User, organization, role: str, requires_second_factor: bool = False
):
    from .models import RoleGrant

    _require_manageable(actor, user)
    _check_grantable(actor, organization=organization, role=role)
    if any(r == role and p == organization.path for r, p, _s in grants_of(user)):
        raise ValidationError({"role": [_("该账号已在这个工会持有这一角色。")]})
    grant = RoleGrant(
        user=user,
        organization=organization,
        role=role,
        requires_second_factor=requires_second_factor,
        granted_by=audit.actor_label(actor),
    )
    grant.full_clean()
    grant.save()
    _refresh_has_grants(user)
    _audit_account(
        actor,
        user,
        AuditAction.UPDATE,
        {"grants": [None, f"{grant.get_role_display()} @ {organization.name}"]},
    )
    return grant


@transaction.atomic
def role_grant_revoke(*, actor, grant) -> None:
    user = grant.user
    _require_manageable(actor, user)
    if not _manage_scope(actor).covers(grant.organization.path):
        raise Http404
    if grant.role == GrantRole.ACCOUNT_MANAGER:
        _refuse_losing_last_manager(actor, user, [grant.organization.path], "role")
    label = f"{grant.get_role_display()} @ {grant.organization.name}"
    grant.delete()
    _refresh_has_grants(user)
    _audit_account(actor, user, AuditAction.UPDATE, {"grants": [label, None]})


@transaction.atomic
def account_unlock(*, actor, user: User) -> int:
    """Clear django-axes' failed attempts for the account (the lockout ends at once)."""
    from axes.utils import reset

    _require_manageable(actor, user)
    cleared = reset(username=user.username) or 0
    _audit_account(actor, user, AuditAction.UPDATE, {"unlocked": [None, True]})
    return cleared


@transaction.atomic
def password_link_issue(*, actor, user: User) -> str:
    """The path of a one-time set-password link for ``user`` (signed, single use, expiring).
    Issuing a new link withdraws the old ones (the password hash they were bound to changes)."""
    _require_manageable(actor, user)
    if not user.is_active:
        raise ValidationError({"is_active": [_("账号已停用，请先启用。")]})
    user.set_unusable_password()
    user.save(update_fields=["password"])
    token = set_password_tokens.make_token(user)
    _audit_account(actor, user, AuditAction.UPDATE, {"password_link": [None, True]})
    return reverse(
        "accounts:set-password",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
    )


def password_link_user(*, uidb64: str, token: str) -> User | None:
    """The account a set-password link is for, or None when it is forged, used or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.get(pk=pk, is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if set_password_tokens.check_token(user, token) else None


@transaction.atomic
def password_set_by_link(*, uidb64: str, token: str, password: str) -> User:
    user = password_link_user(uidb64=uidb64, token=token)
    if user is None:
        raise ValidationError(
            {"token": [_("链接无效、已使用或已过期，请联系账号管理员重新发送。")]}
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    _audit_account(user, user, AuditAction.UPDATE, {"password_set": [None, True]})
    return user
