"""The real-name profile columns of the member import (全国工会会员实名制 fields).

Every column is optional. A cell is read as text (a control character refuses it, as a name
would), a choice may be typed as its label (``大学本科``) or its code, and the value then goes
through the model field's own ``clean``, so the import refuses exactly what the profile page
refuses, with the same message.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from gonghui.core import spreadsheet
from gonghui.members.models import Member
from gonghui.members.rules import PROFILE_FIELDS

# (field, header in the template, other headers clerks use for it)
PROFILE_COLUMNS = [
    ("ethnicity", "民族", ()),
    ("education", "学历", ("文化程度",)),
    ("employment_status", "就业状况", ()),
    ("skill_level", "技能等级", ()),
    ("hukou_type", "户籍类型", ("户口性质",)),
    ("is_migrant_worker", "是否农民工", ("农民工",)),
    ("political_status", "政治面貌", ()),
    ("job_title", "工种", ("岗位",)),
    ("work_start_year", "参加工作年份", ("参加工作时间",)),
    ("hukou_region", "户籍地行政区划代码", ("户籍地代码",)),
    ("residence_region", "现居地行政区划代码", ("现居地代码",)),
    ("emergency_contact_name", "紧急联系人", ()),
    ("emergency_contact_phone", "紧急联系人电话", ()),
]
assert tuple(name for name, _header, _aliases in PROFILE_COLUMNS) == PROFILE_FIELDS

_YES = {"是", "yes", "y", "true", "1", "√", "是的"}
_NO = {"否", "no", "n", "false", "0", "×", "不是"}


def _labels(field) -> dict[str, str]:
    """Each choice by its code and by its label in Chinese and in the active language."""
    by_text = {}
    languages = {"zh-hans", translation.get_language() or "zh-hans"}
    for value, label in field.choices:
        by_text[value] = value
        for language in languages:
            with translation.override(language):
                by_text[str(label)] = value
    return by_text


def choice_hint(field_name: str) -> str:
    return "、".join(str(label) for _value, label in Member._meta.get_field(field_name).choices)


def _read_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = unicodedata.normalize("NFKC", spreadsheet.text(value)).lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise spreadsheet.CellError(gettext("请填写“是”或“否”。"))


def _read_year(value: Any) -> int:
    if spreadsheet.is_number(value):
        return spreadsheet.integer(value)
    folded = unicodedata.normalize("NFKC", spreadsheet.text(value)).removesuffix("年")
    return spreadsheet.integer(folded)


def _read_code(value: Any) -> str:
    # A region code is six digits: a number cell holds it exactly (unlike an ID number).
    if spreadsheet.is_number(value):
        return str(spreadsheet.integer(value))
    return unicodedata.normalize("NFKC", spreadsheet.text(value))


def _reader_for(field):
    if field.choices:
        labels = _labels(field)

        def read_choice(value: Any) -> str:
            text = unicodedata.normalize("NFKC", spreadsheet.text(value))
            if text in labels:
                return labels[text]
            raise spreadsheet.CellError(
                gettext("不是可选的值之一：%(values)s。") % {"values": choice_hint(field.name)}
            )

        return read_choice
    if field.name == "is_migrant_worker":
        return _read_boolean
    if field.name == "work_start_year":
        return _read_year
    if field.name in ("hukou_region", "residence_region"):
        return _read_code
    if field.name == "emergency_contact_phone":
        return spreadsheet.mobile
    return spreadsheet.name


@functools.lru_cache(maxsize=8)
def _readers(language: str | None) -> dict[str, Any]:
    """Each profile field's cell reader, built once per language (the choice labels are looked
    up in it), not once per row: an import reads 10^5 rows."""
    return {name: _reader_for(Member._meta.get_field(name)) for name in PROFILE_FIELDS}


def profile_reader():
    """``read_profile`` with the fields, their blanks and their readers (in the active
    language) looked up once, for every row of an import."""
    readers = _readers(translation.get_language())
    plan = []
    for name in PROFILE_FIELDS:
        field = Member._meta.get_field(name)
        plan.append((name, field, readers[name], None if field.null else ""))

    def read(reader: spreadsheet.RowReader) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field, read_cell, blank in plan:
            value = reader.read(name, read_cell, default=blank)
            if value is blank or name in reader.errors or value in (None, ""):
                values[name] = blank
                continue
            try:
                values[name] = field.clean(value, None)
            except ValidationError as exc:
                reader.fail(name, "；".join(str(message) for message in exc.messages))
                values[name] = blank
        return values

    return read


def read_profile(reader: spreadsheet.RowReader) -> dict[str, Any]:
    """The row's profile values as the model stores them (blank: ``""`` or ``None``); a bad
    cell is a field error in ``reader.errors`` and its value is left blank."""
    return profile_reader()(reader)
