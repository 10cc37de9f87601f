"""Spreadsheet cells we READ: what the clerk meant, or a refusal that says how to fix the column.

Cells are typed by the clerk's software, not by the clerk. An 18-digit ID number typed into a
"General" column becomes a number, and Excel keeps 15 significant digits of it
(``4.16338199603141E+17``): the last three digits are gone, and no program can bring them back.
So a long identifier in a number cell is refused, with the fix (format the column as text,
re-type or paste the numbers), and never reconstructed. What can be read exactly is read:
full-width digits, spaces and no-break spaces, a lower-case ``x``, ``+86`` in front of a mobile
number, ``2023年5月1日``, a date cell, a 15-digit ID number (GB 11643 gives the exact 18-digit
form). Each reader either returns the value or raises :class:`CellError` with a message for
the officer; :class:`RowReader` keeps every change it made (row, column, before -> after) so
the report can list them.

Cells we WRITE are a different concern: :mod:`gonghui.core.cells`.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.validators import id_card_check_char

# A title, a subtitle ("填报单位：…") and a two-level header fit in this many rows.
HEADER_SCAN_ROWS = 20

_SPACE_CHARS = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ALL_SPACE = re.compile("[\\s" + _SPACE_CHARS + _ZERO_WIDTH + "]+")
_ZERO_WIDTH_RE = re.compile("[" + _ZERO_WIDTH + "]")
# C0/C1 controls (tab and line breaks included) and the bidi overrides that reorder what a
# reader sees: none of them belongs in a name.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$", re.IGNORECASE)
_CJK_OR_SPACE = re.compile("^[\\s" + _SPACE_CHARS + "\u3400-\u9fff\uf900-\ufaff·•．]+$")
_DATE = re.compile(
    r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; ``message`` says how to fix it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Change:
    """One value the importer read differently from how the cell shows it."""

    row: int
    column: str
    before: str
    after: str


@dataclass
class Table:
    """The first sheet: ``rows[0]`` is sheet row 1; cells keep their type (text, float, date,
    datetime, bool; "" when empty). ``merged`` holds 0-based ((top, left), (bottom, right))."""

    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)


@dataclass
class Header:
    """Where the header row is (0-based index into ``Table.rows``) and each field's column."""

    index: int
    positions: dict[str, int]

    @property
    def first_data_row(self) -> int:
        return self.index + 1


# ---- Files ------------------------------------------------------------------------------------


def is_xlsx(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("无法识别CSV文件的编码，请另存为UTF-8。")})


def read_table(content: bytes) -> Table:
    """The first sheet of an .xlsx (the content decides, not the name) or a CSV's rows."""
    if is_xlsx(content):
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
            rows = [list(row) for row in sheet.to_python(skip_empty_area=False)]
            merged = list(sheet.merged_cell_ranges or [])
        except Exception:
            raise ValidationError({"file": _("文件不是有效的Excel表格（.xlsx）。")}) from None
        return Table(rows=[[("" if c is None else c) for c in row] for row in rows], merged=merged)
    text = decode_csv(content)
    try:
        return Table(rows=[list(row) for row in csv.reader(io.StringIO(text))])
    except csv.Error:
        # A field over the csv module's 128 KiB limit, a NUL byte, an unclosed quote: no roster
        # cell is like that, so the file is refused as a whole rather than half read.
        raise ValidationError(
            {"file": _("CSV文件格式有误（单元格过长或引号不成对），请用Excel另存为.xlsx后再导入。")}
        ) from None


def header_key(value: Any) -> str:
    """A header as compared: full-width folded, no spaces or line breaks, no "*" required
    marker, no "(必填)" note."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = _ALL_SPACE.sub("", text)
    text = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", text)
    return text.strip("*:：")


def _header_labels(table: Table, index: int) -> list[str]:
    row = table.rows[index]
    labels = [header_key(cell) for cell in row]
    # A merged header cell holds its text in its top-left cell only: every column it covers
    # (a vertical merge reaches down to this row) reads that text.
    for (top, left), (bottom, right) in table.merged:
        if not top <= index <= bottom or top >= len(table.rows):
            continue
        text = header_key(table.rows[top][left]) if left < len(table.rows[top]) else ""
        for column in range(left, min(right, len(labels) - 1) + 1):
            if not labels[column]:
                labels[column] = text
    return labels


def find_header(
    table: Table, columns: Iterable[tuple[str, Iterable[str]]], required: Iterable[str]
) -> Header:
    """The first row among the top rows that names every required column (title rows, notes
    and a merged group header above it are skipped). ``columns`` is (field, header names)."""
    columns = [(name, {header_key(h) for h in headers}) for name, headers in columns]
    required = list(required)
    best: tuple[int, dict[str, int]] | None = None
    for index in range(min(HEADER_SCAN_ROWS, len(table.rows))):
        labels = _header_labels(table, index)
        positions: dict[str, int] = {}
        for name, headers in columns:
            for column, label in enumerate(labels):
                if label in headers and column not in positions.values():
                    positions[name] = column
                    break
        if all(name in positions for name in required):
            return Header(index=index, positions=positions)
        if positions and (best is None or len(positions) > len(best[1])):
            best = (index, positions)
    found = best[1] if best else {}
    raise HeaderNotFound([name for name in required if name not in found])


class HeaderNotFound(ValueError):
    """No row names every required column; ``missing`` are the fields the best row lacks."""

    def __init__(self, missing: list[str]):
        super().__init__(", ".join(missing))
        self.missing = missing


# ---- Cells ------------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def shown(value: Any) -> str:
    """The cell as the officer sees it, for a report: a long number stays in Excel's
    scientific form and is never widened back to digits it does not hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15G")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def text(value: Any) -> str:
    """Any cell as text without surrounding spaces (a whole number stays whole)."""
    return shown(value).strip().strip(_SPACE_CHARS + _ZERO_WIDTH).strip()


