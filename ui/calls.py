"""The one way a page runs a use case: one transaction, and its outcome on screen at once.

- `call` runs a query (or a step whose result the page draws): the result, or None after the
  service's refusal is shown where the call stands.
- `act` runs a command: refused, the message is shown where the call stands and False comes
  back (the page keeps what was typed); done, the success message is left for the top of the
  next run, lists forget their selection, and the script reruns (or `then` switches page).

No page opens a transaction, catches a ServiceError or shows a queued message itself. What pages
pass is cleaned here of control characters (services.kernel.text.clean_input): the one edge where
typed text and URL parameters enter the services. Anything but a ServiceError goes on to the app's
error boundary (ui.errors).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services import transaction
from services.kernel.errors import ServiceError
from services.kernel.text import clean_input
from ui.session import FLASH_KEY, flash, signed_in
from ui.tables import new_list_generation
from ui.text import md_escape

ErrorHandler = Callable[[ServiceError], None]


def refused(exc: ServiceError, on_error: ErrorHandler | None = None) -> None:
    """Show a service's refusal (escaped), or hand it to `on_error`, which places it."""
    if on_error is None:
        st.error(md_escape(exc.message))
    else:
        on_error(exc)


def call(fn: Callable, *args, on_error: ErrorHandler | None = None, **kwargs):
    """Run one service call in one transaction with the current actor; show its refusal, if any.

    Returns the result, or None when the service refused (the message is already shown, or
    handed to `on_error`, which places it).
    """
    try:
        with transaction() as s:
            return fn(s, signed_in(), *clean_input(args), **clean_input(kwargs))
    except ServiceError as exc:
        refused(exc, on_error)
        return None


def public_call(fn: Callable, *, when_refused=None, **kwargs):
    """`call` for a service that takes no actor (the public registration check); `when_refused` is
    what comes back after a refusal (its message shown), when None is an answer of the service."""
    try:
        with transaction() as s:
            return fn(s, **clean_input(kwargs))
    except ServiceError as exc:
        refused(exc)
        return when_refused


def act(
    fn: Callable,
    *args,
    success: str | Callable[[object], str] = "操作成功",
    then: Callable[[object], None] | None = None,
    on_error: ErrorHandler | None = None,
    **kwargs,
) -> bool:
    """A command, run in one transaction with the current actor, its outcome shown at once.

    Refused: the message is shown here (or handed to `on_error`) and False is returned.
    Done: `success` (or `success(result)`) is flashed at the top of the next run, lists forget
    their selection, `then(result)` runs (it may st.switch_page), and the script reruns: a call
    that succeeds does not return.
    """
    try:
        with transaction() as s:
            result = fn(s, signed_in(), *clean_input(args), **clean_input(kwargs))
    except ServiceError as exc:
        refused(exc, on_error)
        return False
    flash("success", success(result) if callable(success) else success)
    new_list_generation()
    if then is not None:
        then(result)
    st.rerun()


def show_flash() -> None:
    """Show (once) the message the previous run left: 「操作成功」 or why the session ended."""
    item = st.session_state.pop(FLASH_KEY, None)
    if not item:
        return
    kind, message = item
    message = md_escape(message)  # a page's own words, but they may quote a name
    if kind == "success":
        st.success(message)
        st.toast(message)
    else:
        st.error(message)


def on_download(fn: Callable, **kwargs) -> Callable[[], bytes]:
    """The `data` of an st.download_button: the service runs (and audits) when the person clicks,
    not when the page is drawn. Streamlit calls it outside the script run, so the actor is taken now."""
    actor, kwargs = signed_in(), clean_input(kwargs)

    def fetch() -> bytes:
        with transaction() as s:
            return fn(s, actor, **kwargs)

    return fetch


def while_on(on: bool, *, key: str, load: Callable[[], object]):
    """What a switch shows: loaded (and so audited) once when it turns on, kept while it stays on,
    forgotten when it turns off. `load` is a `call`; None (refused, message shown) is not kept."""
    if not on:
        st.session_state.pop(key, None)
        return None
    if key not in st.session_state:
        value = load()
        if value is None:
            return None
        st.session_state[key] = value
    return st.session_state[key]
