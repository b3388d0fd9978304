"""业务审批 (部级版, ?id=): the whole application, its progress and time limit, and the decision."""

import streamlit as st

import ui
from services import workflow
from services.kernel import values
from services.kernel.actor import MINISTRY
from services.registration import announcement, approval, deadlines, review
from ui.fragments.certificate import certificate_download

actor = ui.require_actor(MINISTRY)
app_id = st.query_params.get("id")

if st.button("返回注册审批", icon=":material/arrow_back:"):
    st.switch_page("pages/ministry/queue.py")

view = ui.call(review.view_application, application_id=app_id)
if view is None:
    st.stop()
detail, info = view.detail, view.info

st.header(detail.title)
st.caption(ui.md_escape(f"{detail.person_name} · {detail.business_label} · {detail.enterprise_name}"))


def time_limit(text: str, state: str) -> None:
    if info.estimated_year:
        text += f"；{info.estimated_year}年节假日安排尚未公布，按推定日历计算"
    if state == deadlines.OVERDUE:
        st.error(text, icon=":material/warning:")
    elif state == deadlines.DUE_SOON:
        st.warning(text, icon=":material/schedule:")
    else:
        st.info(text, icon=":material/schedule:")


if info.due_date:
    time_limit(f"办理时限：{info.due_date}（{info.due_state}）", info.due_state)
if info.announced_at:
    st.success(f"已于 {info.announced_at} 公告审批结果（公告时限 {info.announcement_due}）", icon=":material/campaign:")
elif info.announcement_due:
    time_limit(
        f"公告时限：{info.announcement_due}（{info.announcement_state}）。准予注册决定应自作出之日起"
        f"{values.ANNOUNCEMENT_DAYS}个工作日内在公众媒体上公告（《注册监理工程师管理规定》第八条）",
        info.announcement_state,
    )
# 公告 comes after the decision (审批操作 is over): its button stands by its time limit.
if "announce" in detail.actions and st.button(
    "公告", type="primary", key="act_announce", icon=":material/campaign:", help="登记已在公众媒体上公告审批结果"
):
    st.session_state["pending_announce"] = detail.id
if st.session_state.get("pending_announce") == detail.id:
    ui.confirm_dialog(
        "pending_announce",
        "确定已在公众媒体上公告该准予注册决定?",
        key="announce",
        run=lambda: ui.act(
            announcement.announce_applications, application_ids=[detail.id], success="操作成功，已登记公告"
        ),
    )

ui.sections(info.sections)  # 注册结果, once approved
if info.registration and info.registration.registration_id:
    certificate_download(info.registration.registration_id, key="cert")

ui.application_sections(detail, expand=bool(detail.attachments), agreed_note="聘用单位已确认以上承诺条款。")

st.subheader("进度详情")
ui.steps_table(view.steps)


def approved(_registration_id) -> str:
    """The flash after 准予注册: the registration it made (注册号, 证书编号, 有效期)."""
    done = ui.call(review.get_application_review, application_id=detail.id)
    r = done.registration if done else None
    if r is None:
        return "操作成功"
    return f"操作成功，已准予注册。注册号：{r.reg_no}，证书编号：{r.cert_no}，有效期：{r.valid_from} 至 {r.valid_to}"


actions = [a for a in detail.actions if a != "announce"]
label = lambda a: workflow.action_label(workflow.APPLICATION, a)  # noqa: E731
if actions:
    st.subheader("审批操作")
# Drawn while the status allows them; a click on one drawn before the status changed (the enterprise
# withdrew meanwhile) still runs, and the service says why it refuses.
bar = st.container(horizontal=True)
if ui.action_button(bar, label("accept"), allowed="accept" in actions, type="primary", key="act_accept"):
    ui.act(review.accept_applications, application_ids=[detail.id])
if ui.action_button(bar, label("review"), allowed="review" in actions, type="primary", key="act_review"):
    ui.act(review.start_review, application_id=detail.id)
if ui.action_button(bar, label("approve"), allowed="approve" in actions, type="primary", key="act_approve"):
    st.session_state["pending_approve"] = detail.id
if st.session_state.get("pending_approve") == detail.id:
    ui.confirm_dialog(
        "pending_approve",
        "确定准予注册?",
        key="approve",
        run=lambda: ui.act(approval.approve_application, application_id=detail.id, success=approved),
    )

if "request_correction" in actions:
    with st.expander(label("request_correction"), icon=":material/assignment_return:"):
        with st.form("correction"):
            items = st.multiselect(
                "需补正的内容",
                values.CORRECTION_ITEMS,
                key="corr_items",
                placeholder="请选择需补正的内容（可多选）",
            )
            note = st.text_area(
                "补正说明", key="corr_note", max_chars=1000, placeholder="一次性告知申请人需要补正的全部内容"
            )
            if st.form_submit_button("提交", type="primary"):
                ui.act(review.request_correction, application_id=detail.id, items=items, note=note)

if "deny" in actions:
    with st.expander(label("deny"), icon=":material/block:"):
        with st.form("deny"):
            clause = st.selectbox(
                "法律依据",
                values.DENIAL_CLAUSES,
                index=None,
                key="deny_clause",
                placeholder="请选择《注册监理工程师管理规定》第十三条的情形",
            )
            reason = st.text_area("不予注册理由", key="deny_reason", max_chars=1000)
            if st.form_submit_button("提交", type="primary"):
                ui.act(review.deny_application, application_id=detail.id, reason=reason, clause=clause or "")
