import datetime
import secrets

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.models import AuditAction

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
