"""部级版 landing page; the review console and dashboards come with the ministry edition."""
import streamlit as st

import ui
from services.actor import MINISTRY

actor = ui.require_actor(MINISTRY)
st.header("部级版首页")
st.info("住房和城乡建设部执业资格注册中心：审核审批与统计分析功能正在建设中。")
