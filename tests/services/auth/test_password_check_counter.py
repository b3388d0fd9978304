"""修改密码's wrong old passwords are counted with the throttle's one statement (INSERT ... ON CONFLICT DO
UPDATE ... WHERE ... RETURNING) inside the use case's own transaction, wherever it comes in it, and a wrong
try stays counted although the use case refuses it (CountedRefusal commits). Both databases."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import select, update

from db.models import User
from services import transaction
from services.auth import accounts
from services.auth.login import get_actor
from services.auth.passwords import check_password
from services.auth.throttle import MAX_FAILED_LOGINS, password_checks
from services.kernel.actor import Actor
from services.kernel.clock import now
from services.kernel.errors import CountedRefusal, InvalidInput
from tests.conftest import DEMO_PASSWORD
from tests.races import at_once, slow_password_checks

USER = "demo-applicant"
TOO_MANY = "次数过多"


def _actor() -> Actor:
    with transaction() as s:
        actor = get_actor(s, USER)
    assert actor is not None
    return actor


def test_the_counter_counts_after_other_statements_of_its_transaction(demo_db):
    key, at = "user:after-others", now()
    with transaction() as s:
        s.scalar(select(User.id).where(User.username == USER))  # a read first
        s.execute(update(User).where(User.username == USER).values(last_login_at=at))  # and a write
        taken = [password_checks.take(s, key, at) for _ in range(MAX_FAILED_LOGINS + 1)]
    assert taken == [True] * MAX_FAILED_LOGINS + [False]
    with transaction() as s:
        s.scalar(select(User.id))
        assert not password_checks.take(s, key, at)  # committed with its transaction


def test_a_wrong_old_password_stays_counted_after_a_read_in_the_same_transaction(demo_db):
    me = _actor()
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(CountedRefusal, match="原密码不正确"):
            with transaction() as s:
                assert not accounts.password_change_required(s, me)  # the transaction has read already
                accounts.change_password(s, me, old_password="guess-guess", new_password="a-new-pass-12")
    with pytest.raises(InvalidInput, match=TOO_MANY):
        with transaction() as s:
            accounts.password_change_required(s, me)
            accounts.change_password(s, me, old_password=DEMO_PASSWORD, new_password="a-new-pass-12")


def test_one_wrong_password_less_than_the_limit_leaves_the_right_one_working(demo_db):
    me = _actor()
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(CountedRefusal):
            with transaction() as s:
                accounts.change_password(s, me, old_password="guess-guess", new_password="a-new-pass-12")
    with transaction() as s:
        accounts.change_password(s, me, old_password=DEMO_PASSWORD, new_password="a-new-pass-12")


def test_parallel_wrong_old_passwords_check_exactly_the_allowed_number(demo_db, monkeypatch):
    """Mirrors test_login_throttle_race: 12 tries at once, each check taking 50 ms."""
    checked = slow_password_checks(monkeypatch, accounts)
    me, threads = _actor(), 12

    def person(i: int) -> str:
        try:
            with transaction() as s:
                accounts.change_password(s, me, old_password=f"wrong-{i}", new_password="a-new-pass-12")
        except InvalidInput as exc:
            return TOO_MANY if TOO_MANY in exc.message else "wrong"
        return "changed"

    outcomes = at_once([partial(person, i) for i in range(threads)])
    assert sorted(outcomes) == sorted(["wrong"] * MAX_FAILED_LOGINS + [TOO_MANY] * (threads - MAX_FAILED_LOGINS))
    assert len(checked) == MAX_FAILED_LOGINS  # a refused try never reaches bcrypt


def test_the_right_old_password_after_a_read_in_the_same_transaction(demo_db):
    """SQLite: a count committed by a transaction of its own would leave this one's read snapshot stale,
    and its write refused ("database is locked"); counted in this transaction, the change goes through."""
    me = _actor()
    with transaction() as s:
        assert not accounts.password_change_required(s, me)
        accounts.change_password(s, me, old_password=DEMO_PASSWORD, new_password="a-new-pass-12")
    with transaction() as s:
        assert check_password("a-new-pass-12", s.scalar(select(User.password_hash).where(User.id == me.user_id)))
