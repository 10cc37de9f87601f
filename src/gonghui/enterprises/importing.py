"""Enterprise import from .xlsx or .csv with Chinese headers: every row is checked first and
nothing is written unless all rows are good; rows are matched on the credit code, so running the
same file twice changes nothing."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.scoping import Action, scope_for
from gonghui.core.validators import normalize_credit_code
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
        writer.writerow(headers)
        writer.writerow(EXAMPLE)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv", "enterprises.csv"
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "企业名录"
    sheet.append(headers)
    sheet.append(EXAMPLE)
    notes = workbook.create_sheet("填写说明")
    notes.append(["行业门类", "填写字母（A-T）或门类名称"])
    for value, label in Industry.choices:
        notes.append([value, str(label)])
    notes.append(["类型", "、".join(str(label) for label in EnterpriseKind.labels)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), XLSX, "enterprises.xlsx"


def read_rows(uploaded) -> list[list]:
    """Rows of cells from an .xlsx or .csv upload (the content decides, not the name)."""
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    if head.startswith(b"PK\x03\x04"):
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(uploaded).get_sheet_by_index(0)
            return sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            raise ValidationError({"file": _("无法读取该Excel文件。")}) from exc
    raw = uploaded.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": _("文件编码无法识别，请使用UTF-8或GBK编码的CSV或xlsx。")})
    return list(csv.reader(io.StringIO(text)))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


INDUSTRY_BY_LABEL = {str(label): value for value, label in Industry.choices}
KIND_BY_LABEL = {str(label): value for value, label in EnterpriseKind.choices}


def _parse_row(cells: dict, orgs_by_name, union_by_name, default_street_org) -> tuple[dict, dict]:
    """(fields, errors) for one row; fields use the service's names."""
    errors: dict[str, list[str]] = {}
    fields: dict = {}

    def fail(name, message):
        errors.setdefault(name, []).append(str(message))

    for name in ("name", "address", "contact_name", "contact_phone"):
        fields[name] = _text(cells.get(name))
    fields["credit_code"] = normalize_credit_code(_text(cells.get("credit_code")))
    industry = _text(cells.get("industry"))
    fields["industry"] = INDUSTRY_BY_LABEL.get(industry, industry.upper())
    kind = _text(cells.get("kind"))
    fields["kind"] = KIND_BY_LABEL.get(kind, kind or EnterpriseKind.ENTERPRISE)
    for name in REQUIRED:
        if not _text(cells.get(name)):
            fail(name, _("此字段为必填项。"))
    employees = _text(cells.get("employees")) or "0"
    try:
        fields["employees"] = int(employees)
    except ValueError:
        fail("employees", _("请输入整数。"))
    established = cells.get("established_on")
    if isinstance(established, datetime.datetime):
        fields["established_on"] = established.date()
    elif isinstance(established, datetime.date):
        fields["established_on"] = established
    elif _text(established):
        try:
            fields["established_on"] = datetime.date.fromisoformat(_text(established))
        except ValueError:
            fail("established_on", _("请输入有效日期（YYYY-MM-DD）。"))
    else:
        fields["established_on"] = None
    for name in ("latitude", "longitude"):
        value = _text(cells.get(name))
        try:
            fields[name] = float(value) if value else None
        except ValueError:
            fail(name, _("请输入数字。"))
    fields["is_key_social_org"] = _text(cells.get("is_key_social_org")) in {"是", "1", "Y", "y"}
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
    if not rows:
        result.errors[1] = {"file": [_("文件是空的。")]}
        return result
    header = [_text(cell) for cell in rows[0]]
    index = {field: header.index(title) for title, field in COLUMNS if title in header}
    missing = [title for title, field in COLUMNS if field in REQUIRED and field not in index]
    if missing:
        result.errors[1] = {"file": [_("缺少表头：") + "、".join(missing)]}
        return result
    body = [row for row in rows[1:] if any(_text(cell) for cell in row)]
    if len(body) > MAX_ROWS:
        result.errors[1] = {"file": [_("一次最多导入20000行，请拆分文件。")]}
        return result
    street_orgs = _orgs_by_name(actor, Action.CHANGE)
    unions = _orgs_by_name(actor, Action.VIEW)
    change_scope = scope_for(actor, Action.CHANGE)
    codes = [normalize_credit_code(_text(row[index["credit_code"]])) for row in body
             if index["credit_code"] < len(row)]  # fmt: skip
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=codes).select_related("street_org")
    }
    parsed, seen = [], {}
    for number, row in enumerate(body, start=2):
        cells = {field: row[position] if position < len(row) else None
                 for field, position in index.items()}  # fmt: skip
        fields, errors = _parse_row(cells, street_orgs, unions, default_street_org)
        code = fields["credit_code"]
        if code and code in seen:
            errors.setdefault("credit_code", []).append(
                _("与第%(row)d行的统一社会信用代码重复。") % {"row": seen[code]}
            )
        seen.setdefault(code, number)
        current = existing.get(code)
        if current is not None and not change_scope.covers(current.street_org.path):
            errors.setdefault("credit_code", []).append(_("该企业已由其他工会登记。"))
        if not errors:
            candidate = Enterprise(**fields)
            try:
                candidate.full_clean(validate_unique=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    errors.setdefault(name, []).extend(messages)
        if errors:
            result.errors[number] = errors
        parsed.append((number, fields, current))
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
