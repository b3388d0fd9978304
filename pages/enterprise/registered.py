"""已注册人员 (manual 3.1.2): search registered staff; 注册记录 per person."""

import streamlit as st

import ui
from services.kernel import values
from services.kernel.actor import ENTERPRISE
from services.kernel.paging import RowKey
from services.registry import registrations
from ui.fragments.certificate import certificate_download

actor = ui.require_actor(ENTERPRISE)
KEY = "registered"

st.header("已注册人员")
with st.form("registered_filters"):
    c1, c2, c3 = st.columns(3)
    name = c1.text_input("姓名", key="r_name", placeholder="支持模糊查询")
    id_number = c2.text_input("证件号码", key="r_id", placeholder="完整证件号码")
    state = c3.selectbox("注册状态", values.REGISTERED_STATES, index=None, placeholder="全部", key="r_state")
    if st.form_submit_button("查询", type="primary", icon=":material/search:"):
        ui.reset_page(KEY)

result = ui.call(registrations.list_registered, name=name, id_number=id_number, state=state, **ui.page_args(KEY))
if result is None:
    st.stop()


def row_buttons(picked: RowKey | None) -> None:
    """The selected person's 注册记录 (manual 3.1.2: the history of their applications), under the list."""
    if st.button("注册记录", disabled=picked is None, type="primary", icon=":material/history:") and picked:
        st.switch_page("pages/enterprise/history.py", query_params={"id": str(picked.id)})
    certificate_download(picked.id if picked else None, key="staff_cert")


ui.paged_table(result, key=KEY, actions=row_buttons)

st.divider()
ui.export_buttons(
    lambda: ui.call(registrations.export_registered, name=name, id_number=id_number, state=state),
    name="已注册人员",
    key=KEY,
)
