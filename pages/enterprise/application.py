"""业务详情 (manual 3.1.2): what the enterprise checks before 【上报】, and 【打印详情】."""

import streamlit as st

import ui
from services.files import pdf
from services.kernel import values
from services.kernel.actor import ENTERPRISE
from services.registration import reporting

actor = ui.require_actor(ENTERPRISE)
app_id = st.query_params.get("id")
report_mode = st.query_params.get("mode") == "report"

if st.button("返回注册上报", icon=":material/arrow_back:"):
    st.switch_page("pages/enterprise/report.py")

detail = ui.call(reporting.get_application, application_id=app_id)
if detail is None:
    st.stop()

st.header(detail.title)

with st.container(horizontal=True):
    if st.button("打印详情", icon=":material/print:"):
        st.session_state["detail_pdf"] = (
            detail.id,
            pdf.detail_pdf(
                f"业务详情 - {detail.person_name}",
                [
                    *((part.title, list(part.fields)) for part in detail.sections),
                    ("附件材料", [(a.type_label, a.original_name) for a in detail.attachments]),
                ],
                paragraphs=[
                    ("个人承诺", values.PERSONAL_COMMITMENT),
                    ("企业承诺", [values.ENTERPRISE_COMMITMENT_INTRO, *values.ENTERPRISE_COMMITMENT]),
                ],
            ),
        )
    pending_pdf = st.session_state.get("detail_pdf")
    if pending_pdf and pending_pdf[0] == detail.id:
        st.download_button(
            "下载 PDF",
            pending_pdf[1],
            f"业务详情_{detail.id}.pdf",
            "application/pdf",
            icon=":material/picture_as_pdf:",
            on_click="ignore",
        )

ui.application_sections(detail, expand=report_mode, agreed_note="本单位已确认以上承诺条款。")

if "report" in detail.actions or "refuse" in detail.actions:
    st.subheader("上报审核")
    with st.form("decide"):
        decision = st.radio("审核结果", ["通过", "不通过"], horizontal=True, key="decision")
        agreed = st.checkbox("本单位已阅读并确认以上企业承诺条款", key="agree")
        reason_choice = st.selectbox(
            "退回理由（不通过时必填）",
            values.RETURN_REASONS,
            index=None,
            placeholder="请选择退回理由",
            key="reason_choice",
        )
        reason_text = st.text_area("或输入退回理由", key="reason_text", max_chars=500)
        if st.form_submit_button("提交", type="primary"):
            back = lambda _: st.switch_page("pages/enterprise/report.py")  # noqa: E731
            if decision == "通过":
                ui.act(reporting.report_application, application_id=detail.id, commitment_agreed=agreed, then=back)
            else:
                ui.act(
                    reporting.refuse_application,
                    application_id=detail.id,
                    reason_choice=reason_choice,
                    reason=reason_text,
                    then=back,
                )
