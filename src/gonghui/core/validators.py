"""Validators for the identifiers Chinese unions handle every day.

Each has a pure function (``is_valid_*`` / ``*_check_char``) that property tests exercise, and a
Django validator raising a ValidationError whose message is translated (Chinese source,
Traditional and English catalogues).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 11643-1999: weights are 2^(17-i) mod 11, check characters indexed by the sum mod 11.
ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CARD_CHECK_CHARS = "10X98765432"
ID_CARD_RE = re.compile(r"^[0-9]{17}[0-9X]$")
# The earliest birth year a living worker can plausibly have.
ID_CARD_MIN_BIRTH_YEAR = 1900

# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^i mod 31.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")

# GB/T 2260 province-level codes (first two digits), plus 10 for the national level.
PROVINCE_PREFIXES = frozenset(
    {
        "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35",
        "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61",
        "62", "63", "64", "65", "71", "81", "82",
    }
)  # fmt: skip
REGION_CODE_RE = re.compile(r"^[0-9]{6}$")


def normalize_id_card(value: str) -> str:
    """Upper-case the check character and drop surrounding spaces: 'x' is a common typing."""
    return (value or "").strip().upper()


def id_card_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return ID_CARD_CHECK_CHARS[total % 11]


def id_card_birth_date(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_card_gender(number: str) -> str:
    """'M' or 'F' from the 17th digit (odd is male), as GB 11643 defines."""
    return "M" if int(number[16]) % 2 else "F"


def id_card_error(value: str, *, today: datetime.date | None = None):
    """Return the translated reason the number is invalid, or None when it is valid."""
    number = normalize_id_card(value)
    if not ID_CARD_RE.match(number):
        return _("身份证号码应为18位：前17位数字，最后一位为数字或X。")
    if number[:2] not in PROVINCE_PREFIXES or number[:2] == "10":
        return _("身份证号码的地区码无效。")
    birth = id_card_birth_date(number)
    today = today or datetime.date.today()
    if birth is None or birth > today or birth.year < ID_CARD_MIN_BIRTH_YEAR:
        return _("身份证号码中的出生日期无效。")
    if id_card_check_char(number[:17]) != number[17]:
        return _("身份证号码校验位错误，请核对。")
    return None


def is_valid_id_card(value: str, *, today: datetime.date | None = None) -> bool:
    return id_card_error(value, today=today) is None


def validate_id_card(value: str) -> None:
    message = id_card_error(value)
    if message:
        raise ValidationError(message, code="invalid_id_card")


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def credit_code_error(value: str):
    code = normalize_credit_code(value)
    if len(code) != 18 or not CREDIT_CODE_RE.match(code):
        return _("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）。")
    if code[2:4] not in PROVINCE_PREFIXES:
        return _("统一社会信用代码中的登记管理机关行政区划码无效。")
    if credit_code_check_char(code[:17]) != code[17]:
        return _("统一社会信用代码校验位错误，请核对。")
    return None


def is_valid_credit_code(value: str) -> bool:
    return credit_code_error(value) is None


def validate_credit_code(value: str) -> None:
    message = credit_code_error(value)
    if message:
        raise ValidationError(message, code="invalid_credit_code")


def is_valid_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match((value or "").strip()))


def validate_mobile(value: str) -> None:
    if not is_valid_mobile(value):
        raise ValidationError(
            _("请输入11位中国大陆手机号码（1开头，第二位为3-9）。"), code="invalid_mobile"
        )


def region_code_error(value: str):
    code = (value or "").strip()
    if not REGION_CODE_RE.match(code):
        return _("行政区划代码应为6位数字。")
    if code[:2] not in PROVINCE_PREFIXES:
        return _("行政区划代码的省级部分无效。")
    if code[:2] == "10" and code != "100000":
        return _("全国级行政区划代码只能是100000。")
    if code[2:4] == "00" and code[4:6] != "00":
        return _("行政区划代码无效：地市部分为00时区县部分也必须为00。")
    return None


def is_valid_region_code(value: str) -> bool:
    return region_code_error(value) is None


def validate_region_code(value: str) -> None:
    message = region_code_error(value)
    if message:
        raise ValidationError(message, code="invalid_region_code")


def mask_id_card(number: str) -> str:
    """4101**********1234: the province/city prefix and last four, nothing that identifies."""
    number = normalize_id_card(number)
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]
