"""The actor gate and the login state of this browser session."""

from __future__ import annotations

import streamlit as st

from services import transaction
from services.auth.cookie import read_token
from services.auth.login import session_expiry, signed_in_account
from services.kernel.actor import Actor
from services.kernel.clock import now

# Few keys: every text box and select box of a run walks the whole session_state (Streamlit's
# filtered_state), so what is read together is kept together.
ACTOR_KEY = "_actor"
ACCOUNT_KEY = "_account"  # services.auth.login.SignedIn: the header name, one-time password flag, unread count
FLASH_KEY = "_flash"
# (kind, text): why the session ended, on the login form until the next attempt: "error" when it was
# ended for the user, "success" when the user ended it on purpose (修改密码), which nothing overwrites.
NOTICE_KEY = "_login_notice"
TIMES_KEY = "_session_times"  # (logged in at, last seen at)


def start_session(_info: dict | None = None) -> None:
    """A login by the form: this session's clock starts now (used as the login callback)."""
    at = now()
    st.session_state[TIMES_KEY] = (at, at)


def end_session() -> None:
    for key in (ACTOR_KEY, ACCOUNT_KEY, TIMES_KEY):
        st.session_state.pop(key, None)


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
    logged_in_at, last_seen = st.session_state.get(TIMES_KEY, (at, at))
    expired = session_expiry(logged_in_at, last_seen, at)
    with transaction() as s:  # one query: the account, its header name and its one-time password flag
        account = None if expired else signed_in_account(s, username, logged_in_at=logged_in_at)
    if account is None:
        if st.session_state.get(NOTICE_KEY, ("",))[0] != "success":
            st.session_state[NOTICE_KEY] = ("error", expired or "登录已失效，请重新登录。")
        end_session()
        return None
    st.session_state[TIMES_KEY] = (logged_in_at, at)
    st.session_state[ACTOR_KEY] = account.actor
    st.session_state[ACCOUNT_KEY] = account
    return account.actor


def must_change_password() -> bool:
    """The logged-in user still has the one-time password an administrator set (read with the actor)."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account is not None and account.must_change_password


def unread_messages() -> int:
    """The sidebar's number of unread messages, as counted with the actor at the start of this run."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account.unread if account is not None else 0


def signed_in() -> Actor | None:
    """The actor this run's gate let in (None before login)."""
    return st.session_state.get(ACTOR_KEY)


def header() -> str:
    """The name at the top of every page, as read with the actor in this run."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account.header if account is not None else ""


def require_actor(*roles: str) -> Actor:
    """First line of every page: the page's role (any role when none is named) or nothing (defence
    behind the navigation)."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None or (roles and actor.role not in roles):
        st.error("无权访问此页面，请使用相应账户登录。")
        st.stop()
    return actor
