"""修改密码, for every user: the old password, the new one twice. Every session of the user ends
(this one too): they log in again with the new password. A user whose administrator set a one-time
password sees only this page until it is changed (app.py)."""

import streamlit as st

import ui
from services.auth import accounts
from services.auth.passwords import MAX_BYTES, MIN_LENGTH

actor = ui.require_actor()

st.header("修改密码")
if ui.must_change_password():
    st.warning("您正在使用管理员设置的一次性密码，请先修改密码后再办理业务。")
CHANGED = "密码已修改，请使用新密码重新登录。"
RULES = f"新密码至少 {MIN_LENGTH} 位，不超过 {MAX_BYTES} 字节。"
st.caption(RULES + "修改成功后，您在所有设备上的登录都将失效，请使用新密码重新登录。")
with st.form("change_password"):
    old = st.text_input("原密码", type="password", autocomplete="current-password")
    new = st.text_input("新密码", type="password", autocomplete="new-password")
    again = st.text_input("确认新密码", type="password", autocomplete="new-password")
    submitted = st.form_submit_button("确认修改", type="primary")
if submitted:
    if new != again:
        st.error("两次输入的新密码不一致")
    else:
        ui.act(
            accounts.change_password,
            old_password=old,
            new_password=new,
            success=CHANGED,
            then=lambda _: ui.signed_off(CHANGED),  # the login form says so, not 「登录已失效」
        )
