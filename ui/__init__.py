"""Streamlit helpers shared by the pages: the actor gate, service calls, tables, dialogs, flashes.

User text is never rendered as Markdown: tables go through st.dataframe, key/value panels
through `kv_grid`, which escapes every value before it reaches HTML.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import pandas as pd
import streamlit as st

from services.registration import reporting
from services.files import attachments, exports
from services import transaction
from services.kernel import values
from services.kernel.actor import Actor
from services.auth.login import get_actor, header_name, session_expiry
from services.kernel.paging import PAGE_SIZES, PageResult
from services.kernel.errors import ServiceError
from services.kernel import clock
from services.kernel.clock import now

ACTOR_KEY = "_actor"
HEADER_KEY = "_header"  # the enterprise's (or person's) current name, read with the actor
FLASH_KEY = "_flash"
LIST_GEN_KEY = "_list_gen"  # bumped by every action and new query: tables forget their selection
LOGIN_AT_KEY = "_login_at"
LAST_SEEN_KEY = "_last_seen"


def start_session(_info: dict | None = None) -> None:
    """A login by the form: this session's clock starts now (used as the login callback)."""
    st.session_state[LOGIN_AT_KEY] = st.session_state[LAST_SEEN_KEY] = now()


def end_session() -> None:
    for key in (ACTOR_KEY, HEADER_KEY, LOGIN_AT_KEY, LAST_SEEN_KEY):
        st.session_state.pop(key, None)


def current_actor() -> Actor | None:
    """The logged-in actor, re-read from the database on every run.

    None (and the reason flashed) when the session is idle or old beyond the limits, or when the
    user was disabled or logged out elsewhere since this session logged in.
    """
    username = st.session_state.get("username") if st.session_state.get("authentication_status") else None
    if not username:
        return None
    at = now()
    logged_in_at = st.session_state.setdefault(LOGIN_AT_KEY, at)
    expired = session_expiry(logged_in_at, st.session_state.get(LAST_SEEN_KEY, at), at)
    with transaction() as s:
        actor = None if expired else get_actor(s, username, logged_in_at=logged_in_at)
        header = header_name(s, actor) if actor else None
    if actor is None:
        flash("error", expired or "登录已失效，请重新登录。")
        end_session()
        return None
    st.session_state[LAST_SEEN_KEY] = at
    st.session_state[ACTOR_KEY] = actor
    st.session_state[HEADER_KEY] = header
    return actor


def header() -> str:
    """The name at the top of every page, as read with the actor in this run."""
    return st.session_state.get(HEADER_KEY) or ""


# Before the first 监理工程师 registrations (1992): any date of the register's history. Streamlit's own
# range is today ± 10 years, and a date typed outside it is dropped without a word to the app.
EARLIEST_DATE = dt.date(1990, 1, 1)


def date_field(where, label: str, *, key: str, value: dt.date | None = None, **kwargs) -> dt.date | None:
    """A YYYY-MM-DD date input (a filter when `value` is None) that takes every date since EARLIEST_DATE."""
    kwargs.setdefault("min_value", EARLIEST_DATE)
    return where.date_input(label, value=value, key=key, format="YYYY-MM-DD", **kwargs)


def require_actor(role: str) -> Actor:
    """First line of every page: the page's role or nothing (defence behind the navigation)."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None or actor.role != role:
        st.error("无权访问此页面，请使用相应账户登录。")
        st.stop()
    return actor


def call(fn: Callable, *args, **kwargs):
    """Run one service call in one transaction with the current actor; show its error, if any.

    Returns the result, or None when the service refused (the message is already shown).
    """
    actor = st.session_state.get(ACTOR_KEY)
    try:
        with transaction() as s:
            return fn(s, actor, *args, **kwargs)
    except ServiceError as exc:
        st.error(md_escape(exc.message))
        return None


def act(fn: Callable, *args, success: str = "操作成功", **kwargs) -> bool:
    """A command: on success queue the flash message for the next run and return True."""
    actor = st.session_state.get(ACTOR_KEY)
    try:
        with transaction() as s:
            fn(s, actor, *args, **kwargs)
    except ServiceError as exc:
        st.session_state[FLASH_KEY] = ("error", exc.message)
        return False
    st.session_state[FLASH_KEY] = ("success", success)
    _new_list_generation()
    return True


def _new_list_generation() -> None:
    st.session_state[LIST_GEN_KEY] = st.session_state.get(LIST_GEN_KEY, 0) + 1


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    """Show (once) the message the previous action left: 「操作成功」 or the service's refusal."""
    item = st.session_state.pop(FLASH_KEY, None)
    if not item:
        return
    kind, message = item
    if kind == "success":
        st.success(message)
        st.toast(message)
    else:
        st.error(md_escape(message))


