"""Station import from CSV or Excel: every row is checked first, and only a clean file is
written, in one transaction. Rows are matched on (operator, name), so re-importing the same
file changes nothing and a corrected file updates in place.

Cells are read by :mod:`gonghui.core.spreadsheet` (full-width digits, ``+86`` phones, a title
row above the header, a control character in a name refused), and every value read
differently from its cell is listed in ``result.changes``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import spreadsheet
from gonghui.core.cells import safe_row
from gonghui.core.scoping import Action
from gonghui.organizations.models import Organization

from . import services
from .choices import StationType
from .models import Station

# (column header, field); the header is what officers see in the template.
COLUMNS = [
    ("名称", "name"),
    ("类型", "station_type"),
    ("运营工会", "operator"),
    ("地址", "address"),
    ("纬度", "latitude"),
    ("经度", "longitude"),
    ("营业时间", "hours"),
    ("设施", "facilities"),
    ("可容纳人数", "capacity"),
    ("联系人", "contact_name"),
    ("联系电话", "contact_phone"),
    ("简介", "description"),
    ("启用", "is_active"),
]
REQUIRED = {"name", "station_type", "operator", "address", "latitude", "longitude"}
EXAMPLE = [
    "冷水滩区梅湾街道户外劳动者驿站",
    "户外劳动者驿站",
    "冷水滩区总工会",
    "永州市冷水滩区梅湾路1号",
    "26.4455",
    "111.5988",
    "每天 07:00-21:00",
    "饮水、热水、休息、充电、卫生间",
    "20",
    "张三",
    "0746-8888888",
    "",
    "是",
]
MAX_ROWS = 5000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, dict[str, list[str]]]] = field(default_factory=list)
    changes: list[spreadsheet.Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header for header, _f in COLUMNS))
    writer.writerow(safe_row(EXAMPLE))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "stations"
    sheet.append(safe_row(header for header, _f in COLUMNS))
    sheet.append(safe_row(EXAMPLE))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class SheetRow(dict):
    """{field: cell as typed in the file}, and the row's number in the sheet."""

    number: int = 0


def read_rows(filename: str, content: bytes) -> list[SheetRow]:
    """The data rows below the header (Chinese or field names; title rows above it are
    skipped), each as {field: cell}."""
    table = spreadsheet.read_table(content)
    if spreadsheet.is_blank_row(cell for row in table.rows for cell in row):
        raise ValidationError({"file": _("文件是空的。")})
    try:
        header = spreadsheet.find_header(table, [(f, (h, f)) for h, f in COLUMNS], REQUIRED)
    except spreadsheet.HeaderNotFound as exc:
        names = [h for h, f in COLUMNS if f in exc.missing]
        raise ValidationError(
            {"file": _("缺少列：%(cols)s") % {"cols": "、".join(names)}}
        ) from None
    rows = []
    for index, raw in enumerate(table.rows):
        if index < header.first_data_row or spreadsheet.is_blank_row(raw):
            continue
        row = SheetRow(spreadsheet.row_cells(raw, header.positions))
        row.number = index + 1
        rows.append(row)
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}})
    return rows


LABELS = {f: h for h, f in COLUMNS}


_TYPES = {label: value for value, label in StationType.choices} | {
    value: value for value in StationType.values
}
_YES = {"", "是", "yes", "true", "1", "启用", "y"}
_NO = {"否", "no", "false", "0", "停用", "n"}


def _row_fields(row: SheetRow, user, operators: dict, errors: dict, changes: list) -> dict:
    reader = spreadsheet.RowReader(row.number, row, LABELS, changes)
    text = {name: spreadsheet.text(row.get(name)) for name, _h in LABELS.items()}
    fields: dict = {}
    for name in REQUIRED:
        if not text[name]:
            errors.setdefault(name, []).append(_("此字段为必填项。"))
    station_type = _TYPES.get(text["station_type"])
    if text["station_type"] and station_type is None:
        errors.setdefault("station_type", []).append(_("不是可选的类型之一。"))
    fields["station_type"] = station_type
    operator_name = reader.read("operator", spreadsheet.name)
    if operator_name and "operator" not in reader.errors:
        if operator_name not in operators:
            matches = list(
                Organization.objects.visible_to(user, Action.CHANGE)
                .filter(name=operator_name)
                .order_by("path")[:2]
            )
            operators[operator_name] = matches
        matches = operators[operator_name]
        if len(matches) != 1:
            errors.setdefault("operator", []).append(
                _("运营工会不存在或不在您的管辖范围内。")
                if not matches
                else _("有多个同名工会，请联系上级处理。")
            )
        else:
            fields["operator"] = matches[0]
    for name in ("name", "address", "contact_name"):
        fields[name] = reader.read(name, spreadsheet.name)
    fields["contact_phone"] = reader.read("contact_phone", spreadsheet.phone)
    fields["description"] = text["description"]
    for name in ("latitude", "longitude"):
        if text[name]:
            fields[name] = reader.read(name, spreadsheet.number, default=None)
    fields["capacity"] = reader.read("capacity", spreadsheet.integer, default=None)
    for name, message in reader.errors.items():
        errors.setdefault(name, []).append(message)
    active = text["is_active"].lower()
    if active not in _YES | _NO:
        errors.setdefault("is_active", []).append(_("请填“是”或“否”。"))
    fields["is_active"] = active not in _NO
    listed = text["facilities"].replace("，", "、").replace(",", "、")
    fields["facilities"] = [c.strip() for c in listed.split("、") if c.strip()]
    fields["hours"] = text["hours"]
    return fields


def _check(fields: dict) -> None:
    """Run every validation the services run, without writing."""
    services.facilities_from_codes(fields["facilities"])
    services.weekly_from_input(fields["hours"])
    editable = {k: v for k, v in fields.items() if k in services.EDITABLE_FIELDS}
    station = Station.objects.filter(operator=fields["operator"], name=fields["name"]).first()
    if station is None:
        station = Station(operator=fields["operator"])
    for name, value in editable.items():
        setattr(station, name, value)
    services.validate_station(station)


def import_stations(*, actor, filename: str, content: bytes) -> ImportResult:
    result = ImportResult()
    rows = read_rows(filename, content)
    operators: dict = {}
    prepared = []
    seen: dict[tuple, int] = {}
    for row in rows:
        number = row.number
        errors: dict[str, list[str]] = {}
        fields = _row_fields(row, actor, operators, errors, result.changes)
        if not errors:
            key = (fields["operator"].pk, fields["name"])
            if key in seen:
                errors["name"] = [_("与第 %(n)d 行重复。") % {"n": seen[key]}]
            seen[key] = number
        if not errors:
            try:
                _check(fields)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            result.errors.append((number, errors))
        else:
            prepared.append((number, fields))
    if result.errors:
        return result
    with transaction.atomic():
        for _row_number, fields in prepared:
            operator = fields.pop("operator")
            existing = Station.objects.filter(operator=operator, name=fields["name"]).first()
            if existing is None:
                services.station_create(actor=actor, operator=operator, **fields)
                result.created += 1
                continue
            before = existing.updated_at
            updated = services.station_update(actor=actor, station=existing, **fields)
            if updated.updated_at != before:
                result.updated += 1
            else:
                result.unchanged += 1
    return result
