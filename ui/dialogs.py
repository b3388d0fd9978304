"""The manual's dialogs: 「信息」 confirmations and 【进度详情】. State-driven (the page opens one by
setting session_state[pending]) so that they work in AppTest too."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ui.tables import steps_table


def confirm_dialog(
    pending: str,
    question: str,
    run: Callable[..., object],
    *,
    key: str,
    title: str = "信息",
    ok: str = "确定",
    fields: Callable[[], object] | None = None,
) -> None:
    """The manual's 「信息」 box: `ok` runs `run` (a ui.act: done, it reruns; refused, its message
    shows in the box, which stays open), 取消 closes. With `fields`, the box first draws the
    inputs `fields()` returns a value of (a reason), and `run` takes that value."""

    def close():
        st.session_state.pop(pending, None)

    def body():
        target = st.session_state.get(pending)
        if question:
            st.write(question)
        value = fields() if fields else None
        buttons = st.container(horizontal=True)
        if buttons.button(ok, type="primary", key=f"dlg_{key}_ok"):
            close()  # done, ui.act reruns and the box does not open again
            run(value) if fields else run()
            st.session_state[pending] = target  # refused: the box stays open under its message
        if buttons.button("取消", key=f"dlg_{key}_cancel"):
            close()
            st.rerun()

    st.dialog(title, on_dismiss=close)(body)()


def steps_dialog(pending: str, load: Callable[[], pd.DataFrame | None], *, key: str) -> None:
    """【进度详情】 in a dialog: every step with time, who, action and opinion."""

    def body():
        steps_table(load())
        if st.button("关闭", key=f"dlg_{key}_close"):
            st.session_state.pop(pending, None)
            st.rerun()

    st.dialog("进度详情", width="large", on_dismiss=lambda: st.session_state.pop(pending, None))(body)()