_MD_SPECIALS = set("\\`*_{}[]()#+-.!|~<>:$=")


def md_escape(text: str) -> str:
    """User text for a place Streamlit renders as Markdown (headers, captions, button labels):
    every Markdown, directive (:red[], :material/...:) and LaTeX ($) character is escaped."""
    return "".join("\\" + ch if ch in _MD_SPECIALS else ch for ch in str(text))


def kv_grid(pairs: list[tuple[str, str]], columns: int = 2) -> None:
    """A bordered label/value table like the manual's detail screens. Every string is escaped."""
    cells = [(html.escape(k), html.escape(str(v) if v is not None else "")) for k, v in pairs]
    rows = []
    for i in range(0, len(cells), columns):
        chunk = cells[i:i + columns]
        chunk += [("", "")] * (columns - len(chunk))
        rows.append("<tr>" + "".join(f'<th>{k}</th><td>{v}</td>' for k, v in chunk) + "</tr>")
    st.html(
        "<style>.kv{border-collapse:collapse;width:100%;font-size:14px}"
        ".kv th{background:#f3f6fa;color:#333;font-weight:600;text-align:right;width:14%;"
        "padding:6px 10px;border:1px solid #dde3ea;white-space:nowrap}"
        ".kv td{padding:6px 10px;border:1px solid #dde3ea;width:36%;white-space:pre-wrap}</style>"
        f'<table class="kv">{"".join(rows)}</table>'
    )


def record_caption(result: PageResult) -> None:
    if result.total == 0:
        st.info("没有找到匹配的记录")
    elif result.capped:
        st.caption(f"显示第 {result.first} 到第 {result.last} 条记录, 总共超过 {result.total:,} 条记录，请缩小查询范围")
    else:
        st.caption(f"显示第 {result.first} 到第 {result.last} 条记录, 总共 {result.total} 条记录")


def paged_table(result: PageResult, *, key: str, hidden: tuple[str, ...] = ("id", "status_code"),
                selectable: bool = True, multi: bool = False, column_order: list[str] | None = None,
                column_config: dict | None = None):
    """One page of a list with row selection, and under it one line of paging controls.

    Returns the selected row's position (or None), or with `multi` the list of positions. The
    browser keeps a selection by row position while the table's key is the same, so the key
    changes with every action, query, page and page size: a selection never lands on another
    record. The paging widgets keep their values in session_state (`<key>_size`, `<key>_page`),
    which the page reads before it queries, so a run makes one query.
    """
    if result.total == 0:
        record_caption(result)
        return [] if multi else None
    generation = st.session_state.get(LIST_GEN_KEY, 0)
    event = st.dataframe(
        result.rows,
        column_order=column_order or [c for c in result.rows.columns if c not in hidden],
        column_config=column_config, hide_index=True, width="stretch",
        key=f"{key}_table_{generation}_{result.page}_{result.page_size}",
        on_select="rerun" if selectable else "ignore", selection_mode="multi-row" if multi else "single-row",
    )
    caption, size, pages = st.columns([3, 1.4, 4], vertical_alignment="center")
    with caption:
        record_caption(result)
    size.selectbox("每页条数", PAGE_SIZES, key=f"{key}_size", on_change=_reset_page, args=(key,),
                   label_visibility="collapsed", format_func=lambda n: f"每页 {n} 条")
    if st.session_state.get(f"{key}_page", 1) > result.pages:
        st.session_state.pop(f"{key}_page")  # the list shrank under the remembered page
    if result.pages > 1:
        with pages:
            st.pagination(result.pages, key=f"{key}_page", default=result.page)
    rows = [r for r in event.selection.rows if r < len(result.rows)] if selectable else []
    if multi:
        return rows
    return rows[0] if rows else None


def _reset_page(key: str) -> None:
    # A new search starts on page 1, with no selection, and forgets the previous export.
    st.session_state.pop(f"{key}_page", None)
    st.session_state.pop(f"{key}_export_data", None)
    _new_list_generation()


