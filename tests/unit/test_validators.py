import datetime as dt

import pytest

from services.kernel.masking import mask_id_number, mask_phone
from services.kernel.validators import (
    age_on,
    birth_date_from_id,
    credit_code_error,
    gender_from_id,
    id_number_error,
    normalize_phone,
    phone_error,
)


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "11010519491231002x", "440524188001010014", "34052419800101001X"]
)
def test_valid_id_numbers(number):
    assert id_number_error(number) is None


@pytest.mark.parametrize(
    "number,message",
    [
        ("110105194912310021", "校验码"),  # wrong check digit
        ("110105190002290017", "出生日期"),  # 1900-02-29 does not exist
        ("11010519491231002", "18 位"),
        ("", "请填写"),
    ],
)
def test_invalid_id_numbers(number, message):
    assert message in id_number_error(number)


def test_other_id_types_skip_the_checksum():
    assert id_number_error("E12345678", id_type="护照") is None
    assert id_number_error("E1", id_type="护照") is not None


def test_birth_date_gender_and_age_from_id():
    assert birth_date_from_id("11010519491231002X") == dt.date(1949, 12, 31)
    assert gender_from_id("11010519491231002X") == "女"
    assert gender_from_id("440524188001010014") == "男"
    assert age_on(dt.date(1961, 6, 1), dt.date(2026, 5, 31)) == 64
    assert age_on(dt.date(1961, 6, 1), dt.date(2026, 6, 1)) == 65


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91320100MA1X2Y3W3Q", "9131000063159284XQ", " 91350100m000100y43 "]
)
def test_valid_credit_codes(code):
    assert credit_code_error(code) is None


@pytest.mark.parametrize(
    "code", ["91350100M000100Y4Z", "91350100M000100Y44", "91350100M00010", "", "91350100O000100Y43"]
)
def test_invalid_credit_codes(code):
    assert credit_code_error(code) is not None


def test_phone_rules():
    assert phone_error("13800138000") is None
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    for bad in ("12345678901", "1380013800", "138001380001"):
        assert phone_error(bad)


def test_masking_keeps_length_and_ends():
    assert mask_id_number("42010219900101123X") == "4201**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == "" and mask_phone(None) == ""
    assert mask_id_number("E1234567") == "E*******"
