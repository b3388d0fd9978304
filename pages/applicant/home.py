"""个人版 landing page; filing and following applications come with the applicant edition."""
import streamlit as st

import ui
from services.actor import APPLICANT

actor = ui.require_actor(APPLICANT)
st.header("个人版首页")
st.info("个人注册申请功能正在建设中。")
