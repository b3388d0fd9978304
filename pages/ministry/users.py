"""用户管理 (系统管理): every account — search, create, disable and enable, reset to a one-time
password, activate an enterprise's sign-up; the last login of each. Only the 系统管理 duty (the service checks)."""

import streamlit as st

import ui
from services.kernel.actor import MINISTRY
from ui.fragments.accounts import account_list, new_account_form

actor = ui.require_actor(MINISTRY)
KEY = "users"

st.header("用户管理")
account_list(key=KEY, ministry=True)
st.divider()
new_account_form(key=KEY, ministry=True)
