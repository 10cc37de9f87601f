"""Enterprise import from .xlsx or .csv with Chinese headers: every row is checked first and
nothing is written unless all rows are good; rows are matched on the credit code, so running the
same file twice changes nothing.

Cells are read by :mod:`gonghui.core.spreadsheet`: a credit code in a number cell is refused
with the fix, full-width forms and spaces are folded, a title row above the header is skipped,
and every value read differently from its cell is listed in ``result.changes``."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit, spreadsheet
from gonghui.core.cells import safe_row
from gonghui.core.scoping import Action, scope_for
from gonghui.organizations.models import Organization

from . import services
from .choices import EnterpriseKind, Industry
from .models import Enterprise

# (header, field). The header row is the template's first row; order in a file does not matter.
COLUMNS = [
    ("企业名称", "name"),
    ("统一社会信用代码", "credit_code"),
    ("行业门类", "industry"),
    ("类型", "kind"),
    ("职工人数", "employees"),
    ("成立日期", "established_on"),
    ("地址", "address"),
    ("纬度", "latitude"),
    ("经度", "longitude"),
    ("联系人", "contact_name"),
    ("联系电话", "contact_phone"),
    ("所属街道/园区工会", "street_org"),
    ("覆盖工会", "union"),
    ("重点社会组织", "is_key_social_org"),
]
REQUIRED = {"name", "credit_code", "industry"}
ALIASES = {
    "name": ("企业名称", "单位名称", "名称"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "employees": ("职工人数", "职工数", "从业人数"),
    "contact_phone": ("联系电话", "电话", "手机号码"),
}
LABELS = {field: header for header, field in COLUMNS}
EXAMPLE = [
    "示例科技有限公司", "91411100MA0000000X", "C", "小微企业", "30", "2020-05-01",
    "漯河市郾城区示例路1号", "33.58", "114.01", "张三", "13800138000", "", "", "否",
]  # fmt: skip
MAX_ROWS = 20000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(fmt: str = "xlsx") -> tuple[bytes, str, str]:
    headers = [header for header, _field in COLUMNS]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(safe_row(headers))
        writer.writerow(safe_row(EXAMPLE))
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv", "enterprises.csv"
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业名录"
    sheet.append(safe_row(headers))
    sheet.append(safe_row(EXAMPLE))
    # The credit code and phone columns are text, so a code of digits keeps all 18 of them.
    for field in ("credit_code", "contact_phone"):
        letter = "ABCDEFGHIJKLMN"[[f for _h, f in COLUMNS].index(field)]
        sheet.column_dimensions[letter].number_format = "@"
        for row in range(2, 2002):
            sheet[f"{letter}{row}"].number_format = "@"
    notes = workbook.create_sheet("填写说明")
    notes.append(["行业门类", "填写字母（A-T）或门类名称"])
    for value, label in Industry.choices:
        notes.append([value, str(label)])
    notes.append(["类型", "、".join(str(label) for label in EnterpriseKind.labels)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), XLSX, "enterprises.xlsx"


def read_rows(uploaded) -> spreadsheet.Table:
    """The first sheet of an .xlsx or a CSV upload (the content decides, not the name)."""
    uploaded.seek(0)
    content = uploaded.read()
    try:
        return spreadsheet.read_table(content)
    except ValidationError:
        if spreadsheet.is_xlsx(content):
            raise ValidationError({"file": _("无法读取该Excel文件。")}) from None
        raise ValidationError(
            {"file": _("文件编码无法识别，请使用UTF-8或GBK编码的CSV或xlsx。")}
        ) from None


_text = spreadsheet.text


INDUSTRY_BY_LABEL = {str(label): value for value, label in Industry.choices}
KIND_BY_LABEL = {str(label): value for value, label in EnterpriseKind.choices}


def _credit_code(value):
    return spreadsheet.long_code(value, LABELS["credit_code"])


def _parse_row(
    reader: spreadsheet.RowReader, orgs_by_name, union_by_name, default_street_org
) -> tuple[dict, dict]:
    """(fields, errors) for one row; fields use the service's names."""
    errors: dict[str, list[str]] = {}
    fields: dict = {}
    cells = reader.cells

    def fail(name, message):
        errors.setdefault(name, []).append(str(message))

    fields["name"] = reader.read("name", spreadsheet.name)
    fields["address"] = reader.read("address", spreadsheet.name)
    fields["contact_name"] = reader.read("contact_name", spreadsheet.name)
    fields["contact_phone"] = reader.read("contact_phone", spreadsheet.phone)
    fields["credit_code"] = reader.read("credit_code", _credit_code)
    industry = _text(cells.get("industry"))
    fields["industry"] = INDUSTRY_BY_LABEL.get(industry, industry.upper())
    kind = _text(cells.get("kind"))
    fields["kind"] = KIND_BY_LABEL.get(kind, kind or EnterpriseKind.ENTERPRISE)
    for name in REQUIRED:
        if not _text(cells.get(name)):
            fail(name, _("此字段为必填项。"))
    fields["employees"] = reader.read("employees", spreadsheet.integer, default=0)
    fields["established_on"] = reader.read("established_on", spreadsheet.date, default=None)
    for name in ("latitude", "longitude"):
        fields[name] = reader.read(name, spreadsheet.number, default=None)
    for name, message in reader.errors.items():
        fail(name, message)
    fields["is_key_social_org"] = _text(cells.get("is_key_social_org")).lower() in {
        "是", "1", "y", "yes", "true",  # a checkbox-like TRUE cell too
    }  # fmt: skip
    street_name = _text(cells.get("street_org"))
    if street_name:
        fields["street_org"] = orgs_by_name.get(street_name)
        if fields["street_org"] is None:
            fail("street_org", _("工会不存在或不在您的管辖范围内。"))
    else:
        fields["street_org"] = default_street_org
        if default_street_org is None:
            fail("street_org", _("此字段为必填项。"))
    union_name = _text(cells.get("union"))
    fields["union"] = None
    if union_name:
        fields["union"] = union_by_name.get(union_name)
        if fields["union"] is None:
            fail("union", _("工会不存在或不在您的管辖范围内。"))
    return fields, errors


