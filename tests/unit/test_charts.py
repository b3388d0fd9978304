"""Chart builders: pure DataFrame -> plotly Figure functions, checked without Streamlit or a database."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from services.dashboards import charts
from services.dashboards import panels as d


def _title(fig: go.Figure) -> str:
    return fig.layout.title.text


def _annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


PROVINCES = pd.DataFrame([("广东省", 136), ("北京市", 61), ("江苏省", 38)], columns=d.PROVINCE_COLUMNS)
SPECIALTIES = pd.DataFrame([("房屋建筑工程", 265), ("市政公用工程", 48)], columns=d.SPECIALTY_COLUMNS)
EXPIRIES = pd.DataFrame([("2026-11", 3), ("2026-12", 20), ("2027-01", 0)], columns=d.EXPIRY_COLUMNS)
APPS_BY_MONTH = pd.DataFrame(
    [
        ("2026-09", "初始注册", "准予注册", 2),
        ("2026-09", "延续注册", "准予注册", 5),
        ("2026-09", "初始注册", "办理中", 1),
        ("2026-10", "变更注册", "不予上报", 1),
    ],
    columns=d.APPLICATION_MONTH_COLUMNS,
)
APPS_BY_TYPE = pd.DataFrame(
    [
        ("初始注册", "办理中", 27),
        ("初始注册", "准予注册", 21),
        ("延续注册", "准予注册", 60),
        ("延续注册", "已撤回·撤销", 3),
    ],
    columns=d.APPLICATION_TYPE_COLUMNS,
)
PROCESSING = pd.DataFrame(
    [
        (d.STAGE_ACCEPTANCE, "初始注册", 23, 2.0, 2.0, 5, 0, 0.0),
        (d.STAGE_ACCEPTANCE, "延续注册", 65, 2.0, 2.3, 5, 0, 0.0),
        (d.STAGE_DECISION, "初始注册", 23, 8.0, 7.4, 20, 0, 0.0),
        (d.STAGE_DECISION, "延续注册", 65, 8.0, 7.6, 10, 8, 0.123),
    ],
    columns=d.PROCESSING_COLUMNS,
)
PENALTIES = pd.DataFrame(
    [("2026-01", "罚款", 1), ("2026-01", "警告", 2), ("2026-03", "罚款", 3)], columns=d.PENALTY_COLUMNS
)
ENTERPRISES = pd.DataFrame(
    [(1, "广东华粤工程咨询有限公司", "广东省", 136), (2, "北京小厉害有限公司", "北京市", 55)],
    columns=d.ENTERPRISE_COLUMNS,
)

BUILDERS = [
    (charts.registered_by_province, PROVINCES, "在册注册人员地区分布"),
    (charts.registered_by_specialty, SPECIALTIES, "在册注册人员专业分布（含第二专业）"),
    (charts.expiries_by_month, EXPIRIES, "未来12个月注册到期人数"),
    (charts.applications_by_month, APPS_BY_MONTH, "各月申请量（按办理结果）"),
    (charts.applications_by_type, APPS_BY_TYPE, "各业务类别申请办理结果"),
    (charts.processing_times, PROCESSING, "各阶段办理时长与法定时限（工作日）"),
    (charts.penalties_over_time, PENALTIES, "行政处罚趋势（按处罚类别）"),
    (charts.top_enterprises, ENTERPRISES, "在册注册人员最多的企业（前20名）"),
]


@pytest.mark.parametrize("build, frame, title", BUILDERS, ids=[b[0].__name__ for b in BUILDERS])
def test_builder_draws_its_frame_with_the_house_style(build, frame, title):
    fig = build(frame)
    assert isinstance(fig, go.Figure)
    assert _title(fig) == title
    assert fig.layout.font.family == charts.FONT
    assert fig.data, "no trace"
    assert charts.EMPTY_TEXT not in _annotations(fig)
    assert fig.layout.xaxis.title.text or fig.layout.yaxis.title.text  # a Chinese axis label


@pytest.mark.parametrize("build, frame, title", BUILDERS, ids=[b[0].__name__ for b in BUILDERS])
def test_builder_on_an_empty_frame_says_no_data(build, frame, title):
    fig = build(frame.iloc[0:0])
    assert isinstance(fig, go.Figure)
    assert _title(fig) == title
    assert _annotations(fig) == [charts.EMPTY_TEXT]
    assert not fig.data


def test_province_bars_are_horizontal_largest_on_top():
    (bar,) = charts.registered_by_province(PROVINCES).data
    assert bar.type == "bar" and bar.orientation == "h"
    # plotly draws the first category at the bottom: reversed, the largest ends on top
    assert list(bar.y) == ["江苏省", "北京市", "广东省"]
    assert list(bar.x) == [38, 61, 136]
    assert charts.registered_by_province(PROVINCES).layout.xaxis.title.text == "人数"


def test_specialty_bars():
    (bar,) = charts.registered_by_specialty(SPECIALTIES).data
    assert bar.type == "bar" and list(bar.y) == ["市政公用工程", "房屋建筑工程"] and list(bar.x) == [48, 265]


def test_expiry_bars_keep_every_month_in_order():
    fig = charts.expiries_by_month(EXPIRIES)
    (bar,) = fig.data
    assert bar.type == "bar" and list(bar.x) == ["2026-11", "2026-12", "2027-01"] and list(bar.y) == [3, 20, 0]
    assert fig.layout.xaxis.title.text == "到期月份" and fig.layout.yaxis.title.text == "人数"


def test_expiry_chart_with_only_zeros_says_no_data():
    zeros = EXPIRIES.assign(人数=0)
    assert _annotations(charts.expiries_by_month(zeros)) == [charts.EMPTY_TEXT]


def test_applications_by_month_stacks_outcomes_summed_over_types():
    fig = charts.applications_by_month(APPS_BY_MONTH)
    assert fig.layout.barmode == "stack"
    by_name = {t.name: t for t in fig.data}
    assert list(by_name) == ["办理中", "准予注册", "不予上报"]  # the house order of outcomes
    assert all(t.type == "bar" for t in fig.data)
    assert list(by_name["准予注册"].y) == [7]  # 2 初始 + 5 延续 in 2026-09
    assert pd.Timestamp(by_name["准予注册"].x[0]) == pd.Timestamp("2026-09-01")
    assert by_name["准予注册"].marker.color == charts.OUTCOME_COLORS["准予注册"]


def test_applications_by_type_keeps_the_type_order():
    fig = charts.applications_by_type(APPS_BY_TYPE)
    assert fig.layout.barmode == "stack"
    assert list(fig.layout.xaxis.categoryarray) == ["初始注册", "延续注册"]
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["准予注册"].x) == ["初始注册", "延续注册"] and list(by_name["准予注册"].y) == [21, 60]
    assert list(by_name["已撤回·撤销"].y) == [3]


def test_processing_times_bars_with_the_statutory_limits():
    fig = charts.processing_times(PROCESSING)
    bars = [t for t in fig.data if t.type == "bar"]
    limits = [t for t in fig.data if t.type == "scatter"]
    assert len(bars) == 2 and len(limits) == 2
    assert [t.name for t in bars] == ["受理中位数", "审批中位数"]
    decision = bars[1]
    assert list(decision.x) == ["初始注册", "延续注册"] and list(decision.y) == [8.0, 8.0]
    decision_limit = next(t for t in limits if t.offsetgroup == decision.offsetgroup)
    assert list(decision_limit.y) == [20, 10]
    assert fig.layout.yaxis.title.text == "工作日"
    assert sum(bool(t.showlegend is not False) for t in limits) == 1  # one legend entry 法定时限


def test_penalties_stack_categories_over_months_on_a_date_axis():
    fig = charts.penalties_over_time(PENALTIES)
    assert fig.layout.barmode == "stack"
    by_name = {t.name: t for t in fig.data}
    assert list(by_name) == ["警告", "罚款"]  # the order of the value list, with its fixed colours
    assert [pd.Timestamp(x) for x in by_name["罚款"].x] == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01")]
    assert list(by_name["罚款"].y) == [1, 3] and list(by_name["警告"].y) == [2]
    assert by_name["罚款"].marker.color == charts.PENALTY_COLORS["罚款"]
    assert fig.layout.xaxis.title.text == "处罚决定月份"


def test_penalties_per_year_on_a_category_axis():
    yearly = pd.DataFrame([("2025", "罚款", 4), ("2024", "警告", 1)], columns=d.PENALTY_COLUMNS)
    fig = charts.penalties_over_time(yearly)
    assert list(fig.layout.xaxis.categoryarray) == ["2024", "2025"]
    assert fig.layout.xaxis.title.text == "处罚决定年份"
    assert {t.name: list(t.x) for t in fig.data} == {"警告": ["2024"], "罚款": ["2025"]}


def test_top_enterprises_label_with_province_and_grow_with_rows():
    fig = charts.top_enterprises(ENTERPRISES)
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.y) == ["北京小厉害有限公司（北京市）", "广东华粤工程咨询有限公司（广东省）"]
    assert list(bar.x) == [55, 136]
    many = pd.DataFrame([(i, f"企业{i}", "北京市", 100 - i) for i in range(1, 21)], columns=d.ENTERPRISE_COLUMNS)
    assert charts.top_enterprises(many).layout.height > fig.layout.height


def test_home_page_charts():
    fig = charts.staff_by_specialty(SPECIALTIES)
    assert _title(fig) == "在册注册人员专业分布"
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert list(bar.y) == ["市政公用工程", "房屋建筑工程"] and list(bar.x) == [48, 265]  # largest on top
    assert list(bar.text) == ["48", "265"] or list(bar.text) == [48, 265]
    assert fig.layout.xaxis.title.text == "人数" and fig.layout.font.family == charts.FONT
    # the longest bar's number is drawn whole: the axis goes past it and the label may leave the plot area
    assert fig.layout.xaxis.range[1] >= 265 * 1.1 and bar.cliponaxis is False
    fig = charts.expiry_horizons({30: 1, 60: 2, 90: 3})
    assert _title(fig) == "注册即将到期人数"
    (bar,) = fig.data
    assert list(bar.x) == ["30 天内", "60 天内", "90 天内"] and list(bar.y) == [1, 2, 3]
    assert list(bar.marker.color) == ["#c0392b", "#e67e22", "#f1c40f"]


def test_provinces_get_room_for_every_name():
    """31 provinces at national scale: the chart grows so that each bar keeps its label."""
    few = charts.registered_by_province(pd.DataFrame([("北京市", 5), ("广东省", 9)], columns=d.PROVINCE_COLUMNS))
    all_31 = charts.registered_by_province(
        pd.DataFrame([(f"省{i}", 100 - i) for i in range(31)], columns=d.PROVINCE_COLUMNS)
    )
    assert few.layout.height == charts.DASHBOARD_HEIGHT
    assert all_31.layout.height >= 31 * 18
