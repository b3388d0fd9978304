"""统计分析 (部级版 default page): national registrations, expiries, applications, processing time, penalties."""

import streamlit as st

import ui
from services.dashboards import panels as dashboards
from services.dashboards.view import GROUPS, PER_ROW
from services.kernel import clock, values
from services.kernel.actor import MINISTRY
from ui.cached import dashboard_view

actor = ui.require_actor(MINISTRY)

ALL = "全部"

st.header("统计分析")

day = clock.today()
default_from, default_to = dashboards.default_range(day)
with st.container(border=True):
    c1, c2, c3, c4 = st.columns([1.2, 1.2, 1, 1])
    province = c1.selectbox("所在省", [ALL, *values.PROVINCES.values()], key="dash_province")
    specialty = c2.selectbox(
        "专业",
        [ALL, *values.SPECIALTY_NAMES],
        key="dash_specialty",
        format_func=lambda code: code if code == ALL else values.SPECIALTY_NAMES[code],
    )
    date_from = ui.date_field(c3, "时间范围：开始日期", value=default_from, max_value=day, key="dash_from")
    date_to = ui.date_field(c4, "时间范围：结束日期", value=default_to, max_value=day, key="dash_to")

board = dashboard_view(
    dashboards.DashboardFilter(
        province=None if province == ALL else province,
        specialty=None if specialty == ALL else specialty,
        date_from=date_from,
        date_to=date_to,
    )
)
if board is None:
    st.stop()

st.caption(board.caption)
k = board.kpis
m1, m2, m3, m4 = st.columns(4)
m1.metric("在册有效注册人数", f"{k.registered:,}", border=True)
m2.metric("30天内到期", f"{k.expiring_30:,}", border=True)
m3.metric("办理中申请", f"{k.open_applications:,}", border=True)
m4.metric("本期处罚", f"{k.penalties:,}", border=True)

# One row of two charts at a time, the analyst choosing which: eight plotly charts drawn at once kept the
# browser busy for seconds (issue 17). Required: the row shown cannot be unselected.
group = st.segmented_control("图表", GROUPS, default=GROUPS[0], required=True, key="dash_group") or GROUPS[0]
stamp = clock.stamp()
for col, panel in zip(st.columns(PER_ROW), board.group(group)):
    with col.container(border=True):
        st.plotly_chart(panel.figure, width="stretch", key=f"dash_chart_{panel.field}", config={"displaylogo": False})
        with st.expander("查看数据"):
            if panel.table is None:
                st.info("暂无数据")
            else:
                st.dataframe(panel.table, hide_index=True, width="stretch")
                st.download_button(
                    "下载 CSV",
                    panel.csv,
                    f"{panel.name}_{stamp}.csv",
                    "text/csv",
                    key=f"dash_csv_{panel.field}",
                    on_click="ignore",
                    icon=":material/download:",
                )
