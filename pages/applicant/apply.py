"""注册申请 (个人版): choose the business, the employer, the specialties, attach the materials,
sign the personal commitment, 【检查】 and 【提交申请】 to the employer (domain.md §4, §6.1).

No st.form: the business type decides the other fields. Every widget has a key and nothing is
cleared, so a refused check or submission keeps what was typed and uploaded.
"""

import streamlit as st

import ui
from services.kernel import values
from services.kernel.actor import APPLICANT
from services.kernel.vocabulary import BusinessType
from services.registration import business_types, filing

actor = ui.require_actor(APPLICANT)
DETAIL = "pages/applicant/application.py"
FILE_TYPES = ["pdf", "jpg", "jpeg", "png"]
SPECIALTY_OPTIONS = [code for code, _, active in values.SPECIALTIES if active]
SUCCESS = "操作成功，已提交至聘用单位，等待单位上报"


st.header("注册申请")

form = ui.call(filing.get_filing_form)
if form is None:
    st.stop()
reg, open_app = form.registration, form.open_application
if open_app:
    with st.container(border=True):
        st.warning("您已有一条办理中的申请。在其办结、被退回或撤销之前，不能再提交新的申请（第十三条第（四）项）。")
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.text(open_app.label)
        if c2.button("查看该申请", key="ap_open_view"):
            st.switch_page(DETAIL, query_params={"id": str(open_app.id)})

# ---- 业务类别 ------------------------------------------------------------------------------
st.subheader("业务类别")
types = list(values.BUSINESS_TYPES)
c1, c2 = st.columns(2)
business_type = c1.selectbox(
    "业务类别",
    types,
    index=types.index(BusinessType.RENEWAL if reg else BusinessType.INITIAL),
    format_func=values.BUSINESS_TYPES.get,
    key="ap_type",
)
change_kind = None
kinds = business_types.kind_labels(business_type)  # 变更内容 of a 变更注册, 补办原因 of a 补办
if kinds:
    kind_field = values.KIND_FIELDS[business_type]
    change_kind = c2.selectbox(
        kind_field,
        list(kinds),
        index=None,
        placeholder=f"请选择{kind_field}",
        format_func=kinds.get,
        key="ap_change" if business_type == BusinessType.CHANGE else f"ap_kind_{business_type}",
        persist_state="page",
    )
materials = form.materials(business_type, change_kind)
st.caption("须上传的材料：" + ui.md_escape("、".join(n.label for n in materials.needs)))
for note in materials.notes:
    st.info(ui.md_escape(note))
slot_business = st.container()

# ---- 聘用单位 ------------------------------------------------------------------------------
st.subheader("聘用单位")
c1, c2 = st.columns(2)
if reg and business_types.through_current_employer(business_type, change_kind):
    enterprise_id = reg.enterprise_id
    c1.selectbox("聘用单位", [reg.enterprise_name], disabled=True, key="ap_ent_current")
    c2.caption("此项业务通过当前聘用单位办理。")
else:
    query = c1.text_input("单位名称", key="ap_ent_q", max_chars=50, placeholder="输入单位名称关键字，按回车查询")
    labels: dict[int, str] = st.session_state.setdefault("ap_ent_labels", {})
    found = ui.call(filing.find_employers, name=query) if query.strip() else None
    options = [] if found is None else list(found.ids)
    if found is not None:
        labels.update(zip(options, found.rows["label"]))
    chosen = st.session_state.get("ap_ent")
    if chosen in labels and chosen not in options:
        options.insert(0, chosen)  # keep the choice while another name is searched
    enterprise_id = c2.selectbox(
        "聘用单位",
        options,
        index=None,
        format_func=labels.get,
        key="ap_ent",
        persist_state="page",
        placeholder="请先输入单位名称查询" if not options else "请选择聘用单位",
    )
    if found is not None and found.empty:
        st.caption("没有找到匹配的单位，请换一个关键字。")
slot_employer = st.container()

