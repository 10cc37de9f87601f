"""Synthetic, checksum-correct ID-card numbers for demo data, tests and benchmarks."""

from __future__ import annotations

import datetime

from gonghui.core.validators import id_card_check_char


def synthetic_id_card(
    region: str, birth: datetime.date, serial: int, *, female: bool | None = None
) -> str:
    """An 18-character number for ``region`` (6 digits) and ``birth``; ``serial`` (0-999)
    picks the sequence code, whose parity is the gender unless ``female`` forces it."""
    sequence = serial % 1000
    if female is not None and (sequence % 2 == 0) != female:
        sequence = (sequence + 1) % 1000
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_card_check_char(first17)