def _folded(value: Any) -> str:
    """Full-width letters and digits folded to ASCII, every kind of space removed."""
    return _ALL_SPACE.sub("", unicodedata.normalize("NFKC", text(value)))


def number_column_message(column: str) -> str:
    return _(
        "“%(column)s”列的单元格是数字格式：表格软件只保留15位有效数字，号码的末几位已被改变，"
        "无法还原。请把该列设置为“文本”格式，再重新输入或粘贴原始号码。"
    ) % {"column": column}


def long_code(value: Any, column: str) -> str:
    """An identifier too long for a number cell (ID number, credit code): upper-case, spaces
    and full-width forms removed; a number cell or its scientific text is refused."""
    if is_number(value):
        raise CellError(number_column_message(column))
    code = _folded(value).lstrip("'").upper()
    if _SCIENTIFIC.match(code):
        raise CellError(number_column_message(column))
    return code


def upgrade_id_card(number: str) -> str:
    """A 15-digit first-generation number in its 18-digit form (GB 11643-1999: the century
    "19" after the region code, then the check character); anything else unchanged."""
    if len(number) == 15 and number.isdigit():
        first17 = number[:6] + "19" + number[6:]
        return first17 + id_card_check_char(first17)
    return number


def id_card(value: Any, column: str) -> str:
    return upgrade_id_card(long_code(value, column))


def mobile(value: Any) -> str:
    """A mainland mobile number as 11 digits: ``+86``/``0086``, spaces, dashes and brackets
    dropped; an 11-digit number cell is exact and read as it is."""
    if is_number(value):
        if float(value).is_integer() and 0 < value < 1e15:
            return str(int(value))
        return shown(value)
    phone = re.sub(r"[-()\[\]]", "", _folded(value))
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            return phone[len(prefix) :]
    if len(phone) == 13 and phone.startswith("861"):
        return phone[2:]
    return phone


def phone(value: Any) -> str:
    """A contact number (landlines too): full-width folded, a mobile's ``+86`` dropped, runs
    of spaces made one."""
    compact = mobile(value)
    if re.fullmatch(r"1[3-9][0-9]{9}", compact):
        return compact
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text(value)))


def date(value: Any) -> datetime.date:
    """A date cell, ``2023-05-01``, ``2023/5/1``, ``2023.5.1``, ``2023年5月1日`` or ``20230501``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if is_number(value):
        whole = str(int(value)) if float(value).is_integer() else ""
        match = _DATE_COMPACT.match(whole)
        if not match:
            raise CellError(
                _("日期被存成了数字，请把该列设置为“日期”格式，或按2023-05-01的样式填写。")
            )
    else:
        raw = unicodedata.normalize("NFKC", text(value))
        match = _DATE.match(raw) or _DATE_COMPACT.match(raw)
    try:
        if not match:
            raise ValueError
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(_("请输入有效日期，例如2023-05-01、2023/5/1或2023年5月1日。")) from None


def name(value: Any) -> str:
    """A person's or a place's name: a control character refuses it; a Chinese name spaced
    out to line up (``张　三``) loses the spaces; other runs of spaces become one."""
    raw = _ZERO_WIDTH_RE.sub("", text(value))
    if _CONTROL.search(raw):
        raise CellError(_("含有控制字符（如换行、制表符），不是有效的名称，请重新输入。"))
    if _CJK_OR_SPACE.match(raw):
        return _ALL_SPACE.sub("", raw)
    return _ALL_SPACE.sub(" ", raw)


def number(value: Any) -> float:
    if is_number(value):
        return float(value)
    try:
        return float(unicodedata.normalize("NFKC", text(value)).replace(",", ""))
    except ValueError:
        raise CellError(_("请输入数字。")) from None


def integer(value: Any) -> int:
    result = number(value)
    if not result.is_integer():
        raise CellError(_("请输入整数。"))
    return int(result)


# ---- Rows -------------------------------------------------------------------------------------


class RowReader:
    """Reads one data row field by field; errors land in ``errors`` ({field: message}) and
    every value read differently from the cell lands in ``changes``."""

    def __init__(
        self, number: int, cells: dict[str, Any], labels: dict[str, str], changes: list[Change]
    ):
        self.number = number
        self.cells = cells
        self.labels = labels
        self.changes = changes
        self.errors: dict[str, str] = {}

    def raw(self, field_name: str) -> Any:
        return self.cells.get(field_name, "")

    def is_blank(self, field_name: str) -> bool:
        return text(self.raw(field_name)) == ""

    def read(self, field_name: str, reader: Callable[[Any], Any], default: Any = "") -> Any:
        raw = self.raw(field_name)
        if text(raw) == "":
            return default
        try:
            value = reader(raw)
        except CellError as exc:
            self.errors.setdefault(field_name, exc.message)
            return default
        before, after = text(raw), shown(value)
        if before != after:
            self.changes.append(
                Change(self.number, self.labels.get(field_name, field_name), before, after)
            )
        return value

    def fail(self, field_name: str, message) -> None:
        self.errors.setdefault(field_name, str(message))


def row_cells(row: list[Any], positions: dict[str, int]) -> dict[str, Any]:
    return {name: (row[i] if i < len(row) else "") for name, i in positions.items()}


def is_blank_row(row: Iterable[Any]) -> bool:
    return all(text(cell) == "" for cell in row)
