"""注册上报 (manual 3.1.2): search the enterprise's applications and act on one."""

import streamlit as st

import ui
from services import workflow
from services.kernel import values
from services.kernel.actor import ENTERPRISE
from services.kernel.paging import RowKey
from services.registration import reporting

actor = ui.require_actor(ENTERPRISE)
KEY = "report"
STATUS_OPTIONS = list(workflow.STATUS_LABELS[workflow.APPLICATION])
SPECIALTY_OPTIONS = [code for code, _, active in values.SPECIALTIES if active]

st.header("注册上报")

with st.form("report_filters"):
    c1, c2, c3, c4 = st.columns(4)
    status = c1.selectbox(
        "状态",
        STATUS_OPTIONS,
        index=0,
        key="f_status",
        format_func=lambda s: workflow.status_label(workflow.APPLICATION, s),
    )
    applied_from = ui.date_field(c2, "申请开始日期", key="f_from")
    applied_to = ui.date_field(c3, "申请结束日期", key="f_to")
    business_type = c4.selectbox(
        "业务类别",
        list(values.BUSINESS_TYPES),
        index=None,
        placeholder="全部",
        key="f_business",
        format_func=values.BUSINESS_TYPES.get,
    )
    c5, c6, c7, c8 = st.columns(4)
    specialty = c5.selectbox(
        "申报专业",
        SPECIALTY_OPTIONS,
        index=None,
        placeholder="全部",
        key="f_specialty",
        format_func=values.SPECIALTY_NAMES.get,
    )
    name = c6.text_input("姓名", key="f_name", placeholder="支持模糊查询")
    id_number = c7.text_input("证件号码", key="f_id", placeholder="完整证件号码")
    sort = c8.selectbox("排序", reporting.SORT_OPTIONS, format_func=lambda o: o.label, key="f_sort")
    if st.form_submit_button("查询", type="primary", icon=":material/search:"):
        ui.reset_page(KEY)

if applied_from and applied_to and applied_from > applied_to:
    st.error("申请开始日期不能晚于申请结束日期")
    st.stop()

filters = reporting.ApplicationFilter(
    status=status,
    applied_from=applied_from,
    applied_to=applied_to,
    business_type=business_type,
    specialty=specialty,
    name=name,
    id_number=id_number,
)
result = ui.call(reporting.list_applications, filters=filters, sort=sort, **ui.page_args(KEY))
if result is None:
    st.stop()


def run_operation(row: RowKey, operation: str) -> None:
    if operation == "report":
        st.switch_page("pages/enterprise/application.py", query_params={"id": str(row.id), "mode": "report"})
    elif operation == "detail":
        st.switch_page("pages/enterprise/application.py", query_params={"id": str(row.id)})
    else:  # refuse, withdraw, steps: a dialog
        st.session_state[f"pending_{operation}"] = row.id


def row_buttons(picked: RowKey | None) -> None:
    """The selected row's operations, right under the list."""
    allowed = workflow.allowed_actions(workflow.APPLICATION, picked.status, actor.role) if picked else []
    for operation, label, disabled, kind in (
        ("report", "上报", "report" not in allowed, "primary"),
        ("refuse", "不通过", "refuse" not in allowed, "secondary"),
        ("withdraw", "撤回", "withdraw" not in allowed, "secondary"),
        ("steps", "进度详情", picked is None, "secondary"),
        ("detail", "详情", picked is None, "secondary"),
    ):
        if st.button(label, disabled=disabled, type=kind, key=f"btn_{operation}") and picked:
            run_operation(picked, operation)


clicked = ui.take_operation(KEY)  # a click on a row's 操作 cell: that row's 上报 / 撤回 / 详情
if clicked:
    run_operation(clicked, reporting.primary_operation(clicked.status, actor.role))
ui.paged_table(result, key=KEY, actions=row_buttons)


def refuse_reason() -> tuple[str | None, str]:
    choice = st.selectbox(
        "退回理由", values.RETURN_REASONS, index=None, placeholder="请选择退回理由", key="dlg_refuse_choice"
    )
    return choice, st.text_area("或输入退回理由", key="dlg_refuse_text", max_chars=500)


if "pending_withdraw" in st.session_state:
    target = st.session_state["pending_withdraw"]
    ui.confirm_dialog(
        "pending_withdraw",
        "确定撤回该条申请?",
        key="withdraw",
        run=lambda: ui.act(reporting.withdraw_application, application_id=target),
    )
elif "pending_refuse" in st.session_state:
    target = st.session_state["pending_refuse"]
    ui.confirm_dialog(
        "pending_refuse",
        "",
        key="refuse",
        title="不予上报",
        ok="提交",
        fields=refuse_reason,
        run=lambda reason: ui.act(
            reporting.refuse_application, application_id=target, reason_choice=reason[0], reason=reason[1]
        ),
    )
elif "pending_steps" in st.session_state:
    target = st.session_state["pending_steps"]
    ui.steps_dialog(
        "pending_steps", lambda: ui.call(reporting.list_application_steps, application_id=target), key="steps"
    )

st.divider()
ui.export_buttons(lambda: ui.call(reporting.export_applications, filters=filters, sort=sort), name="注册上报", key=KEY)
