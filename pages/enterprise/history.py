"""注册记录: one person's history of applications with this enterprise, and each one's steps."""

import streamlit as st

import ui
from services.kernel.actor import ENTERPRISE
from services.registration import reporting
from services.registry import registrations

actor = ui.require_actor(ENTERPRISE)

if st.button("返回已注册人员", icon=":material/arrow_back:"):
    st.switch_page("pages/enterprise/registered.py")

found = ui.call(registrations.list_person_history, registration_id=st.query_params.get("id"))
if found is None:
    st.stop()
history = found.applications
st.header(f"注册记录：{ui.md_escape(found.person_name)}")

if history.empty:
    st.info("没有找到匹配的记录")
    st.stop()

event = ui.list_table(history.rows, key="history_table")
row = ui.picked_row(event.selection)
st.caption(f"显示第 1 到第 {len(history)} 条记录, 总共 {len(history)} 条记录")
if row is None:
    st.caption("选中一条业务，查看其办理步骤。")
else:
    app_id = history.keys[row].id
    st.subheader("办理步骤")
    ui.steps_table(ui.call(reporting.list_application_steps, application_id=app_id))
    if st.button("详情", icon=":material/description:"):
        st.switch_page("pages/enterprise/application.py", query_params={"id": str(app_id)})
