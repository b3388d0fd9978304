"""用户管理 and 操作员管理 (services.auth.accounts): who may manage which account, one-time passwords,
activation, the own password change and the end of sessions it brings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditLog, Enterprise, User
from services import transaction
from services.auth import accounts
from services.auth.login import COOKIE_DAYS, cookie_revoked, get_actor
from services.auth.passwords import check_password
from services.auth.throttle import attempt_login
from services.kernel.actor import Actor
from services.kernel.clock import now, timestamp
from services.kernel.errors import InvalidInput, NotFound, PermissionDenied
from services.kernel.vocabulary import Duty

PASSWORD = "demo-pass-2026"


def _actor(username: str) -> Actor:
    with transaction() as s:
        actor = get_actor(s, username)
    assert actor is not None
    return actor


def _user(username: str) -> User:
    with transaction() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
        return user


def _credit_code(username: str) -> str:
    with transaction() as s:
        return s.scalar(
            select(Enterprise.credit_code)
            .join(User, User.enterprise_id == Enterprise.id)
            .where(User.username == username)
        )


def _operator(admin: str, username: str) -> accounts.NewPassword:
    with transaction() as s:
        return accounts.create_account(s, _actor(admin), username=username, role="enterprise", name="操作员")


def test_the_ministry_admin_creates_a_reviewer_with_a_one_time_password(demo_db):
    admin = _actor("demo-ministry")
    with transaction() as s:
        made = accounts.create_account(
            s, admin, username="Reviewer1", role="ministry", name="审查员", duties=[Duty.review, Duty.analyse]
        )
    assert made.username == "reviewer1" and made.one_time_password and len(made.one_time_password) >= 12
    user = _user("reviewer1")
    assert user.duties == "review,analyse" and user.must_change_password and user.created_at is not None
    assert check_password(made.one_time_password, user.password_hash)
    with transaction() as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.object_id == made.user_id)) == "account_create"
        assert made.one_time_password not in "".join(s.scalars(select(AuditLog.detail)))  # never in the log


def test_two_one_time_passwords_differ_and_mix_letters_and_digits():
    words = {accounts.one_time_password() for _ in range(50)}
    assert len(words) == 50
    assert all(any(c.isdigit() for c in w) and any(c.isupper() for c in w) for w in words)


def test_duties_must_fit_the_role(demo_db):
    with transaction() as s, pytest.raises(InvalidInput, match="不能授予"):
        accounts.create_account(
            s, _actor("demo-ministry"), username="x1", role="applicant", name="x", duties=[Duty.admin]
        )


def test_without_the_admin_duty_no_account_is_managed(demo_db):
    with transaction() as s:
        user = s.scalars(select(User).where(User.username == "demo-ministry")).one()
        user.duties = "review,decide,analyse"
    reviewer = _actor("demo-ministry")
    with transaction() as s, pytest.raises(PermissionDenied):
        accounts.list_users(s, reviewer)
    with transaction() as s, pytest.raises(PermissionDenied):
        accounts.create_account(s, reviewer, username="x2", role="ministry", name="x")
    applicant = _actor("demo-applicant")
    with transaction() as s, pytest.raises(PermissionDenied):
        accounts.reset_password(s, applicant, user_id=_user("demo-enterprise").id)


def test_reset_gives_a_one_time_password_that_must_be_changed_then_ends_sessions(demo_db):
    target = _user("demo-enterprise")
    logged_in = now() - dt.timedelta(seconds=5)
    with transaction() as s:
        reset = accounts.reset_password(s, _actor("demo-ministry"), user_id=target.id)
    assert reset.one_time_password
    with transaction() as s:
        assert get_actor(s, "demo-enterprise", logged_in_at=logged_in) is None  # sessions before ended
    assert attempt_login("demo-enterprise", PASSWORD, source="t").status == "wrong"
    outcome = attempt_login("demo-enterprise", reset.one_time_password, source="t")
    assert outcome.status == "ok" and outcome.actor is not None
    with transaction() as s:
        assert accounts.password_change_required(s, outcome.actor)
    with transaction() as s:  # a use case of its own, as the page calls it
        accounts.change_password(s, outcome.actor, old_password=reset.one_time_password, new_password="my-own-pass-77")
    with transaction() as s:
        assert not accounts.password_change_required(s, outcome.actor)
    assert attempt_login("demo-enterprise", "my-own-pass-77", source="t").status == "ok"


def test_last_login_is_set_at_a_successful_login_only(demo_db):
    assert _user("demo-applicant").last_login_at is None
    assert attempt_login("demo-applicant", "wrong-password", source="t").status == "wrong"
    assert _user("demo-applicant").last_login_at is None
    assert attempt_login("demo-applicant", PASSWORD, source="t").status == "ok"
    assert _user("demo-applicant").last_login_at is not None
    with transaction() as s:
        listed = accounts.list_users(s, _actor("demo-ministry"), text="demo-applicant")
    assert listed.total == 1 and listed.rows.iloc[0]["最后登录"] != "从未登录"


def test_disable_and_enable(demo_db):
    admin, target = _actor("demo-ministry"), _user("demo-enterprise-2")
    with transaction() as s:
        accounts.set_active(s, admin, user_id=target.id, active=False)
    assert attempt_login("demo-enterprise-2", PASSWORD, source="t").status == "wrong"
    with transaction() as s:
        accounts.set_active(s, admin, user_id=target.id, active=True)
        actions = list(
            s.scalars(select(AuditLog.action).where(AuditLog.object_id == target.id, AuditLog.object_type == "user"))
        )
    assert "account_disable" in actions and "account_enable" in actions
    assert attempt_login("demo-enterprise-2", PASSWORD, source="t").status == "ok"


def test_nobody_disables_or_resets_their_own_account(demo_db):
    admin = _actor("demo-ministry")
    with transaction() as s, pytest.raises(InvalidInput, match="自己的账户"):
        accounts.set_active(s, admin, user_id=admin.user_id, active=False)


def test_an_enterprise_admin_manages_its_own_operators_only(demo_db):
    made = _operator("demo-enterprise", "ent-a-op")
    user = _user("ent-a-op")
    assert user.role == "enterprise" and user.enterprise_id == _actor("demo-enterprise").enterprise_id
    assert user.duties == "" and user.must_change_password
    a, b = _actor("demo-enterprise"), _actor("demo-enterprise-2")
    b_op = _operator("demo-enterprise-2", "ent-b-op")
    with transaction() as s:
        listed = accounts.list_users(s, a)
        assert set(listed.rows["用户名"]) == {"ent-a-op"}  # not itself, not B's
        accounts.reset_password(s, a, user_id=made.user_id)
        accounts.set_active(s, a, user_id=made.user_id, active=False)
    for act in (
        lambda s: accounts.reset_password(s, a, user_id=b_op.user_id),
        lambda s: accounts.set_active(s, a, user_id=b_op.user_id, active=False),
        lambda s: accounts.reset_password(s, a, user_id=b.user_id),
        lambda s: accounts.reset_password(s, a, user_id=_user("demo-ministry").id),
    ):
        with transaction() as s, pytest.raises(NotFound):
            act(s)
    assert check_password(b_op.one_time_password, _user("ent-b-op").password_hash)  # untouched
    assert _user("ent-b-op").active


def test_an_enterprise_admin_creates_operators_of_its_own_enterprise_whatever_it_passes(demo_db):
    a = _actor("demo-enterprise")
    with transaction() as s:
        accounts.create_account(
            s, a, username="sneaky", role="enterprise", name="x", enterprise_code=_credit_code("demo-enterprise-2")
        )
    assert _user("sneaky").enterprise_id == a.enterprise_id
    for role, duties in (("ministry", ()), ("enterprise", (Duty.enterprise_admin,))):
        with transaction() as s, pytest.raises((PermissionDenied, InvalidInput)):
            accounts.create_account(s, a, username=f"x-{role}", role=role, name="x", duties=duties)


def test_an_operator_without_the_admin_duty_manages_nobody(demo_db):
    made = _operator("demo-enterprise", "plain-op")
    with transaction() as s:
        user = s.get(User, made.user_id)
        user.must_change_password = False
    operator = _actor("plain-op")
    with transaction() as s, pytest.raises(PermissionDenied):
        accounts.list_users(s, operator)
    with transaction() as s, pytest.raises(PermissionDenied):
        accounts.create_account(s, operator, username="op2", role="enterprise", name="x")


def test_change_password_needs_the_old_one_and_a_valid_new_one(demo_db):
    me = _actor("demo-applicant")
    with transaction() as s, pytest.raises(InvalidInput, match="原密码不正确"):
        accounts.change_password(s, me, old_password="not-mine-123", new_password="a-new-pass-12")
    with transaction() as s, pytest.raises(InvalidInput, match="至少"):
        accounts.change_password(s, me, old_password=PASSWORD, new_password="short")
    with transaction() as s, pytest.raises(InvalidInput, match="相同"):
        accounts.change_password(s, me, old_password=PASSWORD, new_password=PASSWORD)
    assert check_password(PASSWORD, _user("demo-applicant").password_hash)


def test_wrong_old_passwords_are_throttled(demo_db):
    me = _actor("demo-applicant")
    for _ in range(5):
        with transaction() as s, pytest.raises(InvalidInput, match="原密码不正确"):
            accounts.change_password(s, me, old_password="guess-guess", new_password="a-new-pass-12")
    with transaction() as s, pytest.raises(InvalidInput, match="次数过多"):
        accounts.change_password(s, me, old_password=PASSWORD, new_password="a-new-pass-12")


def test_a_password_change_ends_every_session_and_cookie_and_is_audited(demo_db):
    me = _actor("demo-applicant")
    logged_in = now() - dt.timedelta(seconds=5)
    cookie = {"username": "demo-applicant", "exp_date": timestamp(logged_in + dt.timedelta(days=COOKIE_DAYS))}
    with transaction() as s:
        assert get_actor(s, "demo-applicant", logged_in_at=logged_in) is not None
        assert not cookie_revoked(s, cookie)
    with transaction() as s:
        accounts.change_password(s, me, old_password=PASSWORD, new_password="a-new-pass-12")
    with transaction() as s:
        assert get_actor(s, "demo-applicant", logged_in_at=logged_in) is None  # this and other sessions
        assert cookie_revoked(s, cookie)  # another device's cookie
        assert s.scalar(
            select(AuditLog.action).where(AuditLog.object_id == me.user_id, AuditLog.action == "password_change")
        )
    assert attempt_login("demo-applicant", PASSWORD, source="t").status == "wrong"
    assert attempt_login("demo-applicant", "a-new-pass-12", source="t").status == "ok"


def test_list_search_sort_and_export(demo_db):
    admin = _actor("demo-ministry")
    _operator("demo-enterprise", "zz-op")
    with transaction() as s:
        accounts_in_db = s.scalar(select(func.count(User.id)))
        ministry_accounts = s.scalar(select(func.count(User.id)).where(User.role == "ministry"))
        everyone = accounts.list_users(s, admin, page_size=100)
        assert everyone.total == accounts_in_db and list(everyone.rows["用户名"]) == sorted(everyone.rows["用户名"])
        found = accounts.list_users(s, admin, text="ZZ-")
        assert list(found.rows["用户名"]) == ["zz-op"] and found.rows.iloc[0]["职责"] == "操作员"
        assert accounts.list_users(s, admin, role="ministry").total == ministry_accounts
        newest = accounts.list_users(s, admin, sort=accounts.SORT_OPTIONS[2])
        assert newest.rows.iloc[0]["用户名"] == "zz-op"
        frame = accounts.export_users(s, admin, state=accounts.ACTIVE)
        assert len(frame) == accounts_in_db and "密码" not in "".join(frame.columns)
    with transaction() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "export", AuditLog.object_type == "user"))


def test_the_command_line_uses_the_same_rules(demo_db):
    from ops import accounts as cli

    with transaction() as s:
        user_id = cli.create_account(
            s, username="boot-admin", role="ministry", password="a-good-password-1", name="管理员"
        )
    user = _user("boot-admin")
    assert user.id == user_id and user.duties == "admin" and not user.must_change_password
