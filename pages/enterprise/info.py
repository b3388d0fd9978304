"""企业信息 (manual 3.1.4): 【修改企业信息】 and 企业重要信息修改."""

import streamlit as st

import ui
from services import workflow
from services.enterprise import info as enterprise_info
from services.enterprise import info_change
from services.kernel import values
from services.kernel.actor import ENTERPRISE

actor = ui.require_actor(ENTERPRISE)

info = ui.call(enterprise_info.get_enterprise)
if info is None:
    st.stop()

st.header("企业信息")
if info.registry_changed:
    st.warning(enterprise_info.REGISTRY_CHANGED, icon=":material/warning:")

# A keyed tab bar that reruns keeps its tab through the runs that follow (a submit, a selected row);
# without a key the browser falls back to the first tab whenever the elements above it change.
basic_tab, important_tab = st.tabs(["企业基本信息", "企业重要信息修改"], key="info_tab", on_change="rerun")

with basic_tab:
    editing = st.session_state.get("editing_basic", False)
    if not editing:
        ui.kv_grid(
            [
                ("企业名称", info.name),
                ("统一社会信用代码", info.credit_code),
                ("所在省", info.province),
                ("所在城市", info.city),
                ("详细地址", info.address),
                ("邮政编码", info.postal_code),
                ("法定代表人", info.legal_rep),
                ("企业资质", info.qualification),
                ("联系人", info.contact_person),
                ("联系电话", info.contact_phone),
                ("电子邮箱", info.email),
            ]
        )
        if st.button("修改企业信息", type="primary", icon=":material/edit:"):
            st.session_state["editing_basic"] = True
            st.rerun()
    else:
        provinces = list(values.PROVINCES.values())
        province = st.selectbox(
            "所在省",
            provinces,
            index=provinces.index(info.province) if info.province in provinces else None,
            key="e_province",
        )
        cities = values.cities_of(province) if province else []
        if info.city and info.city not in cities and province == info.province:
            cities = [info.city, *cities]
        with st.form("basic"):
            st.text_input("企业名称（重要信息，请通过「企业重要信息修改」提交）", info.name, disabled=True)
            city = st.selectbox(
                "所在城市",
                cities,
                index=cities.index(info.city) if info.city in cities else None,
                key="e_city",
                placeholder="请选择城市",
            )
            address = st.text_input("详细地址", info.address, max_chars=200, key="e_address")
            c1, c2 = st.columns(2)
            postal_code = c1.text_input("邮政编码", info.postal_code, max_chars=6, key="e_postal")
            legal_rep = c2.text_input("法定代表人", info.legal_rep, max_chars=32, key="e_legal")
            qualification = c1.text_input("企业资质", info.qualification, max_chars=64, key="e_qual")
            contact_person = c2.text_input("联系人", info.contact_person, max_chars=32, key="e_contact")
            contact_phone = c1.text_input("联系电话", info.contact_phone, max_chars=20, key="e_phone")
            email = c2.text_input("电子邮箱", info.email, max_chars=100, key="e_email")
            c3, c4 = st.columns([1, 6])
            save = c3.form_submit_button("提交", type="primary")
            cancel = c4.form_submit_button("取消")
        if cancel:
            st.session_state["editing_basic"] = False
            st.rerun()
        if save:  # refused: the form keeps what was typed, the reason under it
            ui.act(
                enterprise_info.update_enterprise_basic,
                expected_version=info.version_id,
                province=province or "",
                city=city or "",
                address=address,
                postal_code=postal_code,
                legal_rep=legal_rep,
                qualification=qualification,
                contact_person=contact_person,
                contact_phone=contact_phone,
                email=email,
                then=lambda _: st.session_state.update(editing_basic=False),
            )

with important_tab:
    st.caption("企业名称或统一社会信用代码发生变化时，在此提交修改申请，审核通过后生效。")
    if info.registry_changed:
        ui.kv_grid([("登记机关企业名称", info.registry_name), ("登记机关统一社会信用代码", info.registry_credit_code)])
    if info.open_change_status:
        st.info(f"已有企业重要信息修改申请，当前状态：{info.open_change_status}")
    else:
        with st.form("important"):
            new_name = st.text_input(
                "企业名称", info.registry_name if info.registry_changed else info.name, max_chars=128, key="i_name"
            )
            new_code = st.text_input(
                "统一社会信用代码",
                info.registry_credit_code if info.registry_changed else info.credit_code,
                max_chars=18,
                key="i_code",
            )
            reason = st.text_area(
                "变更原因", max_chars=500, key="i_reason", placeholder="必填，例如：企业名称已经市场监管部门核准变更"
            )
            if st.form_submit_button("提交", type="primary"):
                ui.act(
                    info_change.request_info_change,
                    new_name=new_name,
                    new_credit_code=new_code,
                    reason=reason,
                    success="操作成功，已提交企业重要信息修改申请，等待审核",
                )
    changes = ui.call(info_change.list_info_changes)
    if changes is not None:
        st.subheader("修改申请记录")
        if changes.empty:
            st.info("没有找到匹配的记录")
        else:
            event = ui.list_table(changes.rows, key="changes_table")
            row = ui.picked_row(event.selection)
            if row is not None:
                picked = changes.keys[row]
                ui.steps_table(ui.call(info_change.list_info_change_steps, request_id=picked.id))
                if "withdraw" in workflow.allowed_actions(workflow.INFO_CHANGE, picked.status, actor.role):
                    if st.button("撤回该申请", key="withdraw_change"):
                        ui.act(info_change.withdraw_info_change, request_id=picked.id)
