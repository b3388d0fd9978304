"""Paged tables with row selection, record captions, exports and the steps table.

Every list is drawn by list_table: compact (所在省市 in one column; the services give times to the
minute) and column widths fitted to ui.layout.LIST_WIDTH, so that all of a list's columns show without
horizontal scroll at 1024×768; on a wider screen the grid widens every column by the same amount.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import pandas as pd
import streamlit as st

from services.files import exports
from services.kernel import clock
from services.kernel.paging import PAGE_SIZES, PageResult, RowKey
from ui.layout import LIST_WIDTH
from ui.session import kept
from ui.text import md_escape

ROW_MARKERS = 32  # px: the checkbox column of a table whose rows can be selected
GRID_EDGES = 2  # px: the grid's border
OPERATION = "操作"  # in a list (注册上报), the column naming what a click on it does to the row
DATE_WIDTH = 74  # px: 2026-11-26
PLACE = "所在省市"  # 所在省 and 所在城市 in one column: two headers are 50 px more than 1024 px allows

ROW_HINT = "点击表格中的一行（或勾选行首方框）选中该行，下面的按钮即对该行操作"
OPERATION_HINT = "；点击「操作」列可直接办理"

# Per column header, (least, full) width in px. Least: what must show at 1024×768 — the header
# (header_width) or the shortest useful content (a whole date, a three-character name); full: the
# usual content. A header not listed gets its header's width.
WIDTHS: dict[str, tuple[int, int]] = {
    "序号": (36, 44),
    "姓名": (50, 64),
    "性别": (36, 36),
    "证件号码": (64, 130),
    "所在省": (50, 78),
    PLACE: (64, 106),
    "业务类别": (64, 120),
    "申报专业": (64, 160),
    "注册专业": (64, 160),
    "执业单位名称": (92, 160),
    "申请单位": (64, 160),
    "聘用单位": (64, 160),
    "状态": (50, 92),
    "申请时间": (110, 110),
    "上报时间": (110, 110),
    "受理时间": (110, 110),
    "时间": (128, 128),  # 审计日志: to the second
    "办理时限": (DATE_WIDTH, DATE_WIDTH),
    "时限状态": (84, 84),  # a coloured label
    "有效期起": (DATE_WIDTH, DATE_WIDTH),
    "有效期至": (DATE_WIDTH, DATE_WIDTH),
    "注册号": (50, 72),
    "证书编号": (64, 100),
    "注销原因": (64, 130),
    "附件类型": (64, 110),
    "处罚决定书文号": (106, 170),
    "处罚类别": (64, 90),
    "处罚内容": (64, 200),
    "处罚机关": (64, 170),
    "原企业名称": (78, 170),
    "新企业名称": (78, 170),
    "变更原因": (64, 170),
    "退回原因": (64, 170),
    "操作人": (64, 150),
    "企业": (36, 150),
    "详情": (36, 200),
    # 用户管理 / 操作员管理
    "用户名": (64, 120),
    "姓名/名称": (64, 140),
    "角色": (50, 64),
    "职责": (50, 120),
    "所属单位": (64, 160),
    "最后登录": (110, 110),
    "创建时间": (110, 110),
    OPERATION: (36, 110),  # 注册上报: one action (上报); 审计日志: what was done
    # 消息中心: the title is what a person reads the list for; it takes what the short columns leave
    "类别": (64, 84),
    "标题": (200, 600),
}
# Who gets the width left over at 1024 first (then the others, in equal shares).
FIRST = ("申请时间", "上报时间", "受理时间", "姓名")


def header_width(label: str) -> int:
    """A header's width in the grid: 14 px a CJK character, 8 px any other, 8 px padding."""
    return sum(14 if ord(c) > 0x2E80 else 8 for c in label) + 8


def column_widths(columns: list[str], *, selectable: bool, fixed: dict[str, int] | None = None) -> dict[str, int]:
    """Widths that fit `columns` in LIST_WIDTH: each its least; then what is left, to the columns
    in FIRST one after another and then to the others in equal shares, each up to its full width.
    `fixed`: widths a page chose."""
    return dict(_column_widths(tuple(columns), selectable, tuple((fixed or {}).items())))


