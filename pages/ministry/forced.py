"""强制注销审核 (部级版): the enterprises' forced deregistration requests, 受理 / 准予注销 / 不予注销."""
import streamlit as st

import ui
from services.files import attachments
from services.deregistration import requests as forced, review as forced_review
from services import workflow
from services.kernel.actor import MINISTRY

actor = ui.require_actor(MINISTRY)



KEY = "mforced"
STATUSES = [None, *workflow.STATUS_LABELS[workflow.FORCED]]

st.header("强制注销审核")

status = st.columns(4)[0].selectbox("状态", STATUSES, index=1, key="mf_status",
                      format_func=lambda s: workflow.status_label(workflow.FORCED, s) if s else "全部",
                      on_change=ui.reset_page, args=(KEY,))
result = ui.call(forced_review.list_forced_queue, status=status, page=st.session_state.get(f"{KEY}_page", 1),
                 page_size=st.session_state.get(f"{KEY}_size", 10))
if result is None:
    st.stop()
picked = ui.paged_table(result, key=KEY)

if result.total and picked is None:
    st.caption("选中一条申请，查看详情并审核。")

if picked is not None:
    detail = ui.call(forced_review.get_forced_request, request_id=int(result.rows.iloc[picked]["id"]))
    if detail is None:
        st.stop()
    st.subheader("申请详情")
    ui.kv_grid(detail.fields)

    st.subheader("附件材料")
    if not detail.attachments:
        st.info("暂无附件材料")
    for att in detail.attachments:
        file = ui.call(attachments.get_attachment_file, attachment_id=att.id)
        if file is None:
            continue
        if file.content_type.startswith("image/"):
            st.image(file.data, caption=f"{att.type_label}：{att.original_name}", width=480)
        else:
            st.download_button(f"{att.type_label}：{att.original_name}", file.data, file.name, file.content_type,
                               key=f"fatt_{att.id}", on_click="ignore", icon=":material/attach_file:")

    st.subheader("进度详情")
    ui.steps_table(ui.call(forced.list_forced_steps, request_id=detail.id))

    if detail.actions:
        st.subheader("审核")
        with st.form("forced_decide"):
            opinion = st.text_area("审核意见", key="mf_opinion", max_chars=1000,
                                   placeholder="不予注销时必填")
            cols = st.columns(len(detail.actions) + 3)
            clicked = None
            for col, action in zip(cols, detail.actions):
                if col.form_submit_button(workflow.action_label(workflow.FORCED, action),
                                          type="secondary" if action == "deny" else "primary"):
                    clicked = action
        if clicked:
            if ui.act(forced_review.decide_forced, request_id=detail.id, action=clicked, opinion=opinion):
                ui.reset_page(KEY)
                st.rerun()
            ui.show_flash()
