"""Chart builders: pure functions from a DataFrame to a plotly Figure, tested without Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from services.kernel.values import PENALTY_CATEGORIES

FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif"

# Every figure starts from plotly's default template, and that template is 6 kB of styles for
# forty trace types: copying it into each new figure, then again into the dict st.plotly_chart
# sends, was most of a chart's cost (1.2 of 1.3 ms). In the browser Streamlit's own chart theme
# restyles the figure either way, so the app's default template carries only the font.
pio.templates["jlgcs"] = go.layout.Template(layout=dict(font=dict(family=FONT)))
pio.templates.default = "jlgcs"


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title=title, font_family=FONT, margin=dict(l=10, r=10, t=40, b=10), height=320, plot_bgcolor="white"
    )
    return fig


def _simple_figure(trace: dict, title: str, **axes) -> go.Figure:
    """A one-trace figure built from plain dicts and lists in one go: the enterprise home page draws
    two on every run, and plotly's attribute-by-attribute updates (and pandas columns in traces) cost
    8 ms a chart against 1 ms this way."""
    layout = dict(
        title=dict(text=title),
        font=dict(family=FONT),
        margin=dict(l=10, r=10, t=40, b=10),
        height=320,
        plot_bgcolor="white",
        **axes,
    )
    return go.Figure(dict(data=[trace], layout=layout))


def staff_by_specialty(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars: registered staff per specialty (columns 注册专业, 人数)."""
    data = frame.sort_values("人数", kind="stable")
    counts = [int(n) for n in data["人数"]]
    # room right of the longest bar for its number: a four-digit count was cut to three at the edge
    return _simple_figure(
        dict(
            type="bar",
            x=counts,
            y=list(data["注册专业"]),
            orientation="h",
            marker=dict(color="#2f6db5"),
            text=counts,
            textposition="outside",
            cliponaxis=False,
        ),
        "在册注册人员专业分布",
        xaxis=dict(title=dict(text="人数"), gridcolor="#eee", range=[0, max(counts, default=0) * 1.15 or 1]),
    )


def expiry_horizons(counts: dict[int, int]) -> go.Figure:
    """Bars: registrations expiring within each horizon in days."""
    numbers = [int(n) for n in counts.values()]
    return _simple_figure(
        dict(
            type="bar",
            x=[f"{int(d)} 天内" for d in counts],
            y=numbers,
            text=numbers,
            marker=dict(color=["#c0392b", "#e67e22", "#f1c40f"][: len(numbers)]),
            textposition="outside",
        ),
        "注册即将到期人数",
        yaxis=dict(title=dict(text="人数"), gridcolor="#eee"),
    )


# ---------------------------------------------------------------- 统计分析 (ministry dashboards)

EMPTY_TEXT = "暂无数据"
DASHBOARD_HEIGHT = 380  # the same for every chart of the grid, so that the cards of a row line up
OUTCOME_COLORS = {
    "办理中": "#2f6db5",
    "准予注册": "#27ae60",
    "不予注册": "#c0392b",
    "不予上报": "#e67e22",
    "已撤回·撤销": "#95a5a6",
}
STAGE_COLORS = {"受理（上报→受理）": "#5b9bd5", "审批（受理→决定）": "#2f6db5"}
# one colour per 处罚类别 (services.values.PENALTY_CATEGORIES), stable whatever the filter
PENALTY_COLORS = dict(
    zip(
        PENALTY_CATEGORIES,
        ["#f1c40f", "#e67e22", "#d35400", "#c0392b", "#8e44ad", "#2c3e50", "#7f8c8d", "#2f6db5", "#95a5a6"],
    )
)


def _empty(title: str) -> go.Figure:
    """A blank figure with its title and a centred 「暂无数据」."""
    fig = go.Figure()
    fig.add_annotation(
        text=EMPTY_TEXT, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font=dict(size=16, color="#888")
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title).update_layout(height=DASHBOARD_HEIGHT)


def _legend_top(fig: go.Figure) -> go.Figure:
    """The legend between the title (pinned to the top) and the plot, clear of title and tick labels;
    room for two lines of entries."""
    fig.update_layout(
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.02,
            xanchor="left",
            x=0,
            title_text="",
            traceorder="normal",
            font_size=12,
        ),
        title=dict(y=1, yref="container", yanchor="top", pad=dict(t=12)),
        margin=dict(t=96),
        height=DASHBOARD_HEIGHT,
    )
    return fig


MONTH_BAR_WIDTH = 24 * 24 * 3600 * 1000  # ms: on a date axis plotly sizes bars by the closest pair of x values


