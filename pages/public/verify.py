"""注册信息公开查询 (/?view=verify, no login): is this engineer's registration valid?

Only what the certificate shows comes back (services/registry/verify.py); the name must match exactly.
With ?t=TOKEN (the QR code of an electronic certificate) it shows that certificate's live status first
(services/registry/certificates.py): 有效 / 暂停执业 / 已注销 / 已撤销 / 已过期 / 已被新证书取代.
"""

import streamlit as st

import ui
from services.registry import certificates, verify

st.title("注册信息公开查询")

token = st.query_params.get("t")
if token:
    st.subheader("电子注册证书核验")
    found = ui.public_call(certificates.check_certificate, token=token, when_refused=False)
    if found is None:
        st.error("该二维码不是发证机关签发的电子注册证书，或内容已被篡改，无法核验。")
    elif found is not False:
        if found.live.valid:
            st.success(found.live.summary, icon=":material/verified:")
        else:
            st.error(ui.md_escape(found.live.summary), icon=":material/block:")
        ui.kv_grid(found.pairs())
    st.divider()
st.caption("输入注册监理工程师的姓名和注册号（或注册执业证书编号），查询其注册是否有效。")

with st.form("verify"):
    c1, c2 = st.columns(2)
    name = c1.text_input("姓名", key="v_name", max_chars=32, placeholder="须与证书上的姓名完全一致")
    number = c2.text_input("注册号或证书编号", key="v_number", max_chars=32, placeholder="8 位注册号或证书编号")
    if st.form_submit_button("查询", type="primary", icon=":material/search:"):
        # Kept in the session: the login cookie component may rerun the script once more.
        st.session_state["verify_query"] = (name, number)

if "verify_query" in st.session_state:
    asked_name, asked_number = st.session_state["verify_query"]
    result = ui.public_call(verify.verify_registration, name=asked_name, number=asked_number, when_refused=False)
    if result is None:
        st.info("未查询到匹配的注册信息")
    elif result is not False:
        st.subheader("查询结果")
        ui.kv_grid(result.pairs())
        st.caption("以上信息仅供核验注册执业资格使用。")

st.markdown("[返回登录](/)")
