"""The e-membership card: its signed token, the address that verifies it and its QR code, for
the worker's own card page and the officer's member page alike. The pages that show and verify
a card, and its PNG, are ``gonghui.joining`` (the URL names below are that app's)."""

from __future__ import annotations

import segno
from django.urls import reverse

from . import crypto
from .choices import MemberStatus
from .models import Member


def card_token_for(member: Member) -> str:
    return crypto.card_token(member_id=member.pk, version=member.card_version)


def verify_url(request, token: str) -> str:
    path = reverse("joining:verify", args=[token])
    return request.build_absolute_uri(path) if request is not None else path


def qr_svg_data_uri(data: str) -> str:
    return segno.make(data, error="m").svg_data_uri(scale=4, border=2)


def card_context(request, member: Member) -> dict:
    """What the card partial (members/_card.html) shows."""
    token = card_token_for(member)
    url = verify_url(request, token)
    return {"member": member, "token": token, "verify_url": url, "qr": qr_svg_data_uri(url)}


def card_links(request, member: Member) -> dict | None:
    """The API's view of an active member's card; ``None`` for anyone not active."""
    if member.status != MemberStatus.ACTIVE:
        return None
    token = card_token_for(member)
    return {
        "token": token,
        "verify_url": verify_url(request, token),
        "png_url": reverse("joining:card-png", args=[token]),
        "page_url": reverse("joining:card", args=[token]),
    }
