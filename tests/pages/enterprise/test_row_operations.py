"""Issue 14, 13(b) under AppTest: a click in any cell of a row (not only a tick in its box) selects
the row; the line under the list names it, and its buttons act on it. (The click in the 操作 cell,
an on_select callback, runs in the browser: tests/e2e/test_list_columns.py.)"""

from __future__ import annotations

from tests.pages.apptest_kit import (
    ENT,
    REGISTERED,
    REPORT,
    button,
    captions,
    no_exception,
    page_title,
    table,
    table_widget_key,
)
from ui.tables import ROW_HINT


def click_cell(at, table_key: str, row: int, column: str):
    """What the browser sends for a click in one cell of a list: a cell selection, no row."""
    at.session_state[table_widget_key(at, table_key)] = {
        "selection": {"rows": [], "columns": [], "cells": [[row, column]]}
    }
    return at


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_report_a_click_in_a_row_names_it_and_enables_its_buttons(login):
    at = login(ENT, REPORT)
    assert at.button(key="btn_report").disabled
    name = table(at).iloc[1]["姓名"]
    no_exception(click_cell(at, "report_table", 1, "姓名").run())
    assert f"**已选：** 第 2 条 · {name}（待上报）" in markdown(at)
    assert not at.button(key="btn_report").disabled and not at.button(key="btn_refuse").disabled
    assert at.button(key="btn_withdraw").disabled  # 待上报 cannot be withdrawn
    assert not any(c.startswith(ROW_HINT) for c in captions(at))


def test_registered_a_click_in_a_row_opens_that_persons_history(login):
    at = login(ENT, REGISTERED)
    assert button(at, "注册记录").disabled
    frame = table(at)
    no_exception(click_cell(at, "registered_table", 2, "证书编号").run())
    person = frame.iloc[2]["姓名"]
    assert any(m.startswith("**已选：** 第 3 条 · ") and person in m for m in markdown(at))
    button(at, "注册记录").click().run()
    assert page_title(at) == f"注册记录：{person}"
