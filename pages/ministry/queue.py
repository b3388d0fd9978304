"""注册审批 (部级版): the queue of reported applications, batch 【受理】 and 【办理】 one."""

import dataclasses

import streamlit as st

import ui
from services.kernel import duties, values
from services.kernel.actor import MINISTRY
from services.registration import announcement, deadlines, reporting, review
from ui.tables import DATE_WIDTH

actor = ui.require_actor(MINISTRY)
KEY = "queue"
SPECIALTY_OPTIONS = [code for code, _, active in values.SPECIALTIES if active]
# 时限状态 as a coloured label, overdue in red. (A pandas Styler did this before at 7 ms a run,
# more than the rest of the page.) The widths come from ui.tables.
COLUMNS = {
    "时限状态": st.column_config.MultiselectColumn(
        options=[deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.ON_TIME], color=["red", "orange", "green"]
    ),
    "上报时间": st.column_config.Column(width=DATE_WIDTH),
    "受理时间": st.column_config.Column(width=DATE_WIDTH),
}

st.header("注册审批")

with st.form("queue_filters"):
    c1, c2, c3, c4 = st.columns(4)
    status = c1.selectbox(
        "状态",
        [None, *review.QUEUE_STATUS_OPTIONS],
        index=1,
        key="q_status",
        format_func=review.queue_status_label,
    )
    enterprise = c2.text_input("执业单位", key="q_enterprise", placeholder="支持模糊查询")
    province = c3.selectbox("所在省", list(values.PROVINCES.values()), index=None, placeholder="全部", key="q_province")
    business_type = c4.selectbox(
        "业务类别",
        list(values.BUSINESS_TYPES),
        index=None,
        placeholder="全部",
        key="q_business",
        format_func=values.BUSINESS_TYPES.get,
    )
    c5, c6, c7, c8 = st.columns(4)
    specialty = c5.selectbox(
        "申报专业",
        SPECIALTY_OPTIONS,
        index=None,
        placeholder="全部",
        key="q_specialty",
        format_func=values.SPECIALTY_NAMES.get,
    )
    name = c6.text_input("姓名", key="q_name", placeholder="支持模糊查询")
    reported_from = ui.date_field(c7, "上报开始日期", key="q_from")
    reported_to = ui.date_field(c8, "上报结束日期", key="q_to")
    c9, c10, _ = st.columns([1, 1, 2], vertical_alignment="bottom")
    sort = c9.selectbox("排序", review.QUEUE_SORT_OPTIONS, format_func=lambda o: o.label, key="q_sort")
    overdue_only = c10.checkbox("只看超期", key="q_overdue")
    if st.form_submit_button("查询", type="primary", icon=":material/search:"):
        ui.reset_page(KEY)

if reported_from and reported_to and reported_from > reported_to:
    st.error("上报开始日期不能晚于上报结束日期")
    st.stop()

filters = review.QueueFilter(
    status=status,
    enterprise=enterprise,
    province=province,
    business_type=business_type,
    specialty=specialty,
    name=name,
    reported_from=reported_from,
    reported_to=reported_to,
    overdue_only=overdue_only,
)
view = ui.call(review.view_queue, filters=filters, sort=sort, **ui.page_args(KEY))  # with the calendar line
if view is None:
    st.stop()
result = view.queue


# The time limit right after the status, so it stays in view on a laptop screen.
VISIBLE = [
    "序号",
    "姓名",
    "证件号码",
    "执业单位名称",
    "业务类别",
    "状态",
    "时限状态",
    "办理时限",
    "所在省",
    "申报专业",
    "上报时间",
    "受理时间",
]
# 上报时间 and 受理时间 as dates: twelve columns with two times to the minute are wider than the
# manual's minimum screen (1024×768); the time limits count days, and 业务审批 shows the times.
shown = dataclasses.replace(
    result,
    rows=result.rows.assign(
        时限状态=[[state] if state else [] for state in result.rows["时限状态"]],
        上报时间=[t[:10] for t in result.rows["上报时间"]],
        受理时间=[t[:10] for t in result.rows["受理时间"]],
    ),
)
picked = ui.paged_table(shown, key=KEY, multi=True, column_order=VISIBLE, column_config=COLUMNS)


if result.total:
    if status == review.AWAITING_ANNOUNCEMENT:
        st.caption(
            f"准予初始注册、重新注册的决定，应自作出决定之日起 {values.ANNOUNCEMENT_DAYS} 个工作日内在公众媒体上"
            "公告审批结果（《注册监理工程师管理规定》第八条）。办理时限为公告时限；勾选后点击【公告】批量登记。"
        )
    if not picked:
        st.caption(
            "勾选一条或多条记录后点击【受理】批量受理；勾选一条记录后点击【办理】进入业务审批。"
            if duties.allows(actor, "registration.review.accept_applications")
            else "勾选一条记录后点击【办理】进入业务审批。"
        )
    else:
        st.caption(f"已选中 {len(picked)} 条记录")
    bar = st.container(horizontal=True)
    # 受理 is the centre's, 公告 the deciding ministry's (services.kernel.duties)
    if duties.allows(actor, "registration.review.accept_applications") and bar.button(
        "受理", type="primary", disabled=not picked, key="btn_accept", icon=":material/done_all:"
    ):
        st.session_state["pending_accept"] = [k.id for k in picked]
    if (
        status == review.AWAITING_ANNOUNCEMENT
        and duties.allows(actor, "registration.announcement.announce_applications")
        and bar.button("公告", type="primary", disabled=not picked, key="btn_announce", icon=":material/campaign:")
    ):
        st.session_state["pending_announce"] = [k.id for k in picked]
    if bar.button("办理", disabled=len(picked) != 1, key="btn_handle", icon=":material/edit_note:"):
        st.switch_page("pages/ministry/application.py", query_params={"id": str(picked[0].id)})
    if bar.button("进度详情", disabled=len(picked) != 1, key="btn_steps"):
        st.session_state["pending_steps"] = picked[0].id


if "pending_accept" in st.session_state:
    chosen = st.session_state["pending_accept"]
    ui.confirm_dialog(
        "pending_accept",
        f"确定受理选中的 {len(chosen)} 条申请?",
        key="accept",
        run=lambda: ui.act(
            review.accept_applications, application_ids=chosen, success=f"操作成功，已受理 {len(chosen)} 条申请"
        ),
    )
elif "pending_announce" in st.session_state:
    chosen = st.session_state["pending_announce"]
    ui.confirm_dialog(
        "pending_announce",
        f"确定已在公众媒体上公告选中的 {len(chosen)} 条准予注册决定?",
        key="announce",
        run=lambda: ui.act(
            announcement.announce_applications,
            application_ids=chosen,
            success=f"操作成功，已登记公告 {len(chosen)} 条",
        ),
    )
elif "pending_steps" in st.session_state:
    target = st.session_state["pending_steps"]
    ui.steps_dialog(
        "pending_steps", lambda: ui.call(reporting.list_application_steps, application_id=target), key="steps"
    )

st.divider()
years = view.calendar_years
if len(years):  # one line: a table here cost more than the queue's own list (make bench)
    st.caption(
        "工作日历（办理时限按工作日计算）："
        + "；".join(f"{year} {status}" for year, status in zip(years["年度"], years["日历"], strict=True))
        + "。「推定」年度尚无国务院办公厅节假日安排通知，按法定节假日推算、未含调休；"
        "通知发布后由系统管理员录入，办理时限随之更正。"
    )
ui.export_buttons(lambda: ui.call(review.export_queue, filters=filters, sort=sort), name="注册审批", key=KEY)