def _orgs_by_name(user, action) -> dict[str, Organization]:
    # Names repeat across the country (each county has a 城关镇工会): only orgs in scope count.
    return {
        org.name: org
        for org in Organization.objects.visible_to(user, action).filter(dissolved_on__isnull=True)
    }


def enterprise_import(*, actor, uploaded, default_street_org=None) -> services.ImportResult:
    result = services.ImportResult()
    rows = read_rows(uploaded)
    if spreadsheet.is_blank_row(cell for row in rows.rows for cell in row):
        result.errors[1] = {"file": [_("文件是空的。")]}
        return result
    try:
        header = spreadsheet.find_header(
            rows, [(f, ALIASES.get(f, (title,))) for title, f in COLUMNS], REQUIRED
        )
    except spreadsheet.HeaderNotFound as exc:
        missing = [title for title, field in COLUMNS if field in exc.missing]
        result.errors[1] = {"file": [_("缺少表头：") + "、".join(missing)]}
        return result
    index = header.positions
    body = [
        (number, row)
        for number, row in enumerate(rows.rows[header.first_data_row :], header.index + 2)
        if not spreadsheet.is_blank_row(row)
    ]
    if len(body) > MAX_ROWS:
        result.errors[1] = {"file": [_("一次最多导入20000行，请拆分文件。")]}
        return result
    street_orgs = _orgs_by_name(actor, Action.CHANGE)
    unions = _orgs_by_name(actor, Action.VIEW)
    change_scope = scope_for(actor, Action.CHANGE)
    parsed, seen = [], {}
    for number, row in body:
        reader = spreadsheet.RowReader(
            number, spreadsheet.row_cells(row, index), LABELS, result.changes
        )
        fields, errors = _parse_row(reader, street_orgs, unions, default_street_org)
        code = fields["credit_code"]
        if code and code in seen:
            errors.setdefault("credit_code", []).append(
                _("与第%(row)d行的统一社会信用代码重复。") % {"row": seen[code]}
            )
        seen.setdefault(code, number)
        if not errors:
            candidate = Enterprise(**fields)
            try:
                candidate.full_clean(validate_unique=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    errors.setdefault(name, []).extend(messages)
        if errors:
            result.errors[number] = errors
        parsed.append((number, fields))
    codes = [fields["credit_code"] for _number, fields in parsed if fields["credit_code"]]
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=codes).select_related("street_org")
    }
    for number, fields in parsed:
        current = existing.get(fields["credit_code"])
        if current is not None and not change_scope.covers(current.street_org.path):
            result.errors.setdefault(number, {}).setdefault("credit_code", []).append(
                _("该企业已由其他工会登记。")
            )
    parsed = [(number, fields, existing.get(fields["credit_code"])) for number, fields in parsed]
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for number, fields, current in parsed:
                _write(actor, fields, current, result, number)
    except ValidationError:
        result.created = result.updated = result.unchanged = 0
    return result


def _write(actor, fields, current, result, number):
    try:
        if current is None:
            services.enterprise_create(actor=actor, **fields)
            result.created += 1
            return
        before = services.snapshot(current)
        enterprise = services.enterprise_update(actor=actor, enterprise=current, **fields)
        if audit.diff(before, services.snapshot(enterprise)):
            result.updated += 1
        else:
            result.unchanged += 1
    except ValidationError as exc:
        result.errors[number] = (
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {"__all__": [str(m) for m in exc.messages]}
        )
        raise
