"""The actor gate and the login state of this browser session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from services import transaction
from services.auth.cookie import read_token
from services.auth.login import SignedIn, session_expiry, signed_in_account
from services.kernel.actor import Actor
from services.kernel.clock import now

# Few keys: every text box and select box of a run walks the whole session_state (Streamlit's
# filtered_state, ~50 events a key; on 注册审批 a fifth of the run), so what the app keeps for the whole
# session is one object under one key (Kept).
KEPT_KEY = "_kept"
FLASH_KEY = "_flash"
# (kind, text): why the session ended, on the login form until the next attempt: "error" when it was
# ended for the user, "success" when the user ended it on purpose (修改密码), which nothing overwrites.
NOTICE_KEY = "_login_notice"


@dataclass
class Kept:
    """What this browser session keeps from run to run, the login's share reset by end_session."""

    actor: Actor | None = None  # the actor this run's gate let in
    account: SignedIn | None = None  # read with it: the header name, one-time password flag, unread count
    times: tuple[dt.datetime, dt.datetime] | None = None  # logged in at, last seen at
    menus: dict[str, Any] = field(default_factory=dict)  # app.py's navigation per role and duties
    list_generation: int = 0  # ui.tables: bumped by every action and new query, tables forget their selection
    lists_shown: dict[str, Any] = field(default_factory=dict)  # ui.tables: per list, the rows shown last
    exports: dict[str, Any] = field(default_factory=dict)  # ui.tables.export_buttons: per list, its last export
    figures: dict[str, Any] = field(default_factory=dict)  # ui.cached.session_figure's figures


def kept() -> Kept:
    """This session's Kept (made on first use)."""
    value = st.session_state.get(KEPT_KEY)
    if value is None:
        value = st.session_state[KEPT_KEY] = Kept()
    return value


def start_session(_info: dict | None = None) -> None:
    """A login by the form: this session's clock starts now (used as the login callback)."""
    at = now()
    kept().times = (at, at)


def end_session() -> None:
    session = kept()
    session.actor = session.account = session.times = None


def guard_login_cookie(auth) -> None:
    """Let services.auth.cookie.read_token judge the login cookie for streamlit-authenticator.

    The library catches only a bad signature: a cookie forged with alg=none (InvalidAlgorithmError) or
    signed without "exp_date" (KeyError) failed every run of that browser until its cookies were
    cleared. Now a cookie that is not ours counts as no cookie, and the browser is told to delete it
    (once a run: the component's key may appear once)."""
    model = auth.cookie_controller.cookie_model

    def decode():
        claims = read_token(model.token, model.cookie_key)
        if claims is not None:
            return claims
        if isinstance(model.token, str) and not getattr(model, "_forged_deleted", False):
            model._forged_deleted = True
            try:
                model.cookie_manager.delete(model.cookie_name, key="delete_forged_cookie")
            except KeyError:  # the browser had not reported its cookies yet; the delete is sent anyway
                pass
        return False  # what the library's own decoder answers for a bad cookie

    model._token_decode = decode


def flash(kind: str, message: str) -> None:
    """Leave a message for the top of the next run ("success" or "error"); app.py shows it."""
    st.session_state[FLASH_KEY] = (kind, message)


def signed_off(message: str) -> None:
    """The user ended every session of theirs on purpose (修改密码): the login form says `message` in
    green until the next attempt, instead of a one-run flash followed by a red 「登录已失效」."""
    st.session_state.pop(FLASH_KEY, None)
    st.session_state[NOTICE_KEY] = ("success", message)


def current_actor() -> Actor | None:
    """The logged-in actor, re-read from the database on every run.

    None (and the reason left for the login form) when the session is idle or old beyond the limits,
    or when the user was disabled or logged out elsewhere since this session logged in. Not a flash:
    the logout's cookie component reruns the script, and a flash lasts one run only.
    """
    username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
    if not username:
        return None
    at = now()
    session = kept()
    logged_in_at, last_seen = session.times or (at, at)
    expired = session_expiry(logged_in_at, last_seen, at)
    with transaction() as s:  # one query: the account, its header name and its one-time password flag
        account = None if expired else signed_in_account(s, username, logged_in_at=logged_in_at)
    if account is None:
        if st.session_state.get(NOTICE_KEY, ("",))[0] != "success":
            st.session_state[NOTICE_KEY] = ("error", expired or "登录已失效，请重新登录。")
        end_session()
        return None
    session.times = (logged_in_at, at)
    session.actor = account.actor
    session.account = account
    return account.actor


def must_change_password() -> bool:
    """The logged-in user still has the one-time password an administrator set (read with the actor)."""
    account = kept().account
    return account is not None and account.must_change_password


def unread_messages() -> int:
    """The sidebar's number of unread messages, as counted with the actor at the start of this run."""
    account = kept().account
    return account.unread if account is not None else 0


def signed_in() -> Actor | None:
    """The actor this run's gate let in (None before login)."""
    return kept().actor


def account() -> SignedIn | None:
    """What the gate read with the actor at the start of this run: the header name, the one-time
    password flag and the unread count (None before login)."""
    return kept().account


def require_actor(*roles: str) -> Actor:
    """First line of every page: the page's role (any role when none is named) or nothing (defence
    behind the navigation)."""
    actor = kept().actor
    if actor is None or (roles and actor.role not in roles):
        st.error("无权访问此页面，请使用相应账户登录。")
        st.stop()
    return actor
