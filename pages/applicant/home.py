"""我的注册 (个人版): my current registration and the applications I have filed."""

import streamlit as st

import ui
from services.kernel import values
from services.kernel.actor import APPLICANT
from services.registration import filing
from ui.fragments.certificate import certificate_download

actor = ui.require_actor(APPLICANT)
DETAIL = "pages/applicant/application.py"

st.header("我的注册")

reg = ui.call(filing.get_my_registration)
st.subheader("当前注册")
if reg is None:
    st.info("您目前没有有效注册")
else:
    days = f"{reg.days_left} 天" if reg.days_left >= 0 else f"已过期 {-reg.days_left} 天"
    ui.kv_grid(
        [
            ("注册号", reg.reg_no),
            ("证书编号", reg.cert_no),
            ("执业单位", reg.enterprise_name),
            ("注册专业", reg.specialties),
            ("有效期", f"{reg.valid_from} 至 {reg.valid_to}"),
            ("剩余天数", days),
            ("注册状态", reg.state),
        ]
    )
    if reg.days_left >= 0:
        certificate_download(reg.id, key="my_cert")
    if reg.days_left < 0:
        st.error("注册有效期已满且未延续，注册已失效；如需继续执业，请申请重新注册。")
    elif reg.days_left <= values.EXPIRY_WARNING_DAYS:
        st.warning(f"请在注册有效期满{values.RENEWAL_LEAD_DAYS}日前申请延续注册（距有效期满还有 {reg.days_left} 天）。")

st.subheader("我的申请")
apps = ui.call(filing.list_my_applications)
if apps is None:
    st.stop()
if apps.empty:
    st.info("您还没有提交过注册申请。")
    if st.button("注册申请", type="primary", icon=":material/edit_document:", key="go_apply"):
        st.switch_page("pages/applicant/apply.py")
    st.stop()

event = ui.list_table(apps.rows, key="my_apps")
row = ui.picked_row(event.selection)
picked = apps.keys[row] if row is not None and row < len(apps.keys) else None
st.caption(f"共 {len(apps)} 条申请。选中一条记录后点击【查看】，可查看详情和进度，撤销或重新提交。")
with st.container(horizontal=True):
    if st.button("查看", type="primary", disabled=picked is None, key="btn_view", icon=":material/visibility:"):
        st.switch_page(DETAIL, query_params={"id": str(picked.id)})
    if st.button("注册申请", key="btn_apply", icon=":material/edit_document:"):
        st.switch_page("pages/applicant/apply.py")
