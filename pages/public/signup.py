"""注册账号 (/?view=signup, logged out): an engineer by 证件号码 + 姓名 + 手机号码, an enterprise by
统一社会信用代码 + 名称. The answer is the same whether the registry knows them or not
(services.auth.signup)."""

import streamlit as st

import ui
from services.auth import signup
from services.auth.passwords import MAX_BYTES, MIN_LENGTH
from ui.login import client_source

RULES = f"密码至少 {MIN_LENGTH} 位，不超过 {MAX_BYTES} 字节。"

st.title("注册账号")
kind = st.radio("账号类型", ["注册监理工程师（个人版）", "企业（企业版）"], horizontal=True, key="s_kind")
engineer = kind.startswith("注册监理工程师")
if engineer:
    st.caption("证件号码、姓名、手机号码须与注册管理信息系统中登记的信息一致，账号即时开通。")
else:
    st.caption("统一社会信用代码和企业名称须与登记信息一致；账号为本企业的企业管理员，经部级管理员激活后方可使用。")

with st.form("signup"):
    c1, c2 = st.columns(2)
    if engineer:
        id_number = c1.text_input("证件号码", key="s_id", max_chars=18)
        name = c2.text_input("姓名", key="s_name", max_chars=32)
        phone = c1.text_input("手机号码", key="s_phone", max_chars=20)
    else:
        code = c1.text_input("统一社会信用代码", key="s_code", max_chars=18)
        ent_name = c2.text_input("企业名称", key="s_ent_name", max_chars=128)
        contact = c1.text_input("联系人姓名", key="s_contact", max_chars=32)
    username = c2.text_input("用户名", key="s_username", max_chars=64)
    password = c1.text_input("密码", type="password", key="s_password", autocomplete="new-password")
    confirm = c2.text_input("确认密码", type="password", key="s_confirm", autocomplete="new-password")
    st.caption(RULES)
    submitted = st.form_submit_button("提交", type="primary")

if submitted:
    st.session_state.pop("signup_answer", None)
    if engineer:
        answer = ui.public_call(
            signup.sign_up_engineer,
            id_number=id_number,
            name=name,
            phone=phone,
            username=username,
            password=password,
            confirm=confirm,
            source=client_source(),
        )
    else:
        answer = ui.public_call(
            signup.sign_up_enterprise,
            credit_code=code,
            name=ent_name,
            contact=contact,
            username=username,
            password=password,
            confirm=confirm,
            source=client_source(),
        )
    if answer:
        st.session_state["signup_answer"] = answer  # kept: the login cookie component may rerun once more
if st.session_state.get("signup_answer"):
    st.success(ui.md_escape(st.session_state["signup_answer"]))

st.markdown("[返回登录](/)")
