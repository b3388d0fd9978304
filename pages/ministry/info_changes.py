"""企业重要信息审核 (部级版): enterprise name / 统一社会信用代码 changes, 受理 / 审核通过 / 审核不通过."""
import streamlit as st

import ui
from services.enterprise import info_change
from services import workflow
from services.kernel.actor import MINISTRY

actor = ui.require_actor(MINISTRY)



KEY = "minfo"
STATUSES = [None, *workflow.STATUS_LABELS[workflow.INFO_CHANGE]]

st.header("企业重要信息审核")

status = st.columns(4)[0].selectbox("状态", STATUSES, index=1, key="mi_status",
                      format_func=lambda s: workflow.status_label(workflow.INFO_CHANGE, s) if s else "全部",
                      on_change=ui.reset_page, args=(KEY,))
result = ui.call(info_change.list_info_change_queue, status=status, page=st.session_state.get(f"{KEY}_page", 1),
                 page_size=st.session_state.get(f"{KEY}_size", 10))
if result is None:
    st.stop()
picked = ui.paged_table(result, key=KEY)

if result.total and picked is None:
    st.caption("选中一条申请，查看详情并审核。")

if picked is not None:
    detail = ui.call(info_change.get_info_change, request_id=int(result.rows.iloc[picked]["id"]))
    if detail is None:
        st.stop()
    st.subheader("申请详情")
    ui.kv_grid(detail.fields)

    st.subheader("进度详情")
    ui.steps_table(ui.call(info_change.list_info_change_steps, request_id=detail.id))

    if detail.actions:
        st.subheader("审核")
        with st.form("info_decide"):
            opinion = st.text_area("审核意见", key="mi_opinion", max_chars=1000, placeholder="审核不通过时必填")
            cols = st.columns(len(detail.actions) + 3)
            clicked = None
            for col, action in zip(cols, detail.actions):
                if col.form_submit_button(workflow.action_label(workflow.INFO_CHANGE, action),
                                          type="secondary" if action == "deny" else "primary"):
                    clicked = action
        if clicked:
            if ui.act(info_change.decide_info_change, request_id=detail.id, action=clicked, opinion=opinion):
                ui.reset_page(KEY)
                st.rerun()
            ui.show_flash()
