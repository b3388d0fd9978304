"""Paged tables with row selection, record captions, exports and the steps table."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from services.files import exports
from services.kernel import clock
from services.kernel.paging import PAGE_SIZES, PageResult, RowKey

LIST_GEN_KEY = "_list_gen"  # bumped by every action and new query: tables forget their selection


def new_list_generation() -> None:
    st.session_state[LIST_GEN_KEY] = st.session_state.get(LIST_GEN_KEY, 0) + 1


def record_caption(result: PageResult) -> None:
    if result.total == 0:
        st.info("没有找到匹配的记录")
    elif result.capped:
        st.caption(f"显示第 {result.first} 到第 {result.last} 条记录, 总共超过 {result.total:,} 条记录，请缩小查询范围")
    else:
        st.caption(f"显示第 {result.first} 到第 {result.last} 条记录, 总共 {result.total} 条记录")


def paged_table(
    result: PageResult,
    *,
    key: str,
    selectable: bool = True,
    multi: bool = False,
    column_order: list[str] | None = None,
    column_config: dict | None = None,
):
    """One page of a list with row selection, and under it one line of paging controls.

    Returns the selected row's key (RowKey: id and status), or None; with `multi` the list of
    keys. Only the result's visible columns are shown; the keys come with the result. The browser keeps a
    selection by row position while the table's key is the same, so the key changes with every
    action, query, page and page size, and a selection is read through the rows the browser showed:
    it never lands on another record, even when someone else's action changed the list. The paging
    widgets keep their values in session_state (`<key>_size`, `<key>_page`), which the page reads
    before it queries, so a run makes one query.
    """
    if result.total == 0:
        record_caption(result)
        return [] if multi else None
    generation = st.session_state.get(LIST_GEN_KEY, 0)
    table_key = f"{key}_table_{generation}_{result.page}_{result.page_size}"
    # A selection is rows of the table the browser shows: the previous run's, which may hold other
    # rows than this run read (someone withdrew a listed request meanwhile). Read it through the keys
    # shown then, so that it names the record the person chose, not the one that moved into its place.
    shown_table, shown_keys = st.session_state.get(f"_{key}_shown", (None, ()))
    keys = shown_keys if shown_table == table_key else result.keys
    st.session_state[f"_{key}_shown"] = (table_key, result.keys)
    event = st.dataframe(
        result.rows,
        column_order=column_order,
        column_config=column_config,
        hide_index=True,
        width="stretch",
        key=table_key,
        on_select="rerun" if selectable else "ignore",
        selection_mode="multi-row" if multi else "single-row",
    )
    caption, size, pages = st.columns([3, 1.4, 4], vertical_alignment="center")
    with caption:
        record_caption(result)
    size.selectbox(
        "每页条数",
        PAGE_SIZES,
        key=f"{key}_size",
        on_change=reset_page,
        args=(key,),
        label_visibility="collapsed",
        format_func=lambda n: f"每页 {n} 条",
    )
    if st.session_state.get(f"{key}_page", 1) > result.pages:
        st.session_state.pop(f"{key}_page")  # the list shrank under the remembered page
    if result.pages > 1:
        with pages:
            st.pagination(result.pages, key=f"{key}_page", default=result.page)
    picked: list[RowKey] = [keys[r] for r in event.selection.rows if r < len(keys)] if selectable else []
    if multi:
        return picked
    return picked[0] if picked else None


def page_args(key: str) -> dict:
    """The page number and size a list's paging widgets hold, for the service's list_* call."""
    return {"page": st.session_state.get(f"{key}_page", 1), "page_size": st.session_state.get(f"{key}_size", 10)}


def reset_page(key: str) -> None:
    """A new search starts on page 1, with no selection, and forgets the previous export."""
    st.session_state.pop(f"{key}_page", None)
    st.session_state.pop(f"{key}_export_data", None)
    new_list_generation()


def export_buttons(frame_fn: Callable[[], pd.DataFrame | None], *, name: str, key: str) -> None:
    """【导出】: build the export only when asked, then offer Excel and CSV downloads."""
    if st.button("导出", key=f"{key}_export", icon=":material/download:"):
        frame = frame_fn()
        if frame is not None:
            st.session_state[f"{key}_export_data"] = frame
    frame = st.session_state.get(f"{key}_export_data")
    if frame is not None:
        stamp = clock.stamp()
        c1, c2 = st.columns(2)
        c1.download_button(
            "下载 Excel",
            exports.to_xlsx_bytes(frame, sheet_name=name),
            f"{name}_{stamp}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
        )
        c2.download_button(
            "下载 CSV",
            exports.to_csv_bytes(frame),
            f"{name}_{stamp}.csv",
            "text/csv",
            key=f"{key}_csv",
            on_click="ignore",
        )
        st.caption(f"已生成导出文件，共 {len(frame)} 条记录（证件号码已脱敏）")


def steps_table(frame: pd.DataFrame | None) -> None:
    if frame is None:
        return
    if frame.empty:
        st.info("暂无办理记录")
    else:
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config={
                "序号": st.column_config.Column(width=48),
                "意见": st.column_config.TextColumn("意见", width="large"),
            },
        )
