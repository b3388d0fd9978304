"""Identifier checks: 居民身份证号码 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

python-stdnum does the check-character arithmetic; the structural rules are the standards' own,
because stdnum's validators are stricter than the law in one place each (see below)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from services.kernel.clock import now
from services.kernel.values import ID_PROVINCE_CODES, RESIDENT_ID

_PHONE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_RIC = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_RIC_LEGACY = re.compile(r"^\d{15}$", re.ASCII)

GB_RIC = "GB 11643-1999"
GB_USCC = "GB 32100-2015"
# GB 32100-2015: 18 characters from digits and capitals without I, O, Z, S, V (values 0-30 in this order).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 登记管理部门代码 (position 1), GB 32100-2015 with its amendment No. 1 (2016): 1 机构编制, 2 外交,
# 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (市场监管), A 中央军委改革和编制办公室, N 农业, Y 其他.
USCC_AUTHORITIES = "123456789ANY"


def _compact(value: str | None) -> str:
    # NFKC turns full-width digits and letters (typed with a Chinese input method) into ASCII.
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def upgrade_id_number(number15: str) -> str:
    """The 18-digit form of a 15-digit number (GB 11643-1989): "19" before the 2-digit year, then the check digit."""
    body = number15[:6] + "19" + number15[6:]
    return body + ric.calc_check_digit(body + "0")


def normalize_id_number(value: str | None, id_type: str = RESIDENT_ID) -> str:
    """The stored form: no spaces, capitals, and a 15-digit 居民身份证 number as its 18-digit form."""
    number = _compact(value)
    if id_type == RESIDENT_ID and _RIC_LEGACY.match(number):
        return upgrade_id_number(number)
    return number


def id_number_error(value: str | None, id_type: str = RESIDENT_ID) -> str | None:
    """Message for a bad 证件号码, or None. Only 居民身份证 has a structure to check (GB 11643)."""
    number = normalize_id_number(value, id_type)
    if not number:
        return "请填写证件号码"
    if id_type != RESIDENT_ID:
        return None if 5 <= len(number) <= 32 else "证件号码长度应为 5 到 32 位"
    if len(number) != 18:
        return f"居民身份证号码应为 18 位，或 15 位的旧号码（{GB_RIC}）"
    if not _RIC.match(number):
        return f"居民身份证号码前 17 位应为数字，最后一位为数字或 X（{GB_RIC}）"
    # Province only: county codes are renumbered and old numbers keep retired ones, which stdnum's
    # full validate() rejects for birth years outside the county's life (notes/reliability.md ID-4).
    if number[:2] not in ID_PROVINCE_CODES:
        hint = "；台湾居民居住证请选择证件类型“港澳台居民居住证”" if number[:2] == "83" else ""
        return f"居民身份证号码前 2 位“{number[:2]}”不是省级行政区划代码（{GB_RIC} 地址码，GB/T 2260）{hint}"
    if number[-1] != ric.calc_check_digit(number):
        return f"居民身份证号码第 18 位校验码不正确（{GB_RIC}）"
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return f"居民身份证号码中的出生日期不正确（{GB_RIC} 出生日期码）"
    if born > now().date():  # China's today, whatever the server's zone
        return f"居民身份证号码中的出生日期不能晚于今天（{GB_RIC} 出生日期码）"
    return None


def birth_date_from_id(number: str) -> dt.date:
    return ric.get_birth_date(normalize_id_number(number))


def gender_from_id(number: str) -> str:
    """GB 11643 顺序码: odd for men, even for women."""
    return "男" if int(normalize_id_number(number)[16]) % 2 else "女"


def normalize_credit_code(value: str | None) -> str:
    return _compact(value)


def credit_code_error(value: str | None) -> str | None:
    """Message for a bad 统一社会信用代码, or None.

    GB 32100-2015's own rule, not stdnum's uscc.validate(): that one wants digits in positions 1-8,
    so it refuses lawful codes whose 登记管理部门 or 机构类别 code is a letter (N2…, Y1…, A1…, 9A…).
    The 组织机构代码 check of positions 9-17 (GB 11714) is not enforced: the 18th character is the
    code's own check, and early pilot codes that fail the inner one are lawful (domain.md §7.3)."""
    code = normalize_credit_code(value)
    if not code:
        return "请填写统一社会信用代码"
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位（{GB_USCC}）"
    if any(c not in USCC_ALPHABET for c in code):
        return f"统一社会信用代码由数字和大写英文字母组成，不使用 I、O、Z、S、V（{GB_USCC}）"
    if code[0] not in USCC_AUTHORITIES:
        return f"统一社会信用代码第 1 位登记管理部门代码应为 1–9、A、N、Y 之一（{GB_USCC}）"
    if not code[2:8].isdigit():
        return f"统一社会信用代码第 3–8 位登记管理机关行政区划码应为 6 位数字（{GB_USCC}）"
    if code[-1] != uscc.calc_check_digit(code):  # stdnum's arithmetic is the standard's (weights 3^i mod 31)
        return f"统一社会信用代码第 18 位校验码不正确（{GB_USCC}）"
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
