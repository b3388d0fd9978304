"""Results kept across script runs and shared by the sessions of one app process: the one place
the pages cache what a service computed. Each entry lives at most CACHE_SECONDS, so a process never
serves figures older than that, whichever process wrote since (DESIGN.md rule 15).

And, per session, a chart drawn from data that has not changed since the session's last run
(session_figure): nothing can go stale, the data is read on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from services import transaction
from services.dashboards import panels, view
from services.dashboards.panels import DashboardFilter
from services.kernel.clock import today
from services.kernel.errors import ServiceError
from services.kernel.vocabulary import Duty
from ui.calls import refused
from ui.session import kept, signed_in

CACHE_SECONDS = 300


# 统计分析: national figures, the same for every ministry user, and costly to build. Measured with
# bench/run.py's pages child on the demo database (median AppTest run of the page, 2 shared cores,
# floor 3.2 ms): 14.5 ms with this cache, 114 ms without (156 to 257 ms when the machine was busy);
# building the eight plotly figures is most of it, and at national scale get_dashboard adds 125 ms.
# Keyed by the filters, the day, the role and the 统计分析 duty, so that only a ministry analyst ever fills or
# reads an entry; the service checks the actor when it computes. The objects are shared, never copied:
# nothing that renders them changes them (st.plotly_chart serialises a copy of a figure).
@st.cache_resource(ttl=CACHE_SECONDS, max_entries=64, show_spinner="正在统计……")
def _dashboard_view(filters: DashboardFilter, day: dt.date, role: str, analyst: bool, _actor) -> view.DashboardView:
    with transaction() as s:
        data = panels.get_dashboard(s, _actor, filters=filters)
    return view.build(data, filters, day)


def dashboard_view(filters: DashboardFilter) -> view.DashboardView | None:
    """The 统计分析 page's view (panels.get_dashboard for the current actor, drawn by view.build), from
    the cache; like ui.call, None when the service refused (its message shown)."""
    actor = signed_in()
    try:
        return _dashboard_view(filters, today(), actor.role, actor.may(Duty.analyse), actor)
    except ServiceError as exc:
        refused(exc)
        return None


def _fingerprint(data: Any) -> Any:
    if isinstance(data, pd.DataFrame):
        return tuple(data.columns), tuple(data.itertuples(index=False, name=None))
    if isinstance(data, dict):
        return tuple(data.items())
    return data


def session_figure(build: Callable[[Any], go.Figure], data: Any) -> go.Figure:
    """build(data), built again only when `data` differs from this session's last call: a plotly
    figure costs about 1 ms to build, and the enterprise's 首页 draws two on every run with the same
    few numbers. Per session and per builder, one figure each (st.plotly_chart serialises a copy)."""
    figures = kept().figures
    name = f"{build.__module__}.{build.__qualname__}"
    key = _fingerprint(data)
    held = figures.get(name)
    if held is None or held[0] != key:
        held = figures[name] = (key, build(data))
    return held[1]
