"""The identity rules at their boundaries: 统一社会信用代码 by GB 32100-2015 (not by python-stdnum, which
refuses lawful codes) and 居民身份证号码 by GB 11643-1999 (province, legacy 15-digit numbers)."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric, uscc

from services.kernel.validators import (
    birth_date_from_id,
    credit_code_error,
    gender_from_id,
    id_number_error,
    normalize_credit_code,
    normalize_id_number,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def gb32100(first17: str) -> str:
    """The code with its 18th character, computed from the standard's text (weights 3^i mod 31), not by stdnum."""
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + ALPHABET[(31 - total % 31) % 31]


def gb11643(first17: str) -> str:
    """The number with its check digit, ISO 7064 MOD 11-2 as GB 11643-1999 writes it."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


# ------------------------------------------------------------------ 统一社会信用代码 (GB 32100-2015)


def test_the_standards_own_examples_pass_and_the_check_arithmetic_is_the_standards():
    for code in ("91350100M000100Y43", "9131000063159284XQ", "91110000600037341L"):
        assert gb32100(code[:17]) == code
        assert credit_code_error(code) is None


@pytest.mark.parametrize(
    "first17",
    [
        "N2320582MA1ABCDE1",  # 农业: 村级集体经济组织
        "Y1110000MA01XYW05",  # 其他
        "A1110000MA01XYW05",  # 中央军委改革和编制办公室: 军队事业单位
        "9A110108MA01XYW05",  # a letter as 机构类别代码
        "N9440300MA5DABCD1",
        "12100000400000627",  # 机构编制 / 事业单位, digits: stdnum agrees
    ],
)
def test_codes_with_letters_in_positions_1_2_are_lawful_though_stdnum_refuses_them(first17):
    code = gb32100(first17)
    assert credit_code_error(code) is None
    assert uscc.is_valid(code) == first17[:2].isdigit()  # why the standard's rule wraps the library


def test_every_registration_authority_of_the_standard_is_accepted_and_no_other():
    for first in ALPHABET:
        error = credit_code_error(gb32100(first + "1110108MA01XYW05"))
        if first in "123456789ANY":
            assert error is None, first
        else:
            assert "第 1 位登记管理部门代码" in error and "GB 32100-2015" in error, first


@pytest.mark.parametrize("position", [0, 8, 16])
def test_wrong_check_character_is_refused_naming_the_standard(position):
    code = gb32100("91110108MA01XYW05")
    wrong = next(c for c in ALPHABET if c != code[-1])
    assert credit_code_error(code[:-1] + wrong) == "统一社会信用代码第 18 位校验码不正确（GB 32100-2015）"
    # one changed character anywhere else is caught by the same check
    changed = code[:position] + ("2" if code[position] != "2" else "3") + code[position + 1 :]
    assert credit_code_error(changed) is not None


def test_lowercase_full_width_and_spaces_are_normalised():
    code = gb32100("N2320582MA1ABCDE1")
    assert normalize_credit_code(f" {code.lower()[:8]} {code.lower()[8:]} ") == code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)  # typed with a Chinese input method
    assert normalize_credit_code(full_width) == code
    assert credit_code_error(code.lower()) is None


@pytest.mark.parametrize("letter", "IOZSV")
def test_i_o_z_s_v_are_refused_anywhere(letter):
    valid = gb32100("91110108MA01XYW05")
    for position in (0, 1, 9, 17):  # 登记管理部门, 机构类别, 主体标识码, 校验码
        code = valid[:position] + letter + valid[position + 1 :]
        error = credit_code_error(code)
        assert error == "统一社会信用代码由数字和大写英文字母组成，不使用 I、O、Z、S、V（GB 32100-2015）", code


def test_positions_3_to_8_are_a_six_digit_division_code():
    assert credit_code_error(gb32100("9111010AMA01XYW05")) == (
        "统一社会信用代码第 3–8 位登记管理机关行政区划码应为 6 位数字（GB 32100-2015）"
    )
    assert credit_code_error(gb32100("91100000MA01XYW05")) is None  # 100000: registered at national level


def test_the_inner_organisation_code_check_is_not_enforced():
    # GB 11714 check of 主体标识码 "M000100Y" is 4 (91350100M000100Y43); 5 breaks it, the 18th still fits.
    assert credit_code_error(gb32100("91350100M000100Y5")) is None


@pytest.mark.parametrize("code", ["", "   ", gb32100("91110108MA01XYW05")[:17], gb32100("91110108MA01XYW05") + "1"])
def test_length_is_eighteen(code):
    assert credit_code_error(code) in ("请填写统一社会信用代码", "统一社会信用代码应为 18 位（GB 32100-2015）")


# ------------------------------------------------------------------ 居民身份证号码 (GB 11643-1999)

PROVINCES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"


@pytest.mark.parametrize("province", PROVINCES.split())
def test_every_gb_t_2260_province_is_accepted(province):
    assert id_number_error(gb11643(f"{province}010219800101001")) is None


@pytest.mark.parametrize(
    "province", ["00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "70", "72"]
)
def test_a_number_outside_the_provinces_is_refused(province):
    error = id_number_error(gb11643(f"{province}010219800101001"))
    assert error == f"居民身份证号码前 2 位“{province}”不是省级行政区划代码（GB 11643-1999 地址码，GB/T 2260）"


def test_83_is_a_taiwan_residence_permit_not_an_id_card():
    error = id_number_error(gb11643("83000019800101001"))
    assert "不是省级行政区划代码" in error and "港澳台居民居住证" in error


def test_retired_county_codes_are_accepted():
    # The standard's own example: 440524 (潮阳县) existed 1983-1993, so stdnum refuses a man born 1880.
    assert not ric.is_valid("440524188001010014")
    assert id_number_error("440524188001010014") is None
    assert id_number_error(gb11643("11010319600101001")) is None  # 崇文区, merged in 2010
    assert id_number_error(gb11643("51020219700101001")) is None  # 重庆 under 四川 until 1997
    # a county code in no table: only the province is a hard rule (the check digit catches typos)
    assert id_number_error(gb11643("11999919800101001")) is None


def test_wrong_check_digit_names_the_standard():
    assert id_number_error("110105194912310021") == "居民身份证号码第 18 位校验码不正确（GB 11643-1999）"
    assert id_number_error("11010519491231002x") is None


def test_a_legacy_15_digit_number_is_accepted_and_stored_as_18_digits():
    assert normalize_id_number("110105491231002") == "11010519491231002X"  # the standard's example, female
    assert normalize_id_number(" 440524 800101 001 ") == gb11643("44052419800101001")
    assert id_number_error("110105491231002") is None
    assert birth_date_from_id("110105491231002") == dt.date(1949, 12, 31)
    assert gender_from_id("110105491231002") == "女"
    assert gender_from_id("110105491231001") == "男"


def test_a_legacy_number_keeps_every_other_rule():
    assert "出生日期" in id_number_error("110105490230002")  # 1949-02-30
    assert "不是省级行政区划代码" in id_number_error("830000800101001")
    assert id_number_error("11010549123100X") == "居民身份证号码应为 18 位，或 15 位的旧号码（GB 11643-1999）"
    for length in (14, 16, 17, 19):
        assert "应为 18 位" in id_number_error("1" * length)


def test_other_document_types_are_not_converted():
    assert normalize_id_number("123456789012345", "外国人永久居留身份证") == "123456789012345"
    assert id_number_error("123456789012345", "外国人永久居留身份证") is None


def test_full_width_digits_are_normalised():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "11010519491231002X")
    assert normalize_id_number(full_width) == "11010519491231002X"


def test_birth_date_boundary_is_chinas_today(time_machine):
    time_machine.move_to(dt.datetime(2028, 2, 29, 8, 0, tzinfo=dt.UTC))  # 16:00 in China
    assert id_number_error(gb11643("11010520280229002")) is None
    assert id_number_error(gb11643("11010520280301002")) == (
        "居民身份证号码中的出生日期不能晚于今天（GB 11643-1999 出生日期码）"
    )
    assert "出生日期不正确" in id_number_error(gb11643("11010519000229002"))  # 1900 is no leap year
