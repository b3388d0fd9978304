"""消息中心 (every role): the user's own messages, newest first; reading one marks it read; per kind,
in-app only or also by e-mail."""

import streamlit as st

import ui
from services.kernel import values
from services.kernel.actor import ENTERPRISE, ROLES
from services.notifications import inbox

actor = ui.require_actor(*ROLES)
KEY = "messages"
# Where a message's link leads (app.py url paths), so that it opens inside this session.
LINK_PAGES = {
    "my_application": "pages/applicant/application.py",
    "my": "pages/applicant/home.py",
    "application": "pages/enterprise/application.py",
    "forced": "pages/enterprise/forced.py",
    "info": "pages/enterprise/info.py",
    "registered": "pages/enterprise/registered.py",
    "review": "pages/ministry/application.py",
    "queue": "pages/ministry/queue.py",
}

st.header("消息中心")
# Keyed and tracked: the run after 保存 (its flash shifts the page) stays on 提醒设置.
messages_tab, settings_tab = st.tabs(["我的消息", "提醒设置"], key="msg_tab", on_change="rerun")

with messages_tab:
    unread_only = st.toggle("只看未读", key="msg_unread_only", on_change=ui.reset_page, args=(KEY,))
    result = ui.call(inbox.list_messages, unread_only=unread_only, **ui.page_args(KEY))
    if result is not None:
        picked = ui.paged_table(result, key=KEY, column_config={"状态": st.column_config.Column(width=50)})
        if result.total:
            if st.button(
                "全部标为已读", key="msg_all_read", icon=":material/done_all:", disabled=not ui.unread_messages()
            ):
                ui.act(inbox.mark_all_read, success="已全部标为已读")
            if picked is None:
                st.caption("选中一条消息，查看消息内容。")
            else:
                shown = ui.call(inbox.open_message, message_id=picked.id)
                if shown is not None:
                    if shown.was_unread:
                        st.rerun()  # the sidebar's unread count was drawn before this run marked it read
                    with st.container(border=True):
                        st.subheader(ui.md_escape(shown.title))
                        st.caption(ui.md_escape(f"{shown.kind} · {shown.created_at}"))
                        for line in shown.body.splitlines():
                            st.markdown(ui.md_escape(line))
                        path, _, query = shown.link.partition("?")
                        target = LINK_PAGES.get(path)
                        if target and st.button("查看详情", key="msg_open_link", icon=":material/open_in_new:"):
                            params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                            st.switch_page(target, query_params=params)

with settings_tab:
    prefs = ui.call(inbox.get_preferences)
    if prefs is not None:
        with st.form("msg_prefs"):
            email = st.text_input(
                "电子邮箱",
                value=prefs.own_email,
                max_chars=100,
                placeholder="接收邮件提醒的地址" if actor.role != ENTERPRISE else "不填则发送到企业联系邮箱",
            )
            st.caption(ui.md_escape(f"当前邮件发送地址：{prefs.email or '未设置（仅站内消息）'}"))
            st.markdown("**以下消息同时发送邮件：**")
            chosen = {  # only the kinds this role is ever sent
                kind: st.checkbox(values.MESSAGE_KIND_LABELS[kind], value=prefs.by_email[kind], key=f"msg_pref_{kind}")
                for kind in prefs.offered
            }
            if st.form_submit_button("保存", type="primary"):
                ui.act(inbox.set_preferences, email=email, by_email=chosen, success="保存成功")
