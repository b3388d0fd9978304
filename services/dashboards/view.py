"""统计分析 as the page draws it: from the figures of `panels.get_dashboard`, each panel's chart, its
data and its CSV download, and the caption that says what is counted. Pure, like the chart builders:
the actor was checked when the figures were counted (issue 12: the page only reads its widgets,
gets this view and renders it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import plotly.graph_objects as go
import pyarrow as pa

from services.dashboards import charts, panels
from services.files import exports
from services.kernel import values

# (field of panels.Dashboard, chart builder, name of the CSV download), in the page's grid order:
# two cards a row.
PANELS = (
    ("by_province", charts.registered_by_province, "在册注册人员地区分布"),
    ("by_specialty", charts.registered_by_specialty, "在册注册人员专业分布"),
    ("applications_by_month", charts.applications_by_month, "各月申请量"),
    ("applications_by_type", charts.applications_by_type, "各业务类别申请办理结果"),
    ("processing", charts.processing_times, "各阶段办理时长"),
    ("penalties", charts.penalties_over_time, "行政处罚趋势"),
    ("expiries", charts.expiries_by_month, "未来12个月注册到期人数"),
    ("enterprises", charts.top_enterprises, "在册注册人员最多的企业"),
)
PER_ROW = 2
# 统计分析 draws one grid row of PANELS at a time, the analyst choosing which (issue 17: eight plotly charts
# on first paint were most of the browser's time on that page); every chart stays one click away.
GROUPS = ("在册人员分布", "申请与办理结果", "办理时长与处罚", "到期与重点企业")


@dataclass(frozen=True)
class Panel:
    field: str
    name: str
    figure: go.Figure
    # The chart's figures for 「查看数据」, None when there are none. As Arrow, converted once here:
    # st.dataframe converts a DataFrame on every run, 2.5 ms a run for the eight (bench, demo).
    table: pa.Table | None
    csv: bytes | None


@dataclass(frozen=True)
class DashboardView:
    kpis: panels.DashboardKpis
    caption: str
    panels: tuple[Panel, ...]  # in PANELS order

    def group(self, name: str) -> tuple[Panel, ...]:
        """The panels of GROUPS' `name`: its row of PER_ROW in PANELS order."""
        start = GROUPS.index(name) * PER_ROW
        return self.panels[start : start + PER_ROW]


def caption(filters: panels.DashboardFilter, date_from: dt.date, date_to: dt.date, day: dt.date) -> str:
    scope = (
        "、".join(x for x in (filters.province, values.SPECIALTY_NAMES.get(filters.specialty or "")) if x)
        or "全国、全部专业"
    )
    return (
        f"统计范围：{scope}。申请、办理时长与处罚按统计期间 {date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}；"
        f"在册人数与到期情况按今日（{day:%Y-%m-%d}）。"
    )


def build(data: panels.Dashboard, filters: panels.DashboardFilter, day: dt.date) -> DashboardView:
    """Everything the 统计分析 page shows of `data` (counted with `filters` on `day`): KPIs, caption,
    and per panel its figure, data and CSV."""
    built = []
    for field, make_figure, name in PANELS:
        frame = getattr(data, field)
        if frame.empty:
            built.append(Panel(field, name, make_figure(frame), None, None))
        else:
            built.append(
                Panel(
                    field,
                    name,
                    make_figure(frame),
                    pa.Table.from_pandas(frame, preserve_index=False),
                    exports.to_csv_bytes(frame),
                )
            )
    for row in range(0, len(built), PER_ROW):  # the cards of a grid row as tall as the taller chart (31 provinces)
        pair = [panel.figure for panel in built[row : row + PER_ROW]]
        height = max(fig.layout.height or charts.DASHBOARD_HEIGHT for fig in pair)
        for fig in pair:
            fig.update_layout(height=height)
    return DashboardView(data.kpis, caption(filters, data.date_from, data.date_to, day), tuple(built))
