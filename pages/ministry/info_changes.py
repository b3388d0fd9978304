"""Placeholder until the page is written (issue 3)."""
import streamlit as st

import ui
from services.actor import MINISTRY

actor = ui.require_actor(MINISTRY)
st.info("此功能正在建设中。")