def _months(column: pd.Series) -> pd.Series:
    """yyyy-mm labels as the first day of each month, for a date axis (months without data stay as gaps)."""
    return pd.to_datetime(column + "-01")


def _month_axis(fig: go.Figure, title: str, months: pd.Series) -> None:
    first, last = months.min(), months.max()
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    fig.update_xaxes(
        title=title,
        tickformat="%Y-%m",
        tickangle=-45,
        dtick="M1" if span <= 24 else None,
        range=[first - pd.Timedelta(days=20), last + pd.Timedelta(days=20)],
    )


def _hbar(
    frame: pd.DataFrame, label: str, value: str, title: str, axis: str, color: str, per_row: int = 0
) -> go.Figure:
    if frame.empty:
        return _empty(title)
    data = frame.iloc[::-1]  # the frame comes largest first; plotly draws bottom-up
    fig = go.Figure(
        go.Bar(
            x=data[value],
            y=data[label],
            orientation="h",
            marker_color=color,
            text=data[value],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}：%{x}<extra></extra>",
        )
    )
    fig.update_xaxes(title=axis, gridcolor="#eee")
    # at least 6 bar slots, filled from the top: one province alone is not a solid block
    slots = max(len(data), 6)
    fig.update_yaxes(title=None, automargin=True, range=[len(data) - slots - 0.5, len(data) - 0.5])
    fig = _layout(fig, title)
    fig.update_layout(margin=dict(r=40), height=max(DASHBOARD_HEIGHT, 60 + per_row * len(data)))
    return fig


def registered_by_province(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars: registered engineers per province (columns 所在省, 人数; largest first)."""
    return _hbar(frame, "所在省", "人数", "在册注册人员地区分布", "人数", "#2f6db5", per_row=20)


def registered_by_specialty(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars: registrations per specialty, both slots counted (columns 注册专业, 人数)."""
    return _hbar(frame, "注册专业", "人数", "在册注册人员专业分布（含第二专业）", "人数", "#16a085", per_row=22)


def expiries_by_month(frame: pd.DataFrame) -> go.Figure:
    """Bars: registrations expiring per month of the next 12 (columns 月份 yyyy-mm, 人数)."""
    title = "未来12个月注册到期人数"
    if frame.empty or int(frame["人数"].sum()) == 0:
        return _empty(title)
    fig = go.Figure(
        go.Bar(
            x=frame["月份"],
            y=frame["人数"],
            marker_color="#e67e22",
            text=frame["人数"],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}：%{y} 人<extra></extra>",
        )
    )
    fig.update_xaxes(title="到期月份", type="category")
    fig.update_yaxes(title="人数", gridcolor="#eee", rangemode="tozero")
    return _layout(fig, title).update_layout(height=DASHBOARD_HEIGHT)


def applications_by_month(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars: applications per month of 申请时间, by outcome (columns 月份, 业务类别, 办理结果, 件数)."""
    title = "各月申请量（按办理结果）"
    if frame.empty:
        return _empty(title)
    data = frame.groupby(["月份", "办理结果"], as_index=False, sort=False)["件数"].sum()  # sum over business types
    fig = go.Figure()
    for outcome, color in OUTCOME_COLORS.items():
        part = data[data["办理结果"] == outcome]
        if not part.empty:
            fig.add_trace(
                go.Bar(
                    x=_months(part["月份"]),
                    y=part["件数"],
                    name=outcome,
                    marker_color=color,
                    width=MONTH_BAR_WIDTH,
                    hovertemplate="%{x|%Y-%m} " + outcome + "：%{y}<extra></extra>",
                )
            )
    fig.update_layout(barmode="stack")
    _month_axis(fig, "申请月份", _months(data["月份"]))
    fig.update_yaxes(title="件数", gridcolor="#eee")
    return _legend_top(_layout(fig, title))


def applications_by_type(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars: applications of the period per business type, by outcome (columns 业务类别, 办理结果, 件数)."""
    title = "各业务类别申请办理结果"
    if frame.empty:
        return _empty(title)
    types = list(dict.fromkeys(frame["业务类别"]))
    fig = go.Figure()
    for outcome, color in OUTCOME_COLORS.items():
        part = frame[frame["办理结果"] == outcome]
        if not part.empty:
            fig.add_trace(
                go.Bar(
                    x=part["业务类别"],
                    y=part["件数"],
                    name=outcome,
                    marker_color=color,
                    hovertemplate="%{x} " + outcome + "：%{y}<extra></extra>",
                )
            )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="业务类别", type="category", categoryorder="array", categoryarray=types)
    fig.update_yaxes(title="件数", gridcolor="#eee")
    return _legend_top(_layout(fig, title))


