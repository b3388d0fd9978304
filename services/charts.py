"""Chart builders: pure functions from a DataFrame to a plotly Figure, tested without Streamlit."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

FONT = "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif"


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(title=title, font_family=FONT, margin=dict(l=10, r=10, t=40, b=10), height=320,
                      plot_bgcolor="white")
    return fig


def staff_by_specialty(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars: registered staff per specialty (columns 注册专业, 人数)."""
    data = frame.sort_values("人数")
    fig = go.Figure(go.Bar(x=data["人数"], y=data["注册专业"], orientation="h", marker_color="#2f6db5",
                           text=data["人数"], textposition="outside"))
    fig.update_xaxes(title="人数", gridcolor="#eee")
    return _layout(fig, "在册注册人员专业分布")


def expiry_horizons(counts: dict[int, int]) -> go.Figure:
    """Bars: registrations expiring within each horizon in days."""
    labels = [f"{d} 天内" for d in counts]
    fig = go.Figure(go.Bar(x=labels, y=list(counts.values()), marker_color=["#c0392b", "#e67e22", "#f1c40f"][:len(counts)],
                           text=list(counts.values()), textposition="outside"))
    fig.update_yaxes(title="人数", gridcolor="#eee")
    return _layout(fig, "注册即将到期人数")
