"""The e-membership card: its signed token, the address that verifies it and its QR code, for
the worker's own card page and the officer's member page alike. The pages that show and verify
a card, and its PNG, are ``gonghui.joining`` (the URL names below are that app's)."""

from __future__ import annotations

import functools
import re

import segno
from django.urls import get_script_prefix, get_urlconf, reverse

from . import crypto
from .choices import MemberStatus
from .models import Member


def card_token_for(member: Member) -> str:
    return crypto.card_token(member_id=member.pk, version=member.card_version)


_URL_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_TOKEN_SLOT = "0TOKEN0"  # URL-safe, as every token is: reverse() leaves it as it is


@functools.lru_cache(maxsize=64)
def _token_path_template(name: str, prefix: str, urlconf) -> str:
    return reverse(name, args=[_TOKEN_SLOT], urlconf=urlconf)


def token_paths(names: tuple[str, ...], token: str) -> tuple[str, ...]:
    """``reverse(name, args=[token])`` for each name, for a card token: each URL resolved once
    per process (per name, script prefix and urlconf) rather than on every join. A token is
    URL-safe (``[A-Za-z0-9._-]``, see ``crypto.card_token``), which ``reverse()`` leaves as it
    is; anything else goes through ``reverse()``."""
    if not _URL_SAFE.fullmatch(token or ""):
        return tuple(reverse(name, args=[token]) for name in names)
    prefix, urlconf = get_script_prefix(), get_urlconf()
    return tuple(
        _token_path_template(name, prefix, urlconf).replace(_TOKEN_SLOT, token) for name in names
    )


def token_path(name: str, token: str) -> str:
    return token_paths((name,), token)[0]


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def verify_url(request, token: str) -> str:
    return _absolute(request, token_path("joining:verify", token))


def qr_svg_data_uri(data: str) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=4, border=2)


def card_context(request, member: Member) -> dict:
    """What the card partial (members/_card.html) shows."""
    token = card_token_for(member)
    url = verify_url(request, token)
    return {"member": member, "token": token, "verify_url": url, "qr": qr_svg_data_uri(url)}


CARD_LINK_NAMES = ("joining:verify", "joining:card-png", "joining:card")


def card_links(request, member: Member) -> dict | None:
    """The API's view of an active member's card; ``None`` for anyone not active."""
    if member.status != MemberStatus.ACTIVE:
        return None
    token = card_token_for(member)
    verify, png, page = token_paths(CARD_LINK_NAMES, token)
    return {
        "token": token,
        "verify_url": _absolute(request, verify),
        "png_url": png,
        "page_url": page,
    }
