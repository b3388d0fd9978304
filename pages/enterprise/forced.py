"""强制注销 (manual 3.1.3): the enterprise's requests, 【申请】 and 撤回."""

import streamlit as st

import ui
from services import workflow
from services.deregistration import requests as forced
from services.kernel.actor import ENTERPRISE
from services.kernel.paging import RowKey

actor = ui.require_actor(ENTERPRISE)
KEY = "forced"

st.header("强制注销")
if st.button("申请", type="primary", icon=":material/add:"):
    st.switch_page("pages/enterprise/forced_apply.py")

status = st.selectbox(
    "状态",
    list(workflow.STATUS_LABELS[workflow.FORCED]),
    index=None,
    placeholder="全部",
    format_func=lambda s: workflow.status_label(workflow.FORCED, s),
    key="fd_status",
    on_change=ui.reset_page,
    args=(KEY,),
)
result = ui.call(forced.list_forced, status=status, **ui.page_args(KEY))
if result is None:
    st.stop()


def row_buttons(picked: RowKey | None) -> None:
    """The selected request's 撤回 and 进度详情, under the list."""
    allowed = workflow.allowed_actions(workflow.FORCED, picked.status, actor.role) if picked else []
    if st.button("撤回", disabled="withdraw" not in allowed, key="fd_withdraw") and picked:
        st.session_state["pending_fd_withdraw"] = picked.id
    if st.button("进度详情", disabled=picked is None, key="fd_steps") and picked:
        st.session_state["pending_fd_steps"] = picked.id
    if picked and "withdraw" not in allowed and picked.status == workflow.REQ_ACCEPTED:
        st.caption("部级已受理，无法撤回。")


ui.paged_table(result, key=KEY, actions=row_buttons)


if "pending_fd_withdraw" in st.session_state:
    target = st.session_state["pending_fd_withdraw"]
    ui.confirm_dialog(
        "pending_fd_withdraw",
        "确定撤回该条申请?",
        key="fd",
        run=lambda: ui.act(forced.withdraw_forced, request_id=target),
    )
elif "pending_fd_steps" in st.session_state:
    target = st.session_state["pending_fd_steps"]
    ui.steps_dialog("pending_fd_steps", lambda: ui.call(forced.list_forced_steps, request_id=target), key="fd")
