"""Small widgets shared by the pages: date fields, the house style."""

from __future__ import annotations

import datetime as dt

import streamlit as st

# Before the first 监理工程师 registrations (1992): any date of the register's history. Streamlit's own
# range is today ± 10 years, and a date typed outside it is dropped without a word to the app.
EARLIEST_DATE = dt.date(1990, 1, 1)


def date_field(where, label: str, *, key: str, value: dt.date | None = None, **kwargs) -> dt.date | None:
    """A YYYY-MM-DD date input (a filter when `value` is None) that takes every date since EARLIEST_DATE."""
    kwargs.setdefault("min_value", EARLIEST_DATE)
    return where.date_input(label, value=value, key=key, format="YYYY-MM-DD", **kwargs)


def page_style() -> None:
    """House CSS, constant: less empty space above the page title."""
    st.html("<style>[data-testid=stMainBlockContainer]{padding-top:2.5rem}</style>")
