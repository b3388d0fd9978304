"""Small widgets shared by the pages: date fields, workflow action buttons, the house style."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from services.kernel.values import IMPORT_MAX_BYTES, UPLOAD_MAX_BYTES

# Before the first 监理工程师 registrations (1992): any date of the register's history. Streamlit's own
# range is today ± 10 years, and a date typed outside it is dropped without a word to the app.
EARLIEST_DATE = dt.date(1990, 1, 1)

# Each file uploader's own limit in MB (st.file_uploader's max_upload_size; the browser refuses a bigger
# file with 「文件不能超过 … 。」). The server's maxUploadSize (.streamlit/config.toml) is the largest of
# them, the registry import's: under it, a 12 MB import file was refused by the server with an English
# "AxiosError … 413".
UPLOAD_MB = max(1, UPLOAD_MAX_BYTES // 2**20)  # attachments, the watch list
IMPORT_MB = max(1, IMPORT_MAX_BYTES // 2**20)  # 数据导入


def date_field(where, label: str, *, key: str, value: dt.date | None = None, **kwargs) -> dt.date | None:
    """A YYYY-MM-DD date input (a filter when `value` is None) that takes every date since EARLIEST_DATE."""
    kwargs.setdefault("min_value", EARLIEST_DATE)
    return where.date_input(label, value=value, key=key, format="YYYY-MM-DD", **kwargs)


def action_button(where, label: str, *, allowed: bool, key: str, **kwargs) -> bool:
    """A button for a workflow action on one record, drawn while the record's status allows it.

    Someone else may change the status between the run that drew the button and the click (the
    enterprise withdraws while the ministry reads): the click's run then no longer draws it, and
    Streamlit would drop the click without a word. Its value is still in session_state for that
    run, so the click comes back True and the service says why it refuses."""
    if allowed:
        return where.button(label, key=key, **kwargs)
    return clicked_undrawn(key)


def clicked_undrawn(key: str) -> bool:
    """Whether the button (or form submit button) `key`, drawn by the previous run but not by this one,
    was clicked: this run has its value although it does not draw it."""
    return bool(st.session_state.get(key))