# Remembered: the widths depend on nothing but a list's column names (constants of its page), and
# working them out cost ~1,000 events of every list screen's run (one header at a time).
@lru_cache(maxsize=256)
def _column_widths(
    columns: tuple[str, ...], selectable: bool, fixed_items: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    fixed = dict(fixed_items)
    full = {c: fixed[c] if c in fixed else WIDTHS.get(c, (0, header_width(c)))[1] for c in columns}
    widths = {c: max(fixed.get(c, WIDTHS.get(c, (0, 0))[0]), header_width(c)) for c in columns}
    spare = LIST_WIDTH - GRID_EDGES - (ROW_MARKERS if selectable else 0) - sum(widths.values())
    for c in (c for c in FIRST if c in widths):
        grow = max(0, min(spare, full[c] - widths[c]))
        widths[c], spare = widths[c] + grow, spare - grow
    while spare > 0:
        wanting = [c for c in columns if widths[c] < full[c]]
        share = spare // len(wanting) if wanting else 0
        if not share:
            break
        for c in wanting:
            grow = min(share, full[c] - widths[c])
            widths[c], spare = widths[c] + grow, spare - grow
    return tuple(widths.items())


def list_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """A list's rows as shown: 所在省 and 所在城市 as one column 所在省市 (北京市北京市 as 北京市)."""
    if "所在省" not in rows.columns or "所在城市" not in rows.columns:
        return rows
    names = list(rows.columns)
    if all(isinstance(t, np.dtype) and t.kind == "O" for t in rows.dtypes):
        # The services' lists: one block of objects. Through numpy it is a fifth of drop + insert
        # (0.25 against 1.2 ms a page), the largest part of a list page's own time.
        values = rows.to_numpy(dtype=object)
        at, city = names.index("所在省"), names.index("所在城市")
        merged = [p if c in ("", None, p) else f"{p or ''}{c}" for p, c in zip(values[:, at], values[:, city])]
        values = np.delete(values, city, axis=1)  # a new array: the service's rows stay as they are
        values[:, at - (city < at)] = merged
        names = [PLACE if i == at else n for i, n in enumerate(names) if i != city]
        return pd.DataFrame(values, index=rows.index, columns=names, dtype=object)
    at = rows.columns.get_loc("所在省")
    merged = [p if c in ("", None, p) else f"{p or ''}{c}" for p, c in zip(rows["所在省"], rows["所在城市"])]
    shown = rows.drop(columns=["所在省", "所在城市"])
    shown.insert(at, PLACE, merged)
    return shown


def _with_width(config: dict, width: int) -> dict:
    """`config` with `width`, in the same key order (the order is part of the element's id)."""
    sized = {k: width if k == "width" else v for k, v in config.items() if v is not None or k == "width"}
    sized.setdefault("width", width)
    return sized


def list_table(
    rows: pd.DataFrame,
    *,
    key: str | None,
    selectable: bool = True,
    multi: bool = False,
    column_order: list[str] | None = None,
    column_config: dict | None = None,
    on_select: Callable[[], None] | None = None,
):
    """st.dataframe of a list, compact and fitted (module docstring). A click on any cell of a
    single-selection list selects its row too (picked_row), not only a tick in the row's box."""
    shown = list_frame(rows)
    columns: list[str] = []
    for c in column_order or shown.columns:
        c = PLACE if c == "所在省" and PLACE in shown.columns else c
        if c in shown.columns and c not in columns:
            columns.append(c)
    config = dict(column_config or {})
    fixed = {c: v["width"] for c, v in config.items() if isinstance(v, dict) and isinstance(v.get("width"), int)}
    for c, width in column_widths(columns, selectable=selectable, fixed=fixed).items():
        # Plain dicts without the None entries: Streamlit deep-copies every column's config on every run
        # and drops the None entries when it sends them, so {"width": w} is st.column_config.Column(width=w)
        # at a fifth of the copying (the copies were ~1,700 events of a list screen's run).
        given = config.get(c)
        config[c] = _with_width(given, width) if isinstance(given, dict) else {"width": width}
    if not selectable:
        return st.dataframe(
            shown, column_order=columns, column_config=config, hide_index=True, width="stretch", key=key
        )
    return st.dataframe(
        shown,
        column_order=columns,
        column_config=config,
        hide_index=True,
        width="stretch",
        key=key,
        on_select=on_select or "rerun",
        selection_mode="multi-row" if multi else ["single-row", "single-cell"],
    )


def picked_row(selection) -> int | None:
    """The row a single-selection list's selection points at: a ticked row, else a clicked cell's row."""
    if selection.rows:
        return selection.rows[0]
    return selection.cells[0][0] if selection.cells else None


def new_list_generation() -> None:
    """Every action and new query: the tables forget their selection (their keys change)."""
    kept().list_generation += 1


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
    actions: Callable[[RowKey | None], None] | None = None,
):
    """One page of a list with row selection, and under it one line of paging controls.

    `actions(picked)` draws the page's buttons for the selected row right under the table, after
    a line naming that row (or, with none selected, saying how to select one). A click on a row's
    操作 cell is kept for take_operation.

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
    session = kept()
    generation = session.list_generation
    table_key = f"{key}_table_{generation}_{result.page}_{result.page_size}"
    # A selection is rows of the table the browser shows: the previous run's, which may hold other
    # rows than this run read (someone withdrew a listed request meanwhile). Read it through the keys
    # shown then, so that it names the record the person chose, not the one that moved into its place.
    # Per list key: (the table key shown last, its rows' keys), in the session's one key (ui.session).
    shown: dict[str, tuple[str, tuple[RowKey, ...]]] = session.lists_shown
    shown_table, shown_keys = shown.get(key, (None, ()))
    keys = shown_keys if shown_table == table_key else result.keys
    shown[key] = (table_key, result.keys)
    on_select = None
    if selectable and not multi and OPERATION in result.rows.columns:
        on_select = partial(_operation_clicked, key, table_key, keys)
    event = list_table(
        result.rows,
        key=table_key,
        selectable=selectable,
        multi=multi,
        column_order=column_order,
        column_config=column_config,
        on_select=on_select,
    )
    rows: list[int] = []
    if selectable:
        rows = list(event.selection.rows) if multi else [r for r in [picked_row(event.selection)] if r is not None]
    picked: list[RowKey] = [keys[r] for r in rows if r < len(keys)]
    if actions is not None:
        _row_bar(result, rows[0] if picked else None, actions, key=key, operations=on_select is not None)
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        record_caption(result)
        st.selectbox(
            "每页条数",
            PAGE_SIZES,
            key=f"{key}_size",
            on_change=reset_page,
            args=(key,),
            label_visibility="collapsed",
            format_func=lambda n: f"每页 {n} 条",
            width=136,  # 「每页 100 条」 and the arrow, whatever the screen
        )
        if st.session_state.get(f"{key}_page", 1) > result.pages:
            st.session_state.pop(f"{key}_page")  # the list shrank under the remembered page
        if result.pages > 1:
            st.pagination(result.pages, key=f"{key}_page", default=result.page)
    if multi:
        return picked
    return picked[0] if picked else None


def _operation_clicked(key: str, table_key: str, keys: tuple[RowKey, ...]) -> None:
    """on_select of a list with an 操作 column: a click on a row's 操作 cell asks for that row's
    operation (take_operation); the table then starts afresh, so the next click counts again."""
    selection = st.session_state[table_key]["selection"]
    cells = selection["cells"]
    if cells and not selection["rows"] and cells[0][1] == OPERATION and cells[0][0] < len(keys):
        st.session_state[f"{key}_operation"] = keys[cells[0][0]]
        new_list_generation()


def take_operation(key: str) -> RowKey | None:
    """The row whose 操作 cell was clicked in list `key` since the last run, once."""
    return st.session_state.pop(f"{key}_operation", None)


def row_label(rows: pd.DataFrame, row: int) -> str:
    """「第 3 条 · 胡瑞（待上报）」: which row a selection is, in the list's own words."""
    values = rows.iloc[row]
    parts = [f"第 {values['序号']} 条"] if "序号" in rows.columns else []
    name = next((c for c in ("姓名", "申请单位", "原企业名称", "用户名") if c in rows.columns), None)
    status = next((c for c in ("状态", "注册状态") if c in rows.columns), None)
    if name:
        parts.append(f"{values[name]}（{values[status]}）" if status else str(values[name]))
    return " · ".join(parts)


