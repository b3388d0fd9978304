"""强制注销申请: choose the person, the reason, the attachment type, upload, 【提交】."""

import streamlit as st

import ui
from services.deregistration import requests as forced
from services.kernel import values
from services.kernel.actor import ENTERPRISE

actor = ui.require_actor(ENTERPRISE)

if st.button("返回强制注销", icon=":material/arrow_back:"):
    st.switch_page("pages/enterprise/forced.py")
st.header("强制注销申请")

query = st.text_input("查找人员", key="fa_query", placeholder="输入姓名（支持模糊查询）或完整证件号码，按回车查找")
people = ui.call(forced.list_deregistrable, query=query)
if people is None:
    st.stop()
if not people.total:
    if query.strip():
        st.warning("没有找到匹配的人员（仅列出本单位注册有效、且没有办理中强制注销申请的人员）。")
    else:
        st.info("本单位没有可申请强制注销的已注册人员。")
    st.stop()
if people.rows.empty:  # a large enterprise: the list waits for a search
    st.info(f"本单位共有 {people.total} 名可申请强制注销的已注册人员，请在上方输入姓名或证件号码查找。")
    st.stop()
if people.total > len(people.rows):
    st.caption(
        f"共 {people.total} 人符合条件，下拉列表按姓名列出前 {len(people.rows)} 人；"
        "请在上方输入姓名或证件号码缩小范围。"
    )

labels = dict(zip(people.ids, people.rows["label"]))
registration_id = st.selectbox(
    "待强制注销人员", list(labels), index=None, placeholder="请选择人员", format_func=labels.get, key="fa_person"
)
reason = st.selectbox(
    "注销原因", list(values.FORCED_DEREG_REASONS), index=None, placeholder="请选择注销原因", key="fa_reason"
)
# The reason decides which documents prove it (domain.md §5.4); the service refuses any other.
type_options = values.FORCED_DEREG_REASONS[reason] if reason else list(values.ATTACHMENT_TYPES)
if reason:
    st.caption(ui.md_escape(forced.attachment_rule(reason)))
with st.form("forced_apply", clear_on_submit=False):
    detail = st.text_area(
        "原因说明", max_chars=500, key="fa_detail", placeholder="请简要说明情况（注销原因为「其他」时必填）"
    )
    attachment_type = st.selectbox(
        "附件类型",
        type_options,
        index=None,
        placeholder="请选择附件类型",
        format_func=values.ATTACHMENT_TYPES.get,
        key="fa_type",
    )
    upload = st.file_uploader(
        "上传附件材料（PDF、JPG、PNG，不超过 10 MB）",
        type=["pdf", "jpg", "jpeg", "png"],
        key="fa_file",
        max_upload_size=ui.UPLOAD_MB,
    )
    submitted = st.form_submit_button("提交", type="primary")

if submitted:
    if registration_id is None:
        st.error("请选择待强制注销人员")
    else:
        ui.act(
            forced.request_forced_deregistration,
            registration_id=registration_id,
            reason=reason or "",
            reason_detail=detail,
            attachment_type=attachment_type or "",
            file_name=upload.name if upload else None,
            file_data=upload.getvalue() if upload else None,
            then=lambda _: st.switch_page("pages/enterprise/forced.py"),
        )
