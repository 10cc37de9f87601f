"""Station import from CSV or Excel: every row is checked first, and only a clean file is
written, in one transaction. Rows are matched on (operator, name), so re-importing the same
file changes nothing and a corrected file updates in place."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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

    @property
    def ok(self) -> bool:
        return not self.errors


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _f in COLUMNS])
    writer.writerow(EXAMPLE)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "stations"
    sheet.append([header for header, _f in COLUMNS])
    sheet.append(EXAMPLE)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(filename: str, content: bytes) -> list[dict[str, str]]:
    """Rows as {field: text}; the first row is the header (Chinese or field names)."""
    if filename.lower().endswith((".xlsx", ".xls", ".ods")):
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        table = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030")
        table = list(csv.reader(io.StringIO(text)))
    if not table:
        raise ValidationError({"file": _("文件是空的。")})
    by_header = {h: f for h, f in COLUMNS} | {f: f for _h, f in COLUMNS}
    header = [by_header.get(str(cell).strip()) for cell in table[0]]
    missing = REQUIRED - set(header)
    if missing:
        names = [h for h, f in COLUMNS if f in missing]
        raise ValidationError({"file": _("缺少列：%(cols)s") % {"cols": "、".join(names)}})
    rows = []
    for raw in table[1:]:
        cells = ["" if c is None else str(c).strip() for c in raw]
        if not any(cells):
            continue
        rows.append({f: cells[i] if i < len(cells) else "" for i, f in enumerate(header) if f})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}})
    return rows


_TYPES = {label: value for value, label in StationType.choices} | {
    value: value for value in StationType.values
}
_YES = {"", "是", "yes", "true", "1", "启用", "y"}
_NO = {"否", "no", "false", "0", "停用", "n"}


def _number(text: str, name: str, errors: dict, cast=float):
    try:
        return cast(float(text)) if cast is int else cast(text)
    except ValueError:
        errors.setdefault(name, []).append(_("请输入数字。"))
        return None


def _row_fields(row: dict, user, operators: dict, errors: dict) -> dict:
    fields: dict = {}
    for name in REQUIRED:
        if not row.get(name):
            errors.setdefault(name, []).append(_("此字段为必填项。"))
    station_type = _TYPES.get(row.get("station_type", ""))
    if row.get("station_type") and station_type is None:
        errors.setdefault("station_type", []).append(_("不是可选的类型之一。"))
    fields["station_type"] = station_type
    operator_name = row.get("operator", "")
    if operator_name:
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
    for name in ("name", "address", "contact_name", "contact_phone", "description"):
        fields[name] = row.get(name, "")
    for name in ("latitude", "longitude"):
        if row.get(name):
            fields[name] = _number(row[name], name, errors)
    fields["capacity"] = (
        _number(row["capacity"], "capacity", errors, int) if row.get("capacity") else None
    )
    active = row.get("is_active", "").lower()
    if active not in _YES | _NO:
        errors.setdefault("is_active", []).append(_("请填“是”或“否”。"))
    fields["is_active"] = active not in _NO
    listed = row.get("facilities", "").replace("，", "、").replace(",", "、")
    fields["facilities"] = [c.strip() for c in listed.split("、") if c.strip()]
    fields["hours"] = row.get("hours", "")
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
    for number, row in enumerate(rows, start=2):
        errors: dict[str, list[str]] = {}
        fields = _row_fields(row, actor, operators, errors)
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