def _row_bar(
    result: PageResult, row: int | None, actions: Callable[[RowKey | None], None], *, key: str, operations: bool
) -> None:
    """Under the table: which row is selected (or how to select one), and on the next line its buttons."""
    with st.container(key=f"{key}_actions", gap="small"):
        if row is None:
            st.caption(ROW_HINT + (OPERATION_HINT if operations else "") + "。")
        else:
            st.markdown(f"**已选：** {md_escape(row_label(result.rows, row))}")
        with st.container(horizontal=True):
            actions(None if row is None else result.keys[row])


def page_args(key: str) -> dict:
    """The page number and size a list's paging widgets hold, for the service's list_* call."""
    return {"page": st.session_state.get(f"{key}_page", 1), "page_size": st.session_state.get(f"{key}_size", 10)}


def reset_page(key: str) -> None:
    """A new search starts on page 1, with no selection, and forgets the previous export."""
    st.session_state.pop(f"{key}_page", None)
    kept().exports.pop(key, None)
    new_list_generation()


@dataclass(frozen=True)
class Export:
    """An export as built when 导出 was pressed: the files, their time stamp and the row count."""

    xlsx: bytes
    csv: bytes
    stamp: str
    rows: int


def export_buttons(frame_fn: Callable[[], pd.DataFrame | None], *, name: str, key: str) -> None:
    """【导出】: build the export only when asked, then offer Excel and CSV downloads.

    The files are encoded once, on the press, and kept in the session: a later run (the next page,
    any click) only offers them again. Encoding on every run cost 2-4 s of server CPU a run for a
    6,000-row list, during which the server served no one else (issue 17)."""
    if st.button("导出", key=f"{key}_export", icon=":material/download:"):
        frame = frame_fn()
        if frame is not None:
            kept().exports[key] = Export(
                xlsx=exports.to_xlsx_bytes(frame, sheet_name=name),
                csv=exports.to_csv_bytes(frame),
                stamp=clock.stamp(),
                rows=len(frame),
            )
    built = kept().exports.get(key)
    if built is not None:
        c1, c2 = st.columns(2)
        c1.download_button(
            "下载 Excel",
            built.xlsx,
            f"{name}_{built.stamp}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx",
            on_click="ignore",
        )
        c2.download_button(
            "下载 CSV",
            built.csv,
            f"{name}_{built.stamp}.csv",
            "text/csv",
            key=f"{key}_csv",
            on_click="ignore",
        )
        st.caption(f"已生成导出文件，共 {built.rows} 条记录（证件号码已脱敏）")


