"""python -m ops.accounts: create, disable and reset password from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Enterprise, User
from ops import accounts
from services import transaction
from services.auth.login import get_actor
from services.auth.passwords import check_password
from services.kernel.clock import now
from services.kernel.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[3]


def _run(*args, password="a-good-password-1", env_extra=None):
    import os

    env = {**os.environ, "ACCOUNT_PASSWORD": password, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "ops.accounts", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_create_enterprise_account_via_the_command(demo_db):
    with transaction() as s:
        code = s.scalars(select(Enterprise.credit_code)).first()
    done = _run("create", "Staff-A", "--role", "enterprise", "--enterprise-code", code)
    assert done.returncode == 0, done.stderr
    assert "操作成功" in done.stdout
    with transaction() as s:
        user = s.scalars(select(User).where(User.username == "staff-a")).one()
        assert user.role == "enterprise" and check_password("a-good-password-1", user.password_hash)
        assert "a-good-password-1" not in user.password_hash


def test_bad_input_exits_non_zero_with_a_message(demo_db):
    done = _run("create", "x", "--role", "enterprise", "--enterprise-code", "nope")
    assert done.returncode == 2 and "未找到该企业" in done.stderr
    done = _run("create", "y", "--role", "ministry", "--name", "审核员", password="short")
    assert done.returncode == 2 and "密码至少" in done.stderr
    assert _run("disable", "nobody").returncode == 2


def test_disable_ends_sessions_and_reset_changes_the_password(demo_db):
    logged_in = now()
    with transaction() as s:
        accounts.set_active(s, username="demo-enterprise", active=False)
    with transaction() as s:
        assert get_actor(s, "demo-enterprise", logged_in_at=logged_in) is None
        accounts.set_active(s, username="demo-enterprise", active=True)
        accounts.reset_password(s, username="demo-enterprise", password="another-pass-9")
    with transaction() as s:
        user = s.scalars(select(User).where(User.username == "demo-enterprise")).one()
        assert check_password("another-pass-9", user.password_hash)
        assert get_actor(s, "demo-enterprise", logged_in_at=logged_in) is None  # old sessions stay ended


def test_duplicate_username_and_long_password_refused(demo_db):
    with pytest.raises(InvalidInput, match="已存在"):
        with transaction() as s:
            accounts.create_account(s, username="DEMO-MINISTRY", role="ministry", password="long-enough-1", name="x")
    with pytest.raises(InvalidInput, match="72 字节"):
        with transaction() as s:
            accounts.reset_password(s, username="demo-ministry", password="密" * 25)
