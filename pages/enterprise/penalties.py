"""行政处罚 (manual 3.1.5): penalties of the enterprise's registered engineers."""

import streamlit as st

import ui
from services import penalties
from services.kernel.actor import ENTERPRISE

actor = ui.require_actor(ENTERPRISE)
KEY = "penalty"

st.header("行政处罚")
with st.form("penalty_filters"):
    c1, c2, c3 = st.columns(3)
    date_from = ui.date_field(c1, "开始时间", key="p_from")
    date_to = ui.date_field(c2, "结束时间", key="p_to")
    name = c3.text_input("姓名", key="p_name", placeholder="支持模糊查询")
    if st.form_submit_button("查询", type="primary", icon=":material/search:"):
        ui.reset_page(KEY)

if date_from and date_to and date_from > date_to:
    st.error("开始时间不能晚于结束时间")
    st.stop()

result = ui.call(penalties.list_penalties, date_from=date_from, date_to=date_to, name=name, **ui.page_args(KEY))
if result is None:
    st.stop()
picked = ui.paged_table(result, key=KEY)

if result.total:
    if picked is None:
        st.caption("选中一条处罚记录，查看处罚详情。")
    else:
        detail = ui.call(penalties.get_penalty, penalty_id=picked.id)
        if detail:
            ui.sections(detail.sections)

st.divider()
ui.export_buttons(
    lambda: ui.call(penalties.export_penalties, date_from=date_from, date_to=date_to, name=name),
    name="行政处罚",
    key=KEY,
)
