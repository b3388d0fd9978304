"""申请详情 (个人版, ?id=): my application, its progress, and what I may still do with it."""

import math

import streamlit as st

import ui
from services.kernel import values
from services.kernel.actor import APPLICANT
from services.registration import filing, reporting
from ui.fragments.attachments import download_button

actor = ui.require_actor(APPLICANT)
HOME = "pages/applicant/home.py"
FILE_TYPES = ["pdf", "jpg", "jpeg", "png"]

if st.button("返回我的注册", icon=":material/arrow_back:"):
    st.switch_page(HOME)

detail = ui.call(reporting.get_application, application_id=st.query_params.get("id"))
if detail is None:
    st.stop()

st.header(detail.title)

filed = st.session_state.get("filing_warnings")
if filed and filed.application_id == detail.id:
    for warning in filed.warnings:
        st.warning(warning)
    st.session_state.pop("filing_warnings", None)

if detail.returned:  # 不予上报 or 需补正: the reason is what the applicant must act on
    with st.container(border=True):
        st.error(f"该申请已被退回（{detail.status_label}）。请按退回原因修改或补充后重新提交，也可以撤销申请。")
        st.markdown("**退回原因**")
        st.text(detail.return_reason or "（未填写）")

ui.sections(detail.sections)

st.subheader("附件材料")
if not detail.attachments:
    st.info("暂无附件材料")
else:
    st.dataframe(  # sizes rounded up, as a file manager does: a small scan is 1 KB, never 0 KB
        [
            {"附件类型": a.type_label, "文件名": a.original_name, "大小": f"{math.ceil(a.size / 1024)} KB"}
            for a in detail.attachments
        ],
        hide_index=True,
        width="stretch",
    )
    names = {a.id: f"{a.type_label}：{a.original_name}" for a in detail.attachments}
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    picked = c1.selectbox("选择附件", list(names), format_func=names.get, key="att_pick")
    chosen = next((a for a in detail.attachments if a.id == picked), None)
    if chosen:  # the file is read (and the download audited) when the button is clicked
        download_button(chosen, key="att_download", label="下载附件", where=c2, icon=":material/download:")

st.subheader("进度详情")
ui.steps_table(ui.call(reporting.list_application_steps, application_id=detail.id))

with st.expander("个人承诺"):
    for i, clause in enumerate(values.PERSONAL_COMMITMENT, start=1):
        st.text(f"{i}. {clause}")

# ---- what the applicant may still do (workflow.allowed_actions for the applicant) -----------

if "resubmit" in detail.actions:
    st.subheader("重新提交")
    with st.container(border=True):  # no st.form: the chosen types add uploaders; nothing is cleared
        note = st.text_area("补正说明", key="rs_note", max_chars=500, placeholder="请说明已按退回原因修改或补充的内容")
        materials = ui.call(filing.get_resubmission_materials, application_id=detail.id)
        if materials is None:
            st.stop()
        st.caption("本业务须提交的材料：" + ui.md_escape("、".join(n.label for n in materials.needs)))
        for material_note in materials.notes:
            st.info(ui.md_escape(material_note))
        st.caption("如需补充或替换附件，请在下方上传（选填；PDF、JPG、PNG，单个文件不超过 10 MB）。")
        base = [code for code, _ in materials.uploads]  # the business type's and its kind's, substitutes too
        extra = st.multiselect(
            "其他类型的附件",
            [c for c in values.ATTACHMENT_TYPES if c not in (*base, "QT")],
            format_func=values.ATTACHMENT_TYPES.get,
            key="rs_extra",
            placeholder="退回原因要求其他材料时，请在此选择附件类型",
        )
        cols = st.columns(2)
        uploads = {
            code: cols[i % 2].file_uploader(
                values.ATTACHMENT_TYPES[code], type=FILE_TYPES, key=f"rs_{code}", max_upload_size=ui.UPLOAD_MB
            )
            for i, code in enumerate([*base, *extra, "QT"])
        }
        if st.button("重新提交", type="primary", icon=":material/send:", key="rs_submit"):
            files = {code: (u.name, u.getvalue()) for code, u in uploads.items() if u is not None}
            ui.act(
                filing.resubmit_application,
                application_id=detail.id,
                note=note,
                files=files,
                success="操作成功，已重新提交至聘用单位，等待单位上报",
            )


if "cancel" in detail.actions:
    st.divider()
    if st.button("撤销申请", key="btn_cancel", icon=":material/cancel:"):
        st.session_state["pending_cancel"] = detail.id
if st.session_state.get("pending_cancel") == detail.id:
    ui.confirm_dialog(
        "pending_cancel",
        "确定撤销该条申请? 撤销后如需办理，须重新提交申请。",
        key="cancel",
        run=lambda: ui.act(filing.cancel_application, application_id=detail.id, success="操作成功，申请已撤销"),
    )