def steps_table(frame: pd.DataFrame | None) -> None:
    if frame is None:
        return
    if frame.empty:
        st.info("暂无办理记录")
    else:
        widths = step_widths(list(frame.columns))
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            column_config={c: st.column_config.Column(width=w) for c, w in widths.items()},
        )
        if "意见" in frame.columns and "序号" in frame.columns:
            # What the 意见 column cannot show at 1024 px (a grid cell does not wrap), in full beneath it.
            for number, opinion in zip(frame["序号"], frame["意见"], strict=True):
                if isinstance(opinion, str) and header_width(opinion) > widths["意见"]:
                    st.caption(md_escape(f"第 {number} 步意见：{opinion}"))


# 进度详情: (least, full) px. 意见 takes what the others leave: at 1024 a fixed "large" 意见 pushed the
# grid 150 px past the screen, and its end could only be reached by scrolling sideways.
STEP_WIDTHS: dict[str, tuple[int, int]] = {
    "序号": (44, 44),
    "办理时间": (132, 132),  # to the second
    "办理人": (64, 160),  # 住房和城乡建设部执业资格注册中心 shows its first 10 characters at 1024
    "操作": (64, 110),
    "办理结果": (64, 92),
}


def step_widths(columns: list[str]) -> dict[str, int]:
    """Widths that fit the steps table in LIST_WIDTH, 意见 (the last) getting the rest."""
    widths = {c: STEP_WIDTHS.get(c, (header_width(c), header_width(c)))[1] for c in columns if c != "意见"}
    if "意见" in columns:
        widths["意见"] = max(header_width("意见"), LIST_WIDTH - GRID_EDGES - sum(widths.values()))
    return {c: widths[c] for c in columns}
