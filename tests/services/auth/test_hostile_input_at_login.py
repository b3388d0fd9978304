"""What an attacker types at the login and what the logs keep: a NUL or an overlong name is an
ordinary wrong login (not 系统繁忙), and a database error never carries the values it was given
(an ID number in a failed INSERT would otherwise reach the log)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

import ui.errors
from db.models import Person
from services import transaction
from services.auth.throttle import attempt_login
from tests.conftest import DEMO_PASSWORD


@pytest.mark.parametrize("typed", ["demo-\x00enterprise", "x" * 5000, "\x00"])
def test_a_control_character_or_an_overlong_name_is_just_a_wrong_login(demo_db, typed):
    outcome = attempt_login(typed, "wrong-password", source="ip:203.0.113.7")
    assert outcome.status == "wrong"


def test_the_control_characters_are_dropped_from_a_known_name(demo_db):
    outcome = attempt_login("demo-enter\x00prise", DEMO_PASSWORD, source="ip:203.0.113.8")
    assert outcome.status == "ok"


def test_a_database_error_does_not_carry_the_values_it_was_given(demo_db, caplog):
    with transaction() as s:
        existing = s.query(Person).first()
        assert existing is not None
        id_number = existing.id_number
    with pytest.raises(IntegrityError) as raised, transaction() as s:
        s.add(
            Person(
                id_number=id_number,
                name="重复",
                gender="男",
                birth_date=dt.date(1980, 1, 1),
                province="北京市",
                city="北京市",
                created_at=dt.datetime(2026, 1, 1),
            )
        )
        s.flush()
    ui.errors.LOG.error("error X", exc_info=raised.value)
    assert "IntegrityError" in caplog.text
    assert id_number not in caplog.text
