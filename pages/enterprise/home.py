"""企业首页 (manual 3.1.1): the system's functions and staff whose registration expires within 30 days."""

import streamlit as st

import ui
from services.dashboards import charts
from services.kernel.actor import ENTERPRISE
from services.registry import registrations
from ui.cached import session_figure

actor = ui.require_actor(ENTERPRISE)

st.header("首页")
with st.container(border=True):
    st.markdown("**系统主要功能**")
    c1, c2, c3, c4 = st.columns(4)
    c1.markdown("**主页**  \n系统功能介绍，30 天内注册即将到期的人员名单。")
    c2.markdown("**注册上报**  \n对本单位人员的注册申请进行上报、不予上报、撤回；查询已注册人员；申请强制注销。")
    c3.markdown("**企业信息**  \n修改企业基本信息；提交企业名称、统一社会信用代码等重要信息修改。")
    c4.markdown("**异常信息查询**  \n查看本单位已注册监理工程师受到的行政处罚。")

summary = ui.call(registrations.home_summary)
if summary is None:
    st.stop()
expiring, counts, by_specialty = summary.expiring, summary.counts, summary.by_specialty

st.subheader("30 天内即将到期的人员名单")
if expiring.empty:
    st.info("30 天内没有注册即将到期的人员。")
else:
    ui.list_table(
        expiring,
        key=None,
        selectable=False,
        column_config={"剩余天数": st.column_config.NumberColumn("剩余天数", format="%d 天")},
    )
    st.caption(f"共 {len(expiring)} 人。注册有效期满 30 日前须申请延续注册，否则注册失效，须重新申请初始注册。")
    ui.export_buttons(lambda: expiring, name="即将到期人员", key="expiring")

st.subheader("本单位注册人员概况")
m = st.columns(len(counts) + 1)
m[0].metric("在册有效注册人数", int(by_specialty["人数"].sum()) if not by_specialty.empty else 0)
for col, (days, n) in zip(m[1:], counts.items()):
    col.metric(f"{days} 天内到期", n)
left, right = st.columns(2)
if not by_specialty.empty:
    left.plotly_chart(session_figure(charts.staff_by_specialty, by_specialty), width="stretch")
right.plotly_chart(session_figure(charts.expiry_horizons, counts), width="stretch")
