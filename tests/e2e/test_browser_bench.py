"""`make bench`'s browser figures (bench/browser.py, issue 17) end to end, once each, on the demo data: the
tool starts its own server on a copy, drives chromium and reports every figure it names as a time.
No time is asserted: this machine's speed is not a property of the app."""

from __future__ import annotations

import pytest

from bench import browser as bench

pytestmark = pytest.mark.e2e

ENTERPRISE_MENU = ("首页", "注册上报", "已注册人员", "强制注销", "企业信息", "操作员管理", "行政处罚", "消息中心")


def test_every_browser_figure_is_measured_on_the_demo_data(browser, demo_data_dir, tmp_path):
    report = bench.run(["demo"], 1, None, demo_data_dir, tmp_path / "no-national", browser)

    figures = report["scales"]["demo"]
    named = {"login", "switch", "query", "dashboard_open", "dashboard_filter", "dashboard_group"}
    named |= {f"switch:{title}" for title in ENTERPRISE_MENU}
    assert set(figures) == named
    for key, figure in figures.items():
        assert figure["runs"] >= 1, key
        for field in ("median_ms", "p95_ms", "min_ms", "max_ms"):
            assert figure[field] > 0, (key, field)
    for key in ("login", "switch", "query", "dashboard_open", "dashboard_filter", "dashboard_group"):
        assert figures[key]["server_cpu_ms"] > 0, key  # the server did the work of each interaction
        assert figures[key]["browser_cpu_ms"] > 0, key
    assert figures["login"]["charts"] == 2  # 首页 is measured until its two charts are drawn
    assert figures["dashboard_open"]["charts"] == 2  # 统计分析 draws one row of two charts at a time
    assert "总共" in figures["query"]["shows"]

    table = bench.to_markdown(report)
    for figure in figures.values():
        assert f"| {figure['label']} |" in table
