"""Spreadsheet cells we write: text a spreadsheet program can never run.

A member named ``=HYPERLINK("http://evil", "点击")`` is text to us, but Excel, WPS and
LibreOffice run any cell that begins with ``=``, ``+``, ``-`` or ``@`` (and tab / carriage
return in front of one of those) as a formula. Every export and report passes its rows
through :func:`safe_row`, which prefixes such text with an apostrophe, the marker those
programs read as "this is text" (OWASP CSV injection guidance). Numbers, dates and booleans
are written as themselves: a negative amount is data, not a formula.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters an XML-based xlsx cannot hold at all (openpyxl raises IllegalCharacterError).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: Any) -> Any:
    """The value as it may go into a cell: text that could start a formula is quoted, and
    characters no xlsx can hold are dropped (a name with a control character must never make
    an officer's export fail)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if not isinstance(value, str):
        # Dates, Decimals and lazy translations: dates stay dates; the rest become text.
        if isinstance(value, datetime.date | datetime.time | Decimal):
            return value
        value = str(value)
    value = _ILLEGAL_XML.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
