"""用户管理 (部级版) and 操作员管理 (企业版): one list of the accounts the actor manages, its row
buttons and the form for a new account. What the actor may touch is the service's decision
(services.auth.accounts); the ministry's page only offers more fields."""

from __future__ import annotations

import streamlit as st

from services.auth import accounts
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, ROLE_LABELS, ROLES
from services.kernel.paging import RowKey
from ui.calls import act, call
from ui.tables import export_buttons, page_args, paged_table, reset_page
from ui.widgets import action_button


def _issued(result: accounts.NewPassword) -> str:
    """The one-time password, shown once (the flash of the next run), never stored in clear."""
    return (
        f"操作成功。用户 {result.username} 的一次性密码：{result.one_time_password}"
        "（只显示这一次，请当面或电话告知本人；用户登录后须立即修改密码）"
    )


def _row_buttons(picked: RowKey | None, *, key: str, ministry: bool) -> None:
    status = picked.status if picked else ""
    user_id = picked.id if picked else 0
    if action_button(st, "停用", allowed=status == accounts.ACTIVE, key=f"{key}_disable", icon=":material/block:"):
        act(accounts.set_active, user_id=user_id, active=False)
    if action_button(st, "启用", allowed=status == accounts.DISABLED, key=f"{key}_enable", icon=":material/check:"):
        act(accounts.set_active, user_id=user_id, active=True)
    if action_button(
        st, "重置密码", allowed=status == accounts.ACTIVE, key=f"{key}_reset", icon=":material/lock_reset:"
    ):
        act(accounts.reset_password, user_id=user_id, success=_issued)
    if ministry and action_button(
        st, "激活", allowed=status == accounts.PENDING, key=f"{key}_activate", icon=":material/how_to_reg:"
    ):
        act(accounts.activate_account, user_id=user_id)


def account_list(*, key: str, ministry: bool) -> None:
    """The search form, the paged list with its buttons, and 【导出】."""
    with st.form(f"{key}_filters"):
        columns = st.columns(4 if ministry else 3)
        text = columns[0].text_input("关键字", key=f"{key}_text", placeholder="用户名、姓名或企业名称")
        state = columns[1].selectbox(
            "状态",
            list(accounts.STATE_LABELS),
            format_func=accounts.STATE_LABELS.get,
            index=None,
            placeholder="全部",
            key=f"{key}_state",
        )
        sort = columns[2].selectbox("排序", accounts.SORT_OPTIONS, format_func=lambda o: o.label, key=f"{key}_sort")
        role = None
        if ministry:
            role = columns[3].selectbox(
                "角色", ROLES, format_func=ROLE_LABELS.get, index=None, placeholder="全部", key=f"{key}_role"
            )
        if st.form_submit_button("查询", type="primary", icon=":material/search:"):
            reset_page(key)
    filters = {"text": text, "role": role, "state": state, "sort": sort}
    result = call(accounts.list_users, **filters, **page_args(key))
    if result is None:
        return
    paged_table(result, key=key, actions=lambda picked: _row_buttons(picked, key=key, ministry=ministry))
    export_buttons(
        lambda: call(accounts.export_users, **filters), name="用户管理" if ministry else "操作员管理", key=key
    )


def new_account_form(*, key: str, ministry: bool) -> None:
    """【新建账户】: the password is generated and shown once; the user changes it at the first login."""
    with st.form(f"{key}_new", clear_on_submit=False):
        st.subheader("新建账户" if ministry else "新建操作员")
        c1, c2 = st.columns(2)
        username = c1.text_input("用户名", key=f"{key}_new_username", max_chars=64)
        name = c2.text_input("姓名", key=f"{key}_new_name", max_chars=128, placeholder="企业或个人账户可不填")
        role, duties, code, id_number = ENTERPRISE, [], None, None
        if ministry:
            c3, c4 = st.columns(2)
            role = c3.selectbox("角色", ROLES, format_func=ROLE_LABELS.get, key=f"{key}_new_role")
            duties = c4.multiselect(
                "职责",
                list(accounts.DUTY_LABELS),
                format_func=accounts.DUTY_LABELS.get,
                key=f"{key}_new_duties",
                placeholder="部级账户选择职责；企业管理员选「企业管理员」",
            )
            c5, c6 = st.columns(2)
            code = c5.text_input("统一社会信用代码", key=f"{key}_new_code", max_chars=18, placeholder="企业版账户填写")
            id_number = c6.text_input("证件号码", key=f"{key}_new_id", max_chars=32, placeholder="个人版账户填写")
        submitted = st.form_submit_button("新建", type="primary", icon=":material/person_add:")
    if submitted:
        act(
            accounts.create_account,
            username=username,
            role=role,
            name=name,
            duties=duties if role in (MINISTRY, ENTERPRISE) else [],
            enterprise_code=code if role == ENTERPRISE else None,
            id_number=id_number if role == APPLICANT else None,
            success=_issued,
        )