def reset_page(key: str) -> None:
    _reset_page(key)


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
        c1.download_button("下载 Excel", exports.to_xlsx_bytes(frame, sheet_name=name), f"{name}_{stamp}.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx", on_click="ignore")
        c2.download_button("下载 CSV", exports.to_csv_bytes(frame), f"{name}_{stamp}.csv", "text/csv",
                           key=f"{key}_csv", on_click="ignore")
        st.caption(f"已生成导出文件，共 {len(frame)} 条记录（证件号码已脱敏）")


def page_style() -> None:
    """House CSS, constant: less empty space above the page title."""
    st.html("<style>[data-testid=stMainBlockContainer]{padding-top:2.5rem}</style>")


def confirm_dialog(pending: str, question: str, run: Callable[[], object], *, key: str) -> None:
    """The manual's 「信息」 box: 确定 runs `run` (an act()), 取消 closes. State-driven (the
    caller opens it by setting session_state[pending]) so that it works in AppTest too."""
    def body():
        st.write(question)
        buttons = st.container(horizontal=True)
        if buttons.button("确定", type="primary", key=f"dlg_{key}_ok"):
            st.session_state.pop(pending, None)
            run()
            st.rerun()
        if buttons.button("取消", key=f"dlg_{key}_cancel"):
            st.session_state.pop(pending, None)
            st.rerun()

    st.dialog("信息", on_dismiss=lambda: st.session_state.pop(pending, None))(body)()


def steps_dialog(pending: str, load: Callable[[], pd.DataFrame | None], *, key: str) -> None:
    """【进度详情】 in a dialog: every step with time, who, action and opinion."""
    def body():
        steps_table(load())
        if st.button("关闭", key=f"dlg_{key}_close"):
            st.session_state.pop(pending, None)
            st.rerun()

    st.dialog("进度详情", width="large", on_dismiss=lambda: st.session_state.pop(pending, None))(body)()


def application_sections(detail, business: list[tuple[str, str]], personal: list[tuple[str, str]], *,
                         expand: bool, agreed_note: str) -> None:
    """The manual's 业务详情 body, shared by the enterprise and the ministry: 业务上报信息,
    个人基本信息 (numbers masked; the whole ones on request, audited), 附件材料 (images enlarge),
    个人承诺 and 企业承诺. Uploaded file names are user text: escaped wherever Markdown renders."""
    st.subheader("业务上报信息")
    kv_grid(business)
    st.subheader("个人基本信息")
    kv_grid(personal)
    if st.toggle("显示完整证件号码和联系电话", key="reveal"):
        numbers = call(reporting.reveal_person_numbers, application_id=detail.id)
        if numbers:
            st.text(f"证件号码：{numbers[0]}    联系电话：{numbers[1]}")
    with st.expander("附件材料（点击展开查看）", expanded=expand):
        if not detail.attachments:
            st.info("暂无附件材料")
        images = [a for a in detail.attachments if a.content_type.startswith("image/")]
        if images:
            st.caption("将鼠标移到图片上，点击右上角按钮可放大查看。")
            cols = st.columns(3)
            for i, att in enumerate(images):
                file = call(attachments.get_attachment_file, attachment_id=att.id)
                if file:
                    cols[i % 3].image(file.data, caption=md_escape(f"{att.type_label}：{att.original_name}"))
        for att in detail.attachments:
            if att.content_type.startswith("image/"):
                continue
            file = call(attachments.get_attachment_file, attachment_id=att.id)
            if file:
                st.download_button(md_escape(f"{att.type_label}：{att.original_name}"), file.data, file.name,
                                   file.content_type, key=f"att_{att.id}", on_click="ignore",
                                   icon=":material/attach_file:")
    with st.expander("个人承诺（点击展开查看）"):
        for i, clause in enumerate(values.PERSONAL_COMMITMENT, start=1):
            st.text(f"{i}. {clause}")
    with st.expander("企业承诺（点击展开查看）", expanded=expand):
        st.text(values.ENTERPRISE_COMMITMENT_INTRO)
        for i, clause in enumerate(values.ENTERPRISE_COMMITMENT, start=1):
            st.text(f"{i}. {clause}")
        if detail.enterprise_commitment_agreed:
            st.success(agreed_note)


def steps_table(frame: pd.DataFrame | None) -> None:
    if frame is None:
        return
    if frame.empty:
        st.info("暂无办理记录")
    else:
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={"序号": st.column_config.Column(width=48),
                                    "意见": st.column_config.TextColumn("意见", width="large")})
