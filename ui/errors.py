"""The app's one error boundary: whatever a run did not expect ends it with a message in Chinese and an
error number; the details go to the log under that number.

A service's refusal (ServiceError) never gets here: ui.calls shows it where the call stands. Installed
by app.py at the top of every run as Streamlit's `on_script_error` handler of the session, so that it
also answers for errors in dialogs and other fragments and in widget callbacks.
"""

from __future__ import annotations

import logging
import re
import secrets

import streamlit as st
from streamlit import config
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from services import causes, database_down

LOG = logging.getLogger("jlgcs.errors")

# PostgreSQL repeats the offending values in an error's DETAIL ("Key (id_number)=(1101...) already
# exists", "Failing row contains (...)"): an ID number must not reach the log that way. SQLAlchemy's
# own echo of the statement's parameters is off (db.engine: hide_parameters).
_DETAIL_VALUES = re.compile(r"(Key \([^)]*\)=\()[^\n]*?(\) )|(Failing row contains \().*")


def redact_values(text: str) -> str:
    return _DETAIL_VALUES.sub(lambda m: f"{m[1]}…{m[2]}" if m[1] else f"{m[3]}…)", text)


class _RedactValues(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_values(logging.Formatter().formatException(record.exc_info))
        return True


LOG.addFilter(_RedactValues())

DATABASE_DOWN = "数据库暂时无法连接，请稍后重试（错误编号：{ref}）。"
STORAGE_DOWN = "附件存储暂时无法写入，本次操作未保存，请稍后重试。如问题持续，请联系管理员（错误编号：{ref}）。"
UNEXPECTED = "系统繁忙，请稍后重试。如问题持续，请联系管理员（错误编号：{ref}）。"

# client.showErrorDetails values of a developer's setup: Streamlit's own error box is shown as well
# (with the traceback), so that in tests and development a bug still looks like one.
_DEVELOPER_DETAILS = ("full", "stacktrace", True, "true")


def message_for(exc: BaseException, ref: str) -> str:
    """What the person is told: the database is down, files cannot be written, or anything else."""
    if database_down(exc):
        return DATABASE_DOWN.format(ref=ref)
    if any(isinstance(e, OSError) for e in causes(exc)):  # e.g. a read-only or full attachments folder
        return STORAGE_DOWN.format(ref=ref)
    return UNEXPECTED.format(ref=ref)


def on_script_error(exc: Exception) -> bool:
    """Log `exc` with its traceback under a new error number and show the Chinese message. True (hide
    Streamlit's English error box) unless client.showErrorDetails is a developer's setting."""
    ref = secrets.token_hex(4).upper()
    LOG.error("error %s: %s in a script run", ref, type(exc).__name__, exc_info=exc)
    st.error(message_for(exc, ref), icon=":material/error:")
    return config.get_option("client.showErrorDetails") not in _DEVELOPER_DETAILS


def install_error_boundary() -> None:
    """Make on_script_error this session's handler (called at the top of every run of app.py)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.on_script_error = on_script_error
