"""The one query of every script run gives what get_actor, header_name, password_change_required and count_unread
give."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from db.models import User
from services import transaction
from services.auth.accounts import password_change_required
from services.auth.login import get_actor, header_name, revoke_sessions, signed_in_account
from services.kernel.clock import now
from services.notifications.inbox import count_unread
from tests import factories


@pytest.mark.parametrize("username", ["demo-enterprise", "demo-ministry", "demo-applicant", "demo-review"])
def test_one_query_answers_as_the_three(demo_db, username):
    with transaction() as s:
        s.execute(update(User).where(User.username == "demo-review").values(must_change_password=True))
    factories.message_for(username, "一条未读消息")
    with transaction() as s:
        account = signed_in_account(s, f" {username.upper()} ", logged_in_at=now())
        actor = get_actor(s, username)
        assert account is not None and actor is not None
        assert account.actor == actor
        assert account.header == header_name(s, actor)
        assert account.must_change_password == password_change_required(s, actor)
        assert account.unread == count_unread(s, actor) >= 1
    assert account.must_change_password == (username == "demo-review")


def test_none_when_revoked_disabled_or_unknown(demo_db):
    before = now() - dt.timedelta(minutes=1)
    with transaction() as s:
        assert signed_in_account(s, "nobody", logged_in_at=before) is None
        assert signed_in_account(s, "", logged_in_at=before) is None
        revoke_sessions(s, "demo-enterprise")
    with transaction() as s:
        assert signed_in_account(s, "demo-enterprise", logged_in_at=before) is None  # logged in before the logout
        assert signed_in_account(s, "demo-enterprise", logged_in_at=now() + dt.timedelta(seconds=1)) is not None
        s.execute(update(User).where(User.username == "demo-applicant").values(active=False))
    with transaction() as s:
        assert signed_in_account(s, "demo-applicant", logged_in_at=now()) is None
