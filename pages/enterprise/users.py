"""操作员管理 (企业信息): the enterprise administrator's own operators — create, disable and enable,
reset to a one-time password. Only its own enterprise's operators (the service decides)."""

import streamlit as st

import ui
from services.kernel.actor import ENTERPRISE
from ui.fragments.accounts import account_list, new_account_form

actor = ui.require_actor(ENTERPRISE)
KEY = "operators"

st.header("操作员管理")
st.caption("企业管理员为本企业创建操作员账户；操作员可办理本企业的各项业务，但不能管理账户。")
account_list(key=KEY, ministry=False)
st.divider()
new_account_form(key=KEY, ministry=False)
