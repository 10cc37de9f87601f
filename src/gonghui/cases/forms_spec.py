"""A case type's own questions: checking the specs officers configure, and checking a worker's
answers against them. Errors name the field, so the API and the page show them in place."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import FieldType

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Names the case itself uses: a type's question may not shadow them in the error map.
RESERVED = frozenset(
    {
        "case_type",
        "title",
        "description",
        "member_id",
        "member",
        "member_number",
        "applicant_name",
        "employer_name",
        "work_place",
        "status",
        "version",
        "attachment",
        "file",
        "action",
    }
)
MAX_ANSWER = 2000


def validate_field_specs(specs) -> None:
    if not isinstance(specs, list):
        raise ValidationError({"form_fields": _("表单字段必须是列表。")})
    seen = set()
    for spec in specs:
        if not isinstance(spec, dict):
            raise ValidationError({"form_fields": _("每个表单字段必须是一个对象。")})
        name = spec.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name) or name in RESERVED:
            raise ValidationError({"form_fields": _("字段名只能用小写字母、数字和下划线。")})
        if name in seen:
            raise ValidationError({"form_fields": _("字段名不能重复。")})
        seen.add(name)
        if spec.get("type") not in FieldType.values:
            raise ValidationError({"form_fields": _("字段类型不正确。")})
        if not isinstance(spec.get("label"), str) or not spec["label"].strip():
            raise ValidationError({"form_fields": _("每个字段都要有名称。")})
        if spec["type"] == FieldType.CHOICE:
            choices = spec.get("choices")
            if not isinstance(choices, list) or not choices:
                raise ValidationError({"form_fields": _("单选字段必须列出选项。")})


def clean_answers(specs: list[dict], data: dict | None) -> dict:
    """The answers to a type's questions, typed and checked; unknown keys are dropped."""
    data = data or {}
    cleaned, errors = {}, {}
    for spec in specs:
        name = spec["name"]
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.get("required"):
                errors[name] = [_("此字段为必填项。")]
            continue
        try:
            cleaned[name] = _clean_one(spec, raw)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_one(spec: dict, raw):
    kind = spec["type"]
    if kind in (FieldType.TEXT, FieldType.TEXTAREA):
        value = str(raw).strip()
        if len(value) > (200 if kind == FieldType.TEXT else MAX_ANSWER):
            raise ValidationError(_("内容太长。"))
        return value
    if kind == FieldType.NUMBER:
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError(_("请输入数字。")) from None
        if not value.is_finite() or abs(value) >= Decimal("1e12"):
            raise ValidationError(_("请输入数字。"))
        if "min" in spec and value < Decimal(str(spec["min"])):
            raise ValidationError(_("数值太小。"))
        # Plain notation, no exponent and no trailing zeros: "15000", "12.5".
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind == FieldType.DATE:
        try:
            return datetime.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValidationError(_("请输入有效日期（YYYY-MM-DD）。")) from None
    if kind == FieldType.CHOICE:
        if raw not in spec["choices"]:
            raise ValidationError(_("不是可选的值之一。"))
        return raw
    raise ValidationError(_("字段类型不正确。"))
