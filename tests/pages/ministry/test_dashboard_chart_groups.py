"""统计分析 draws one row of two charts at a time (issue 17: eight plotly charts on first paint kept the
browser busy for seconds): the analyst chooses the row with 「图表」, and every chart, its data and its CSV
stay reachable; the filters apply to whichever row is shown."""

from __future__ import annotations

import json

import pytest

from services.dashboards import panels as dashboards
from services.dashboards.view import GROUPS, PANELS, PER_ROW
from tests.pages.apptest_kit import actor, db, no_exception

ANALYST = "demo-analyst"
EXPECTED = {
    "在册人员分布": ["在册注册人员地区分布", "在册注册人员专业分布"],
    "申请与办理结果": ["各月申请量", "各业务类别申请办理结果"],
    "办理时长与处罚": ["各阶段办理时长", "行政处罚趋势"],
    "到期与重点企业": ["未来12个月注册到期人数", "在册注册人员最多的企业"],
}


def titles(at) -> list[str]:
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]


def shows(at, group: str) -> bool:
    """The charts on the page are the group's two, in order (a title may go on: 「（前20名）」, a period)."""
    got = titles(at)
    return len(got) == 2 and all(t.startswith(want) for t, want in zip(got, EXPECTED[group], strict=True))


@pytest.fixture
def dashboard(login):
    return no_exception(login(ANALYST))  # 统计分析 is the analyst's home page


def test_every_panel_is_in_exactly_one_group():
    assert len(GROUPS) * PER_ROW == len(PANELS)
    assert list(EXPECTED) == list(GROUPS)


def test_first_paint_draws_the_first_row_only(dashboard):
    at = dashboard
    control = at.segmented_control(key="dash_group")
    assert control.label == "图表"
    assert control.options == list(GROUPS)
    assert control.value == GROUPS[0]
    assert shows(at, "在册人员分布"), titles(at)
    assert [e.label for e in at.expander].count("查看数据") == 2
    assert len(at.get("download_button")) == 2


def test_each_group_shows_its_two_charts_with_data_and_download(dashboard):
    at = dashboard
    seen = []
    for group in GROUPS:
        at.segmented_control(key="dash_group").set_value(group).run()
        no_exception(at)
        assert shows(at, group), (group, titles(at))
        assert len(at.dataframe) == 2, group  # the demo data fills every chart under the default filters
        assert [d.proto.label for d in at.get("download_button")] == ["下载 CSV"] * 2
        seen += titles(at)
    assert len(set(seen)) == len(PANELS)  # every chart reachable


def test_the_filter_applies_to_the_chosen_row_and_the_choice_stays(dashboard):
    at = dashboard
    at.segmented_control(key="dash_group").set_value("到期与重点企业").run()
    at.selectbox(key="dash_province").select("广东省").run()
    no_exception(at)
    assert at.segmented_control(key="dash_group").value == "到期与重点企业"
    assert shows(at, "到期与重点企业"), titles(at)
    top = next(d.value for d in at.dataframe if "排名" in d.value.columns)
    expected = db(
        lambda s: dashboards.top_enterprises(s, actor(ANALYST), filters=dashboards.DashboardFilter(province="广东省"))
    )
    assert list(top["企业名称"]) == list(expected["企业名称"])
