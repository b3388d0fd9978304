"""Issue 14, item 12: the lists' columns fit the manual's minimum screen (1024×768).

ui.tables.column_widths sizes every list's columns to the main area a 1024 px screen leaves
(ui.layout.LIST_WIDTH); the browser test (tests/e2e/test_list_columns.py) checks the result on
screen. Here: each list fits with every header whole, and the compact text lists show.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from services.audit.log import AUDIT_COLUMNS
from services.deregistration import requests as forced_requests
from services.deregistration.review import FORCED_COLUMNS
from services.enterprise.info_change import INFO_CHANGE_COLUMNS
from services.kernel.actor import ENTERPRISE
from services.kernel.text import fmt_minute
from services.penalties import LIST_COLUMNS as PENALTY_COLUMNS
from services.registration import reporting
from services.registration.review import QUEUE_COLUMNS
from services.registry.registrations import REGISTERED_COLUMNS
from services.workflow import ACCEPTED, APPROVED, PENDING_ENT, REPORTED, WITHDRAWN
from ui.layout import LIST_WIDTH, MIN_SCREEN, NARROW_SIDEBAR, SCROLLBAR
from ui.tables import DATE_WIDTH, GRID_EDGES, PLACE, ROW_MARKERS, WIDTHS, column_widths, header_width, list_frame

REPORT_SHOWN = list(list_frame(pd.DataFrame(columns=[*reporting.LIST_COLUMNS, "操作"])).columns)
LISTS = {
    "注册上报": (REPORT_SHOWN, True, {}),
    "已注册人员": (REGISTERED_COLUMNS, True, {}),
    "强制注销": (forced_requests.LIST_COLUMNS, True, {}),
    "行政处罚": (PENALTY_COLUMNS, True, {}),
    "注册审批": (QUEUE_COLUMNS, True, {"上报时间": DATE_WIDTH, "受理时间": DATE_WIDTH}),
    "强制注销审核": (FORCED_COLUMNS, True, {}),
    "企业重要信息审核": (INFO_CHANGE_COLUMNS, True, {}),
    "审计日志": (AUDIT_COLUMNS, False, {}),
}


@pytest.mark.parametrize("name", LISTS)
def test_every_list_fits_the_minimum_screen_with_its_headers_whole(name):
    columns, selectable, fixed = LISTS[name]
    widths = column_widths(list(columns), selectable=selectable, fixed=fixed)
    assert list(widths) == list(columns)
    room = LIST_WIDTH - GRID_EDGES - (ROW_MARKERS if selectable else 0)
    assert sum(widths.values()) <= room, name
    assert all(widths[c] >= header_width(c) for c in columns), widths


def test_the_manuals_13_columns_fit_only_with_province_and_city_as_one():
    assert LIST_WIDTH == MIN_SCREEN - NARROW_SIDEBAR - 12 - 4 - SCROLLBAR  # Windows scrollbars are 17 px
    room = LIST_WIDTH - GRID_EDGES - ROW_MARKERS

    def least(column: str) -> int:
        return max(WIDTHS.get(column, (0, 0))[0], header_width(column))

    assert sum(least(c) for c in [*reporting.LIST_COLUMNS, "操作"]) > room
    assert sum(least(c) for c in REPORT_SHOWN) <= room


def test_times_fit_whole_and_spare_width_goes_to_them_first():
    widths = column_widths(REPORT_SHOWN, selectable=True)
    assert widths["申请时间"] == widths["上报时间"] == 110  # 2026-11-26 10:44 and the cell padding
    assert widths["姓名"] >= 50  # three characters


def test_list_times_are_to_the_minute():
    assert fmt_minute(dt.datetime(2026, 11, 26, 10, 44, 57)) == "2026-11-26 10:44"
    assert fmt_minute(None) == ""


def test_province_and_city_show_as_one_column_in_place():
    rows = pd.DataFrame(
        {
            "姓名": ["薛琼", "周楠", "某"],
            "所在省": ["湖北省", "北京市", "河北省"],
            "所在城市": ["天门市", "北京市", ""],
        },
        dtype=object,
    )
    shown = list_frame(rows)
    assert list(shown.columns) == ["姓名", PLACE]
    assert list(shown[PLACE]) == ["湖北省天门市", "北京市", "河北省"]
    assert list(rows.columns) == ["姓名", "所在省", "所在城市"]  # the service's rows stay as they are
    assert list(list_frame(rows[["姓名", "所在省"]]).columns) == ["姓名", "所在省"]  # no city: as it is (注册审批)


@pytest.mark.parametrize(
    ("status", "role", "operation", "label"),
    [
        (PENDING_ENT, ENTERPRISE, "report", "上报"),
        (WITHDRAWN, ENTERPRISE, "report", "上报"),
        (REPORTED, ENTERPRISE, "withdraw", "撤回"),
        (ACCEPTED, ENTERPRISE, "detail", "详情"),
        (APPROVED, ENTERPRISE, "detail", "详情"),
    ],
)
def test_the_operation_cell_names_what_a_click_on_it_does(status, role, operation, label):
    assert reporting.primary_operation(status, role) == operation
    assert reporting._operations(status, role) == label
