"""One-time codes sent by SMS: a code proves a phone once, within rate limits per phone,
address and device."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import ratelimit
from gonghui.members import crypto
from gonghui.members.models import PhoneCode
from gonghui.members.rules import clean_phone

from . import sms

CODE_LIFETIME = datetime.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5


def phone_code_send(
    *, phone: str, purpose: str = "join", address: str | None = None, device: str | None = None
) -> None:
    """Send a 6-digit code to ``phone``, within the limits (``settings.RATE_LIMITS``) per phone,
    per requesting address and per device; over any of them raises
    :class:`gonghui.core.ratelimit.RateLimited` and nothing is sent."""
    phone = clean_phone(phone)
    ratelimit.hit_all([("code_phone", phone), ("code_address", address), ("code_device", device)])
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=crypto.code_hash(phone, purpose, code),
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    text = str(_("【工会】您的验证码是%(code)s，10分钟内有效。请勿告诉他人。") % {"code": code})
    sms.get_backend().send(sms.SmsMessage(phone=phone, text=text, code=code))


def code_verified(*, phone: str, code: str, purpose: str, spent_for: str = "") -> int | None:
    """The id of the phone's latest code if ``code`` is it and it is unexpired and unspent;
    ``None`` if it is the right code already spent by the join of ``spent_for`` (that join
    re-submitted); otherwise a field error on ``code``. A wrong guess counts (and is committed)
    even though the caller goes no further."""
    with transaction.atomic():
        latest = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None or latest.expires_at <= timezone.now():
            raise ValidationError({"code": _("验证码已过期，请重新获取。")})
        resubmitted = bool(spent_for) and latest.used_for == spent_for
        if latest.attempts >= CODE_MAX_ATTEMPTS or (latest.used_at and not resubmitted):
            raise ValidationError({"code": _("验证码已失效，请重新获取。")})
        failed = not secrets.compare_digest(
            latest.code_hash, crypto.code_hash(phone, purpose, code or "")
        )
        if failed:
            PhoneCode.objects.filter(pk=latest.pk).update(attempts=F("attempts") + 1)
    if failed:
        raise ValidationError({"code": _("验证码不正确。")})
    return None if latest.used_at else latest.pk


def code_spend(code_id: int, *, used_for: str = "") -> None:
    # One conditional UPDATE: of two requests carrying the same code, the second waits for the
    # first's row lock and then finds the code spent.
    spent = PhoneCode.objects.filter(pk=code_id, used_at__isnull=True).update(
        used_at=timezone.now(), used_for=used_for
    )
    if not spent:
        raise ValidationError({"code": _("验证码已失效，请重新获取。")})


def code_spend_if_valid(*, phone: str, code: str, purpose: str, used_for: str) -> bool:
    latest = (
        PhoneCode.objects.filter(phone=phone, purpose=purpose)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    now = timezone.now()
    spent = PhoneCode.objects.filter(
        pk=Subquery(latest),
        code_hash=crypto.code_hash(phone, purpose, code or ""),
        expires_at__gt=now,
        attempts__lt=CODE_MAX_ATTEMPTS,
        used_at__isnull=True,
    ).update(used_at=now, used_for=used_for)
    return bool(spent)


def phone_code_check(*, phone: str, code: str, purpose: str = "login") -> None:
    """Check ``code`` against the phone's latest code and spend it: a code proves the phone
    once."""
    phone = clean_phone(phone)
    code_id = code_verified(phone=phone, code=code, purpose=purpose)
    if code_id is not None:
        code_spend(code_id)
