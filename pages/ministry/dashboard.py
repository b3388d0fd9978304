"""统计分析 (部级版 default page): national registrations, expiries, applications, processing time, penalties."""
import dataclasses
import datetime as dt

import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

import ui
from services.dashboards import charts, panels as dashboards
from services.files import exports
from services import transaction
from services.kernel import values
from services.kernel.actor import MINISTRY
from services.kernel.errors import ServiceError
from services.kernel import clock
from services.kernel.clock import today

actor = ui.require_actor(MINISTRY)

ALL = "全部"


PANELS = [
    ("by_province", charts.registered_by_province, "在册注册人员地区分布"),
    ("by_specialty", charts.registered_by_specialty, "在册注册人员专业分布"),
    ("applications_by_month", charts.applications_by_month, "各月申请量"),
    ("applications_by_type", charts.applications_by_type, "各业务类别申请办理结果"),
    ("processing", charts.processing_times, "各阶段办理时长"),
    ("penalties", charts.penalties_over_time, "行政处罚趋势"),
    ("expiries", charts.expiries_by_month, "未来12个月注册到期人数"),
    ("enterprises", charts.top_enterprises, "在册注册人员最多的企业"),
]


@dataclasses.dataclass(frozen=True)
class Panel:
    figure: go.Figure
    table: pa.Table | None  # the chart's figures for 「查看数据」, None when there are none
    csv: bytes | None


@st.cache_resource(ttl=300, max_entries=64, show_spinner="正在统计……")
def _dashboard(province: str | None, specialty: str | None, date_from: dt.date, date_to: dt.date,
               day: dt.date, _actor) -> tuple[dashboards.Dashboard, dict[str, Panel]]:
    # Keyed by the filter values and the day: the figures are national, the same for every
    # ministry user; the actor gate above and in the service keeps other roles out. Everything a
    # run draws is built here once, not on every run: the figures, the tables as Arrow, the CSV
    # downloads (a run went from 29 to 9 ms). A resource cache, shared and never copied: a figure
    # does not survive cache_data's pickling cheaply, and nothing on the page changes these objects.
    with transaction() as s:
        data = dashboards.get_dashboard(s, _actor, filters=dashboards.DashboardFilter(
            province=province, specialty=specialty, date_from=date_from, date_to=date_to))
    panels = {}
    for field, build, _ in PANELS:
        frame = getattr(data, field)
        panels[field] = Panel(build(frame), None if frame.empty else pa.Table.from_pandas(frame, preserve_index=False),
                              None if frame.empty else exports.to_csv_bytes(frame))
    for row in range(0, len(PANELS), 2):  # the two cards of a grid row as tall as the taller chart (31 provinces)
        pair = [panels[field].figure for field, _, _ in PANELS[row:row + 2]]
        height = max(fig.layout.height or charts.DASHBOARD_HEIGHT for fig in pair)
        for fig in pair:
            fig.update_layout(height=height)
    return data, panels


st.header("统计分析")

day = today()
default_from, default_to = dashboards.default_range(day)
with st.container(border=True):
    c1, c2, c3, c4 = st.columns([1.2, 1.2, 1, 1])
    province = c1.selectbox("所在省", [ALL, *values.PROVINCES.values()], key="dash_province")
    specialty = c2.selectbox("专业", [ALL, *values.SPECIALTY_NAMES], key="dash_specialty",
                             format_func=lambda code: code if code == ALL else values.SPECIALTY_NAMES[code])
    date_from = ui.date_field(c3, "时间范围：开始日期", value=default_from, max_value=day, key="dash_from")
    date_to = ui.date_field(c4, "时间范围：结束日期", value=default_to, max_value=day, key="dash_to")

try:
    data, panels = _dashboard(None if province == ALL else province, None if specialty == ALL else specialty,
                               date_from, date_to, day, actor)
except ServiceError as exc:
    st.error(exc.message)
    st.stop()

period = f"{data.date_from:%Y-%m-%d} 至 {data.date_to:%Y-%m-%d}"
scope = "、".join(x for x in (None if province == ALL else province,
                              None if specialty == ALL else values.SPECIALTY_NAMES[specialty]) if x) or "全国、全部专业"
st.caption(f"统计范围：{scope}。申请、办理时长与处罚按统计期间 {period}；在册人数与到期情况按今日（{day:%Y-%m-%d}）。")

k = data.kpis
m1, m2, m3, m4 = st.columns(4)
m1.metric("在册有效注册人数", f"{k.registered:,}", border=True)
m2.metric("30天内到期", f"{k.expiring_30:,}", border=True)
m3.metric("办理中申请", f"{k.open_applications:,}", border=True)
m4.metric("本期处罚", f"{k.penalties:,}", border=True)


stamp = clock.stamp()
for row in range(0, len(PANELS), 2):
    for col, (field, _, name) in zip(st.columns(2), PANELS[row:row + 2]):
        panel = panels[field]
        with col.container(border=True):
            st.plotly_chart(panel.figure, width="stretch", key=f"dash_chart_{field}",
                            config={"displaylogo": False})
            with st.expander("查看数据"):
                if panel.table is None:
                    st.info("暂无数据")
                else:
                    st.dataframe(panel.table, hide_index=True, width="stretch")
                    st.download_button("下载 CSV", panel.csv, f"{name}_{stamp}.csv", "text/csv",
                                       key=f"dash_csv_{field}", on_click="ignore", icon=":material/download:")
