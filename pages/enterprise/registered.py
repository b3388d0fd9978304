"""已注册人员 (manual 3.1.2): search registered staff; 注册记录 per person."""

import streamlit as st

import ui
from services.kernel import values
from services.kernel.actor import ENTERPRISE
from services.kernel.paging import RowKey
from services.notifications import watchlist
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
    # The watchlist: this person's expiry reminders at 90/30/7 days come to the enterprise too.
    watched = bool(picked and ui.call(watchlist.is_watched, registration_id=picked.id))
    label = "取消关注到期提醒" if watched else "关注到期提醒"
    if st.button(label, disabled=picked is None, icon=":material/notifications:", key="r_watch") and picked:
        ui.act(watchlist.set_watch, registration_id=picked.id, on=not watched)
    certificate_download(picked.id if picked else None, key="staff_cert")


ui.paged_table(result, key=KEY, actions=row_buttons)

st.divider()
ui.export_buttons(
    lambda: ui.call(registrations.export_registered, name=name, id_number=id_number, state=state),
    name="已注册人员",
    key=KEY,
)

# Drawn only while open (a rerun opens it): a panel used now and then, not work on every run of the list.
with st.expander("到期提醒关注名单（导出 / 导入）", key="watch_panel", on_change="rerun") as panel:
    if panel.open:
        st.caption(
            "关注的人员注册到期前 90、30、7 天，本单位将收到提醒。导出名单后，在「到期提醒」列填写「是」或「否」，再导入即可批量关注。"
        )
        ui.export_buttons(lambda: ui.call(watchlist.export_watchlist), name="到期提醒关注名单", key="watchlist")
        upload = st.file_uploader("导入名单（.xlsx）", type=["xlsx"], key="watch_upload", max_upload_size=ui.UPLOAD_MB)
        if st.button("导入", key="watch_import", disabled=upload is None, icon=":material/upload:") and upload:
            ui.act(
                watchlist.import_watchlist,
                content=upload.getvalue(),
                success=lambda r: (
                    f"导入成功：关注 {r.watched} 人，变更 {r.changed} 人"
                    + (f"；以下注册号不是本单位的有效注册：{'、'.join(r.unknown[:20])}" if r.unknown else "")
                ),
            )
