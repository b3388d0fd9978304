"""ui.tables.column_widths remembers its answer per column list: each caller still gets its own dict,
and another list (or a page's own widths) gets its own answer."""

from __future__ import annotations

import pandas as pd

from services.registration import reporting
from ui.tables import column_widths, list_frame

COLUMNS = ["序号", "姓名", "证件号码", "申请时间", "状态"]


def test_a_caller_changing_its_widths_does_not_change_the_next_answer():
    first = column_widths(COLUMNS, selectable=True)
    first["姓名"] = 1
    first.pop("状态")
    again = column_widths(COLUMNS, selectable=True)
    assert again["姓名"] != 1 and "状态" in again
    assert again == column_widths(list(COLUMNS), selectable=True)


def test_other_columns_selection_and_fixed_widths_are_answered_apart():
    plain = column_widths(COLUMNS, selectable=True)
    # 注册上报's columns, as its list shows them, fill the screen: without the 32 px of row markers there is
    # more to share
    report = list(list_frame(pd.DataFrame(columns=reporting.LIST_COLUMNS)).columns)
    assert sum(column_widths(report, selectable=False).values()) > sum(column_widths(report, selectable=True).values())
    assert column_widths(COLUMNS, selectable=True, fixed={"状态": 120})["状态"] == 120
    assert column_widths(COLUMNS[:3], selectable=True).keys() == set(COLUMNS[:3])
    assert column_widths(COLUMNS, selectable=True) == plain