def processing_times(frame: pd.DataFrame) -> go.Figure:
    """Grouped bars: median working days per stage and business type, with the statutory limit marked.

    Columns 阶段, 业务类别, 件数, 中位数（工作日）, 平均（工作日）, 法定时限（工作日）.
    """
    title = "各阶段办理时长与法定时限（工作日）"
    if frame.empty:
        return _empty(title)
    types = list(dict.fromkeys(frame["业务类别"]))
    stages = [
        (str(i), stage, color, frame[frame["阶段"] == stage]) for i, (stage, color) in enumerate(STAGE_COLORS.items())
    ]
    stages = [item for item in stages if not item[3].empty]
    fig = go.Figure()
    for group, stage, color, part in stages:
        fig.add_trace(
            go.Bar(
                x=part["业务类别"],
                y=part["中位数（工作日）"],
                name=f"{stage.split('（')[0]}中位数",
                marker_color=color,
                offsetgroup=group,
                customdata=part[["平均（工作日）", "件数"]].to_numpy(),
                hovertemplate="%{x} " + stage + "<br>中位数 %{y} 天，平均 %{customdata[0]} 天，共 %{customdata[1]} 件"
                "<extra></extra>",
            )
        )
    for n, (group, stage, _color, part) in enumerate(stages):
        # a red dash over each bar at its stage's statutory limit; one legend entry for all
        fig.add_trace(
            go.Scatter(
                x=part["业务类别"],
                y=part["法定时限（工作日）"],
                name="法定时限",
                mode="markers",
                offsetgroup=group,
                marker=dict(symbol="line-ew", size=26, line=dict(width=3, color="#c0392b")),
                showlegend=n == 0,
                legendgroup="limit",
                hovertemplate="%{x} " + stage + " 法定时限 %{y} 个工作日<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", scattermode="group")
    fig.update_xaxes(title="业务类别", type="category", categoryorder="array", categoryarray=types)
    fig.update_yaxes(title="工作日", gridcolor="#eee", rangemode="tozero")
    return _legend_top(_layout(fig, title))


def penalties_over_time(frame: pd.DataFrame) -> go.Figure:
    """Stacked bars: penalties per period (yyyy-mm or yyyy) and category (columns 期间, 处罚类别, 件数).

    Months go on a date axis, so that months without penalties show as gaps; years on a category axis.
    """
    title = "行政处罚趋势（按处罚类别）"
    if frame.empty:
        return _empty(title)
    monthly = frame["期间"].str.len().eq(7).all()
    fig = go.Figure()
    order = {c: i for i, c in enumerate(PENALTY_CATEGORIES)}
    for category in sorted(frame["处罚类别"].unique(), key=lambda c: order.get(c, len(order))):
        part = frame[frame["处罚类别"] == category]
        color = PENALTY_COLORS.get(category, "#95a5a6")
        if monthly:
            fig.add_trace(
                go.Bar(
                    x=_months(part["期间"]),
                    y=part["件数"],
                    name=category,
                    marker_color=color,
                    width=MONTH_BAR_WIDTH,
                    hovertemplate="%{x|%Y-%m} " + category + "：%{y}<extra></extra>",
                )
            )
        else:
            fig.add_trace(
                go.Bar(
                    x=part["期间"],
                    y=part["件数"],
                    name=category,
                    marker_color=color,
                    hovertemplate="%{x} " + category + "：%{y}<extra></extra>",
                )
            )
    fig.update_layout(barmode="stack")
    if monthly:
        _month_axis(fig, "处罚决定月份", _months(frame["期间"]))
    else:
        fig.update_xaxes(
            title="处罚决定年份", type="category", categoryorder="array", categoryarray=sorted(frame["期间"].unique())
        )
    most = int(frame.groupby("期间")["件数"].sum().max())
    fig.update_yaxes(title="件数", gridcolor="#eee", dtick=1 if most <= 10 else None)
    return _legend_top(_layout(fig, title))


def top_enterprises(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars: enterprises with the most registered engineers (columns 排名, 企业名称, 所在省, 人数)."""
    title = "在册注册人员最多的企业（前20名）"
    if frame.empty:
        return _empty(title)
    data = frame.assign(标签=frame["企业名称"] + "（" + frame["所在省"] + "）")
    return _hbar(data, "标签", "人数", title, "人数", "#8e44ad", per_row=24)
