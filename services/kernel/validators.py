"""Identifier checks, with python-stdnum doing the check-digit arithmetic."""

from __future__ import annotations

import datetime as dt
import re

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from services.kernel.clock import now

_PHONE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_RIC = re.compile(r"^\d{17}[\dX]$", re.ASCII)


def normalize_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def id_number_error(value: str, id_type: str = "居民身份证") -> str | None:
    """Message for a bad 证件号码, or None. Only 居民身份证 has a check digit (GB 11643)."""
    number = normalize_id_number(value)
    if not number:
        return "请填写证件号码"
    if id_type != "居民身份证":
        return None if 5 <= len(number) <= 32 else "证件号码长度应为 5 到 32 位"
    if len(number) != 18:
        return "居民身份证号码应为 18 位"
    if not _RIC.match(number):
        return "居民身份证号码前 17 位应为数字，最后一位为数字或 X"
    # Check digit and birth date only: stdnum's full validate() also rejects retired
    # birthplace codes, which old, valid ID numbers keep (notes/reliability.md ID-4).
    if number[-1] != ric.calc_check_digit(number):
        return "居民身份证号码校验位不正确"
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return "居民身份证号码中的出生日期不正确"
    if born > now().date():  # China's today, whatever the server's zone
        return "居民身份证号码中的出生日期不能晚于今天"
    return None


def birth_date_from_id(number: str) -> dt.date:
    return ric.get_birth_date(normalize_id_number(number))


def gender_from_id(number: str) -> str:
    return "男" if int(normalize_id_number(number)[16]) % 2 else "女"


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def credit_code_error(value: str) -> str | None:
    """Message for a bad 统一社会信用代码 (GB 32100), or None."""
    code = normalize_credit_code(value)
    if not code:
        return "请填写统一社会信用代码"
    if len(code) != 18:
        return "统一社会信用代码应为 18 位"
    try:
        uscc.validate(code)
    except ValidationError:
        return "统一社会信用代码格式或校验位不正确"
    return None


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits


def phone_error(value: str) -> str | None:
    return None if _PHONE.match(normalize_phone(value)) else "手机号码应为 11 位，以 1 开头"


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
