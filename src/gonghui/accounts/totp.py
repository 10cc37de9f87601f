"""Optional second factor for officers: a TOTP app (any authenticator) on top of the password.

Workers never need it (they sign in with a one-time SMS code). django-otp's TOTPDevice stores
the key and throttles guesses (each failure doubles the wait), so a six-digit code cannot be
brute-forced through the login form or the token endpoint.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core import audit
from gonghui.core.models import AuditAction


def confirmed_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def requires_totp(user) -> bool:
    return user is not None and user.pk is not None and confirmed_devices(user).exists()


def verify(user, token: str) -> bool:
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return False
    return any(device.verify_token(token) for device in confirmed_devices(user))


def _audit(user, action, changes):
    audit.record(
        actor=user,
        action=action,
        instance=user,
        org_path=user.organization.path if user.organization_id else "",
        changes=changes,
    )


@transaction.atomic
def totp_start(*, user) -> TOTPDevice:
    """A fresh, unconfirmed device; it counts only after the user proves they scanned it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_confirm(*, user, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise ValidationError({"token": _("请先生成新的动态验证码密钥。")})
    if not device.verify_token((token or "").strip()):
        raise ValidationError({"token": _("动态验证码不正确或已过期。")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit(user, AuditAction.UPDATE, {"totp_enabled": [False, True]})
    return device


@transaction.atomic
def totp_disable(*, user, token: str) -> None:
    if not verify(user, token):
        raise ValidationError({"token": _("动态验证码不正确或已过期。")})
    TOTPDevice.objects.filter(user=user).delete()
    _audit(user, AuditAction.UPDATE, {"totp_enabled": [True, False]})
