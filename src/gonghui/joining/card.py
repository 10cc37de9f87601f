"""The e-membership card as a picture: a PNG the worker saves to their phone. The card's token,
its verification address and its QR code are ``gonghui.members.card`` (the officer's member page
shows the card too)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from gonghui.members.models import Member

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


def qr_png(data: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


@lru_cache(maxsize=4)
def _font(size: int):
    configured = getattr(settings, "MEMBER_CARD_FONT", None)
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default()


def card_png(member: Member, url: str) -> bytes:
    """A 900×540 card: title, name, number, union, join date on the left; QR on the right."""
    width, height = 900, 540
    image = Image.new("RGB", (width, height), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 96), fill="#c8161d")
    draw.text((32, 22), _("中华全国总工会会员卡"), fill="#ffffff", font=_font(40))
    lines = [
        (_("姓名"), member.name),
        (_("会员编号"), member.member_number),
        (_("所属工会"), member.union.name),
        (_("入会日期"), member.joined_on.isoformat()),
    ]
    y = 130
    for label, value in lines:
        draw.text((32, y), label, fill="#6b7280", font=_font(22))
        draw.text((32, y + 28), value[:16], fill="#1f2328", font=_font(30))
        y += 86
    qr = Image.open(io.BytesIO(qr_png(url, scale=6))).convert("RGB")
    qr = qr.resize((340, 340))
    image.paste(qr, (width - 340 - 32, 140))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
