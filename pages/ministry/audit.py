"""审计日志: who did what and when (changes, exports, downloads, unmasked views, logins)."""

import streamlit as st

import ui
from services.audit import log as audit_log
from services.kernel.actor import MINISTRY

actor = ui.require_actor(MINISTRY)
KEY = "audit"

st.header("审计日志")
with st.form("audit_filters"):
    c1, c2, c3, c4 = st.columns(4)
    date_from = ui.date_field(c1, "开始日期", key="a_from")
    date_to = ui.date_field(c2, "结束日期", key="a_to")
    action = c3.selectbox(
        "操作",
        list(audit_log.ACTION_LABELS),
        index=None,
        placeholder="全部",
        format_func=audit_log.ACTION_LABELS.get,
        key="a_action",
    )
    user_text = c4.text_input("操作人", key="a_user", placeholder="用户名或名称")
    if st.form_submit_button("查询", type="primary", icon=":material/search:"):
        ui.reset_page(KEY)

result = ui.call(
    audit_log.list_audit, date_from=date_from, date_to=date_to, action=action, user_text=user_text, **ui.page_args(KEY)
)
if result is not None:
    ui.paged_table(result, key=KEY, selectable=False)
