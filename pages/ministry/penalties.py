"""行政处罚 (部级版): every penalty decision, and 【录入处罚】 against anyone in the registry."""

import streamlit as st

import ui
from services import penalties
from services.kernel import duties, values
from services.kernel.actor import MINISTRY
from services.kernel.clock import today

actor = ui.require_actor(MINISTRY)
KEY = "mpenalty"
FORM_KEYS = (
    "pen_query",
    "pen_person",
    "pen_category",
    "pen_decision_no",
    "pen_case",
    "pen_reason",
    "pen_basis",
    "pen_result",
    "pen_date",
    "pen_authority",
    "pen_publish",
    "pen_project",
    "pen_notice",
    "pen_code",
    "pen_from",
    "pen_to",
    "pen_ban",
)

if st.session_state.pop("pen_saved", False):  # a saved decision empties the form
    for k in FORM_KEYS:
        st.session_state.pop(k, None)

st.header("行政处罚")
# 录入处罚 is the deciding official's (services.kernel.duties); the others read the records only.
may_record = duties.allows(actor, "penalties.record_penalty")
list_tab, new_tab = st.tabs(["处罚记录", "录入处罚"]) if may_record else (st.container(), None)

with list_tab:
    with st.form("mpenalty_filters"):
        c1, c2, c3 = st.columns(3)
        date_from = ui.date_field(c1, "开始时间", key="mp_from")
        date_to = ui.date_field(c2, "结束时间", key="mp_to")
        name = c3.text_input("姓名", key="mp_name", placeholder="支持模糊查询")
        if st.form_submit_button("查询", type="primary", icon=":material/search:"):
            ui.reset_page(KEY)
    if date_from and date_to and date_from > date_to:
        st.error("开始时间不能晚于结束时间")
    else:
        result = ui.call(penalties.list_penalties, date_from=date_from, date_to=date_to, name=name, **ui.page_args(KEY))
        if result is not None:
            picked = ui.paged_table(result, key=KEY)
            if result.total and picked is None:
                st.caption("选中一条处罚记录，查看处罚详情。")
            if picked is not None:
                detail = ui.call(penalties.get_penalty, penalty_id=picked.id)
                if detail:
                    ui.sections(detail.sections)
            st.divider()
            ui.export_buttons(
                lambda: ui.call(penalties.export_penalties, date_from=date_from, date_to=date_to, name=name),
                name="行政处罚",
                key=KEY,
            )

if new_tab is None:
    st.stop()
with new_tab:
    st.caption(
        "按姓名、完整证件号码或注册号查找被处罚的人员（含未注册的申请人）；行政相对人信息、注册号和执业单位取自其注册信息，"
        "没有有效注册的人员只可录入不涉及注册的处罚（如以欺骗手段申请注册的「不予注册」）。"
    )
    c1, c2, c3 = st.columns([1, 2, 1])
    query = c1.text_input("查找人员", key="pen_query", placeholder="姓名 / 证件号码 / 注册号")
    matches = ui.call(penalties.list_people, query=query) if (query or "").strip() else None
    labels = dict(zip(matches.ids, matches.rows["label"])) if matches is not None else {}
    # after a search that found nobody, not 「请先输入」: they did
    picker_hint = (
        "请选择"
        if labels
        else "请换一个姓名、证件号码或注册号查找"
        if matches is not None
        else "请先输入姓名、证件号码或注册号查找"
    )
    person_id = c2.selectbox(
        "行政相对人",
        list(labels),
        index=None,
        key="pen_person",
        format_func=labels.get,
        placeholder=picker_hint,
    )
    if matches is not None and matches.empty:
        st.info("没有找到匹配的人员")
    elif matches is not None and len(labels) >= penalties.PEOPLE_LIMIT:
        st.caption(f"仅显示前 {len(labels)} 人，请输入完整证件号码或注册号缩小范围。")
    category = c3.selectbox(
        "处罚类别", values.PENALTY_CATEGORIES, index=None, key="pen_category", placeholder="请选择处罚类别"
    )
    suspension = category == penalties.SUSPENSION
    barring = category in values.BAN_ALLOWED

    with st.form("penalty_new"):
        c1, c2 = st.columns(2)
        decision_no = c1.text_input(
            "行政处罚决定书文号", key="pen_decision_no", max_chars=64, placeholder="例如：建督罚字〔2026〕9号"
        )
        case_name = c2.text_input("处罚名称", key="pen_case", max_chars=200)
        reason = st.text_area("处罚事由", key="pen_reason", max_chars=2000)
        legal_basis = st.text_input(
            "处罚依据", key="pen_basis", max_chars=500, placeholder="例如：《建设工程安全生产管理条例》第五十八条"
        )
        result_text = st.text_input(
            "处罚结果", key="pen_result", max_chars=500, placeholder="例如：责令停止注册监理工程师执业3个月"
        )
        c3, c4, c5 = st.columns(3)
        decision_date = ui.date_field(c3, "处罚决定日期", value=today(), key="pen_date")
        authority = c4.text_input("处罚机关", value="住房和城乡建设部", key="pen_authority", max_chars=64)
        publish_until = ui.date_field(c5, "公示截止期", key="pen_publish")
        c6, c7, c8 = st.columns(3)
        project_name = c6.text_input("项目名称", key="pen_project", max_chars=200)
        notice_no = c7.text_input("处罚意见告知书文号", key="pen_notice", max_chars=64)
        code = c8.text_input("不良行为代码", key="pen_code", max_chars=16, placeholder="例如：Q1-2-01")
        effective_from = effective_to = None
        if suspension:
            c9, c10 = st.columns(2)
            effective_from = ui.date_field(c9, "停止执业开始日期", key="pen_from")
            effective_to = ui.date_field(c10, "停止执业结束日期", key="pen_to")
        else:
            st.caption("处罚类别为「责令停止执业」时须填写停止执业起止日期。")
        ban_term = None
        if barring:
            ban_term = st.selectbox(
                "不予注册期限",
                list(values.PENALTY_BAN_TERMS),
                index=None,
                key="pen_ban",
                placeholder="请选择不予注册期限" if category in values.BAN_REQUIRED else "无（可不选）",
            )
            st.caption(
                "不予注册期限自处罚决定之日起计算；期限内该人员的初始、延续、变更和重新注册申请不予注册（第十三条第（七）项）。"
            )
        if st.form_submit_button("提交", type="primary"):
            ui.act(
                penalties.record_penalty,
                person_id=person_id,
                decision_no=decision_no,
                case_name=case_name,
                category=category or "",
                reason=reason,
                legal_basis=legal_basis,
                result=result_text,
                decision_date=decision_date,
                authority=authority,
                publish_until=publish_until,
                project_name=project_name,
                notice_no=notice_no,
                bad_behaviour_code=code,
                effective_from=effective_from,
                effective_to=effective_to,
                ban_term=ban_term,
                success=f"操作成功，已录入行政处罚：{decision_no.strip()}（{category}）",  # which one, before the form empties
                then=lambda _: st.session_state.update(pen_saved=True),
            )
