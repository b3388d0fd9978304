"""注册账号 (services.auth.signup): a match opens an account, a mismatch or an existing account gets
the same answer, every attempt is throttled, and an enterprise waits for the administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import AuditLog, Enterprise, Person, User
from services import transaction
from services.auth import accounts, signup
from services.auth.login import get_actor
from services.auth.throttle import SIGNUP_PER_IDENTITY, SIGNUP_PER_SOURCE, attempt_login
from services.kernel.errors import InvalidInput, PermissionDenied
from tests import factories

PASSWORD = "my-signup-pass-1"


def _free_person() -> Person:
    """A registry person with a phone number and no account."""
    with transaction() as s:
        person = s.scalars(
            select(Person)
            .where(Person.phone != "", Person.id.not_in(select(User.person_id).where(User.person_id.is_not(None))))
            .order_by(Person.id)
        ).first()
        s.expunge(person)
        return person


def _engineer(person: Person, *, username="eng1", name=None, phone=None, source="ip:1", id_number=None) -> str:
    with transaction() as s:
        return signup.sign_up_engineer(
            s,
            id_number=id_number or person.id_number,
            name=name or person.name,
            phone=phone or person.phone,
            username=username,
            password=PASSWORD,
            confirm=PASSWORD,
            source=source,
        )


def _users() -> int:
    with transaction() as s:
        return len(s.scalars(select(User.id)).all())


def test_a_matching_engineer_gets_an_active_account_and_logs_in(demo_db):
    person = _free_person()
    answer = _engineer(person)
    assert answer == signup.ENGINEER_ANSWER
    outcome = attempt_login("eng1", PASSWORD, source="t")
    assert outcome.status == "ok" and outcome.actor.person_id == person.id and outcome.actor.role == "applicant"


@pytest.mark.parametrize("wrong", ["name", "phone", "id_number"])
def test_a_mismatch_gets_the_same_answer_and_no_account(demo_db, wrong):
    person = _free_person()
    other = {"name": "张冒名", "phone": "13900000000", "id_number": "11010519491231002X"}
    before = _users()
    assert _engineer(person, **{wrong: other[wrong]}) == signup.ENGINEER_ANSWER
    assert _users() == before
    assert attempt_login("eng1", PASSWORD, source="t").status == "wrong"


def test_a_person_with_an_account_gets_the_same_answer_and_nothing_changes(demo_db):
    with transaction() as s:
        xue = s.scalars(
            select(Person).join(User, User.person_id == Person.id).where(User.username == "demo-applicant")
        ).one()
        s.expunge(xue)
    before = _users()
    assert _engineer(xue, username="xue-again") == signup.ENGINEER_ANSWER
    assert _users() == before


def test_match_and_mismatch_do_the_same_work(demo_db, monkeypatch):
    """Similar timing by construction (no test asserts a time): one bcrypt hash and one audit row either way."""
    person = _free_person()
    hashes: list[str] = []
    real_hash = signup.hash_password
    monkeypatch.setattr(signup, "hash_password", lambda p: hashes.append(p) or real_hash(p))
    _engineer(person, username="miss", name="张冒名", source="ip:m")
    _engineer(person, username="hit", source="ip:h")
    assert len(hashes) == 2
    with transaction() as s:
        rows = list(s.scalars(select(AuditLog.action).where(AuditLog.action.in_(["signup", "signup_refused"]))))
    assert sorted(rows) == ["signup", "signup_refused"]


def test_sign_up_is_throttled_by_id_number_whatever_the_source(demo_db):
    person = _free_person()
    for i in range(SIGNUP_PER_IDENTITY):
        _engineer(person, username=f"t{i}", name="张冒名", source=f"ip:{i}")
    with pytest.raises(signup.SignUpThrottled, match="操作过于频繁"):  # now even the right data, from anywhere
        _engineer(person, username="t-last", source="ip:other")
    assert attempt_login("t-last", PASSWORD, source="t").status == "wrong"


def test_sign_up_is_throttled_by_source_whatever_the_id_number(demo_db):
    for i in range(SIGNUP_PER_SOURCE):  # numbers not in the registry count as much as real ones
        _engineer(
            _free_person(), username=f"s{i}", id_number=factories.id_number(dt.date(1980, 1, 1)), source="ip:same"
        )
    with pytest.raises(signup.SignUpThrottled):
        _engineer(_free_person(), username="s-last", source="ip:same")
    assert _engineer(_free_person(), username="s-last", source="ip:elsewhere") == signup.ENGINEER_ANSWER
    assert attempt_login("s-last", PASSWORD, source="t").status == "ok"


def test_form_errors_name_the_field_without_consulting_the_registry(demo_db):
    person = _free_person()
    with transaction() as s, pytest.raises(InvalidInput, match="不一致"):
        signup.sign_up_engineer(
            s,
            id_number=person.id_number,
            name=person.name,
            phone=person.phone,
            username="u",
            password=PASSWORD,
            confirm="other-pass-1",
            source="ip:1",
        )
    with pytest.raises(InvalidInput, match="已被使用"):
        _engineer(person, username="demo-ministry")


def _enterprise(*, username="ent-admin", name=None, code=None, source="ip:e") -> str:
    with transaction() as s:
        ent = s.scalars(
            select(Enterprise).where(
                Enterprise.id.not_in(select(User.enterprise_id).where(User.enterprise_id.is_not(None)))
            )
        ).first()
        return signup.sign_up_enterprise(
            s,
            credit_code=code or ent.credit_code,
            name=name or ent.name,
            contact="王联系",
            username=username,
            password=PASSWORD,
            confirm=PASSWORD,
            source=source,
        )


def test_an_enterprise_sign_up_waits_for_the_ministry_admin(demo_db):
    assert _enterprise() == signup.ENTERPRISE_ANSWER
    assert attempt_login("ent-admin", "not-the-password", source="t").status == "wrong"  # nothing told
    assert attempt_login("ent-admin", PASSWORD, source="t").status == "pending"
    with transaction() as s:
        admin = get_actor(s, "demo-ministry")
        pending = accounts.list_users(s, admin, state=accounts.PENDING)
        assert list(pending.rows["用户名"]) == ["ent-admin"] and pending.keys[0].status == accounts.PENDING
        accounts.activate_account(s, admin, user_id=pending.keys[0].id)
    outcome = attempt_login("ent-admin", PASSWORD, source="t")
    assert outcome.status == "ok" and outcome.actor.may("enterprise_admin")
    with transaction() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "account_activate"))


def test_only_the_ministry_admin_activates(demo_db):
    _enterprise()
    with transaction() as s:
        user_id = s.scalar(select(User.id).where(User.username == "ent-admin"))
        with pytest.raises(PermissionDenied):
            accounts.activate_account(s, get_actor(s, "demo-enterprise"), user_id=user_id)


def test_an_enterprise_mismatch_or_one_with_an_admin_creates_nothing(demo_db):
    before = _users()
    assert _enterprise(name="别的公司") == signup.ENTERPRISE_ANSWER
    with transaction() as s:
        code, name = s.execute(
            select(Enterprise.credit_code, Enterprise.name)
            .join(User, User.enterprise_id == Enterprise.id)
            .where(User.username == "demo-enterprise")
        ).one()
    assert _enterprise(username="second-admin", code=code, name=name) == signup.ENTERPRISE_ANSWER
    assert _users() == before
