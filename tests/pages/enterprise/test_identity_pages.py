"""What a person sees of the identity rules: the important-info change naming GB 32100-2015 when it refuses a
统一社会信用代码 (and taking a lawful code python-stdnum refuses), and 已注册人员 finding a person by the legacy
15-digit 居民身份证 number."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from stdnum.cn import uscc

from tests.pages.apptest_kit import (
    ENT,
    INFO,
    REGISTERED,
    actor,
    db,
    errors,
    flash_ok,
    no_exception,
    submit,
    table,
)


def _submit_change(login, code: str):
    at = login(ENT, INFO)
    at.text_input(key="i_code").input(code)
    at.text_area(key="i_reason").input("市场监管部门已核准变更")
    submit(at, "important").click().run()
    return no_exception(at)


def test_a_wrong_check_character_is_refused_naming_the_standard(login):
    body = "91110108MA01ABCD1"
    right = uscc.calc_check_digit(body)
    at = _submit_change(login, body + ("1" if right != "1" else "2"))
    shown = [e.replace("\\", "") for e in errors(at)]  # the Markdown escapes are not on screen
    assert "统一社会信用代码：统一社会信用代码第 18 位校验码不正确（GB 32100-2015）" in shown, shown


def test_a_lawful_code_with_letters_in_front_is_taken(login):
    code = "N2110108MA01ABCD1" + uscc.calc_check_digit("N2110108MA01ABCD1")
    at = _submit_change(login, code.lower())
    assert flash_ok(at), errors(at)
    assert table(at, "changes_table").iloc[0]["新统一社会信用代码"] == code


def test_registered_staff_are_found_by_the_15_digit_number(login):
    from db.models import Person, Registration
    from services import workflow

    ent_id = actor(ENT).enterprise_id
    name, number = db(
        lambda s: s.execute(
            select(Person.name, Person.id_number)
            .join(Registration, Registration.person_id == Person.id)
            .where(
                Registration.enterprise_id == ent_id,
                Registration.status == workflow.ACTIVE,
                Person.birth_date < dt.date(2000, 1, 1),
            )
            .order_by(Person.id)
        ).first()
    )
    at = login(ENT, REGISTERED)
    at.text_input(key="r_id").input(number[:6] + number[8:17])
    submit(at, "registered_filters", "查询").click().run()
    no_exception(at)
    assert list(table(at)["姓名"]) == [name]
