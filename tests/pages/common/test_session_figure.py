"""ui.cached.session_figure: a chart is built once while its data stays the same, and follows the data."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _app():
    import streamlit as st

    from services.dashboards import charts
    from ui.cached import session_figure

    st.session_state.setdefault("builds", 0)

    def counted(counts):
        st.session_state["builds"] += 1
        return charts.expiry_horizons(counts)

    st.plotly_chart(session_figure(counted, st.session_state.get("counts", {30: 1, 60: 2, 90: 3})))


def _bars(at) -> list[int]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]


def test_a_chart_of_unchanged_data_is_built_once_per_session():
    at = AppTest.from_function(_app).run()
    at.run()
    at.run()
    assert not at.exception
    assert at.session_state["builds"] == 1
    assert _bars(at) == [1, 2, 3]


def test_a_chart_follows_its_data():
    at = AppTest.from_function(_app).run()
    at.session_state["counts"] = {30: 4, 60: 5, 90: 6}
    at.run()
    assert _bars(at) == [4, 5, 6]
    assert at.session_state["builds"] == 2
