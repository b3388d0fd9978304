"""Placeholder until the page is written (issue 3): public registration check."""
import streamlit as st

st.info("此功能正在建设中。")