# ---- 申报专业 ------------------------------------------------------------------------------
st.subheader("申报专业")
c1, c2 = st.columns(2)
if reg and business_types.keeps_registration_specialties(business_type, change_kind):
    specialty1, specialty2 = reg.specialty1, reg.specialty2
    c1.selectbox("申报专业1", [specialty1], format_func=values.SPECIALTY_NAMES.get, disabled=True, key="ap_sp1_current")
    c2.selectbox(
        "申报专业2",
        [specialty2 or ""],
        format_func=lambda c: values.SPECIALTY_NAMES.get(c, "无第二专业"),
        disabled=True,
        key="ap_sp2_current",
    )
    st.caption("此项业务沿用当前注册专业。")
else:
    # 变更注册专业 starts from the current ones; 初始/重新注册 from nothing.
    start1 = SPECIALTY_OPTIONS.index(reg.specialty1) if reg and reg.specialty1 in SPECIALTY_OPTIONS else None
    second = ["", *SPECIALTY_OPTIONS]
    start2 = second.index(reg.specialty2) if reg and reg.specialty2 in second else 0
    specialty1 = c1.selectbox(
        "申报专业1",
        SPECIALTY_OPTIONS,
        index=start1,
        placeholder="请选择申报专业",
        format_func=values.SPECIALTY_NAMES.get,
        key="ap_sp1",
        persist_state="page",
    )
    specialty2 = (
        c2.selectbox(
            "申报专业2（选填）",
            second,
            index=start2,
            key="ap_sp2",
            persist_state="page",
            format_func=lambda c: values.SPECIALTY_NAMES.get(c, "不申报第二专业"),
        )
        or None
    )
    st.caption(f"每人最多可申请 {values.MAX_SPECIALTIES} 个专业注册。")
slot_specialty = st.container()

# ---- 附件材料 ------------------------------------------------------------------------------
st.subheader("附件材料")
st.caption("支持 PDF、JPG、PNG 格式，单个文件不超过 10 MB。")
files: dict[str, tuple[str, bytes]] = {}
cols = st.columns(2)
slots = dict(materials.uploads)
slots.setdefault("QT", values.ATTACHMENT_TYPES["QT"] + "（选填）")
for i, (code, label) in enumerate(slots.items()):
    upload = cols[i % 2].file_uploader(label, type=FILE_TYPES, key=f"ap_file_{code}", max_upload_size=ui.UPLOAD_MB)
    if upload is not None:
        files[code] = (upload.name, upload.getvalue())
slot_files = st.container()

# ---- 个人承诺 ------------------------------------------------------------------------------
st.subheader("个人承诺")
with st.container(border=True):
    for i, clause in enumerate(values.PERSONAL_COMMITMENT, start=1):
        st.text(f"{i}. {clause}")
agreed = st.checkbox("本人已阅读并同意以上个人承诺", key="ap_agree")
slot_commitment = st.container()

with st.container(horizontal=True):
    check = st.button("检查", key="ap_check", icon=":material/fact_check:")
    submit = st.button("提交申请", type="primary", key="ap_submit", icon=":material/send:")
slot_result = st.container()

if not (check or submit):
    st.stop()


def show_refusal(exc) -> None:
    """Each refused field's message next to its field, and a summary under the buttons."""
    fields = getattr(exc, "fields", None) or {"": exc.message}
    slots = {"聘用单位": slot_employer, "申报专业": slot_specialty, "个人承诺": slot_commitment}
    for field, message in fields.items():
        slot = slots.get(field) or (slot_files if field.startswith("附件") else slot_business)
        slot.error(ui.md_escape(f"{field}：{message}" if field else message))
    slot_result.error(
        f"{'提交未成功' if submit else '检查未通过'}：共 {len(fields)} 项需要修改，请查看上方各栏目的提示。"
    )


def to_detail(filed: filing.Filed) -> None:
    st.session_state["filing_warnings"] = filed
    st.switch_page(DETAIL, query_params={"id": str(filed.application_id)})


request = filing.Filing(
    enterprise_id=enterprise_id,
    business_type=business_type,
    change_kind=change_kind,
    specialty1=specialty1,
    specialty2=specialty2,
    commitment_agreed=agreed,
    files=files,
)
if submit:
    ui.act(filing.file_application, filing=request, success=SUCCESS, then=to_detail, on_error=show_refusal)
else:
    warnings = ui.call(filing.check_filing, filing=request, on_error=show_refusal)
    if warnings is not None:
        for warning in warnings:
            slot_result.warning(ui.md_escape(warning))
        slot_result.success("检查通过，可以提交申请。")
