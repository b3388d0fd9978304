"""统计分析 (部级版 default page) under AppTest: renders, shows the national figures, filters re-render."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from services.dashboards import panels as dashboards
from services.dashboards.view import GROUPS
from services.kernel.clock import today
from tests.pages.apptest_kit import actor, db, errors, no_exception, page_title

MINISTRY = "demo-ministry"
DASHBOARD = "pages/ministry/dashboard.py"
KPI_LABELS = ["在册有效注册人数", "30天内到期", "办理中申请", "本期处罚"]


def charts(at) -> list:
    return at.get("plotly_chart")


def each_group(at):
    """The page draws one row of charts at a time (「图表」): show each in turn."""
    for group in GROUPS:
        yield no_exception(at.segmented_control(key="dash_group").set_value(group).run())


def kpis(at) -> dict[str, int]:
    return {m.label: int(m.value.replace(",", "")) for m in at.metric}


def expected_kpis(**filters) -> dict[str, int]:
    k = db(lambda s: dashboards.get_kpis(s, actor(MINISTRY), filters=dashboards.DashboardFilter(**filters)))
    return dict(zip(KPI_LABELS, (k.registered, k.expiring_30, k.open_applications, k.penalties)))


@pytest.fixture
def dashboard(login):
    # the ministry's default page: logging in lands on it
    return no_exception(login(MINISTRY))


def test_dashboard_is_the_ministry_home_and_renders(dashboard):
    at = dashboard
    assert page_title(at) == "统计分析"
    assert len(charts(at)) == 2  # the first row; the others one click away (test_dashboard_chart_groups.py)
    assert [m.label for m in at.metric] == KPI_LABELS
    assert kpis(at) == expected_kpis()
    assert kpis(at)["在册有效注册人数"] > 0
    assert [s.label for s in at.selectbox] == ["所在省", "专业"]
    assert [d.label for d in at.date_input] == ["时间范围：开始日期", "时间范围：结束日期"]
    assert (at.date_input[0].value, at.date_input[1].value) == dashboards.default_range(today())


def test_charts_reach_the_browser_whole(dashboard):
    """What reaches the browser has each chart's title, its bars, and Streamlit's default template."""
    import json

    from services.dashboards import charts as builders

    specs = [json.loads(chart.proto.spec) for at in each_group(dashboard) for chart in charts(at)]
    titles = [spec["layout"]["title"]["text"] for spec in specs]
    assert (
        titles[0]
        == builders.registered_by_province(pd.DataFrame(columns=dashboards.PROVINCE_COLUMNS)).layout.title.text
        == "在册注册人员地区分布"
    )
    assert len(set(titles)) == 8
    assert all(spec["data"] and spec["data"][0]["type"] in ("bar", "scatter") for spec in specs)
    assert all(spec["layout"]["template"]["layout"] for spec in specs)


def test_every_chart_has_its_data_and_a_download(dashboard):
    expanders, frames, downloads = [], [], []
    for at in each_group(dashboard):
        expanders += [e.label for e in at.expander]
        frames += list(at.dataframe)
        downloads += at.get("download_button")
    assert expanders.count("查看数据") == 8
    # the demo data fills every chart under the default filters
    assert len(frames) == 8
    assert len(downloads) == 8
    assert all(d.proto.label == "下载 CSV" for d in downloads)


def test_province_filter_rerenders_with_the_narrower_figures(dashboard):
    at = dashboard
    national = kpis(at)
    at.selectbox(key="dash_province").select("广东省").run()
    no_exception(at)
    assert kpis(at) == expected_kpis(province="广东省")
    assert kpis(at)["在册有效注册人数"] < national["在册有效注册人数"]
    assert len(charts(at)) == 2
    provinces = next(d.value for d in at.dataframe if "所在省" in d.value.columns and "排名" not in d.value.columns)
    assert list(provinces["所在省"]) == ["广东省"]


def test_specialty_and_period_filters_rerender(dashboard):
    at = dashboard
    at.selectbox(key="dash_specialty").select("13").run()
    no_exception(at)
    assert kpis(at) == expected_kpis(specialty="13")
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    at.date_input(key="dash_from").set_value(start)
    at.date_input(key="dash_to").set_value(end).run()
    no_exception(at)
    assert kpis(at) == expected_kpis(specialty="13", date_from=start, date_to=end)
    assert any("2024-01-01 至 2024-12-31" in c.value for c in at.caption)


def test_an_empty_province_shows_zero_and_no_data(dashboard):
    at = dashboard
    at.selectbox(key="dash_province").select("西藏自治区").run()
    no_exception(at)
    assert set(kpis(at).values()) == {0}
    assert len(charts(at)) == 2  # each chart says 「暂无数据」 instead of disappearing
    assert "暂无数据" in [i.value for i in at.info]


def test_a_reversed_period_is_refused_with_a_message(dashboard):
    at = dashboard
    at.date_input(key="dash_from").set_value(dt.date(2026, 1, 1))
    at.date_input(key="dash_to").set_value(dt.date(2025, 1, 1)).run()
    no_exception(at)
    assert any("开始日期不能晚于结束日期" in e for e in errors(at))
    assert charts(at) == []


def test_the_two_charts_of_a_row_are_equally_tall(dashboard, monkeypatch):
    """At national scale the province chart grows for 31 names; its neighbour grows with it, so the cards line up."""
    import json

    import streamlit as st

    from services.dashboards import panels as service

    monkeypatch.setattr(
        service,
        "registered_by_province",
        lambda s, a, **kw: pd.DataFrame([(f"省{i}", 1000 - i) for i in range(31)], columns=service.PROVINCE_COLUMNS),
    )
    st.cache_resource.clear()  # ui.cached keeps the page's panels for 5 minutes
    no_exception(dashboard.run())
    heights = [
        [json.loads(chart.proto.spec)["layout"]["height"] for chart in charts(at)] for at in each_group(dashboard)
    ]
    assert heights[0][0] >= 31 * 18
    assert all(len(row) == 2 and row[0] == row[1] for row in heights), heights
