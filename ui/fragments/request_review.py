"""The ministry's review of an enterprise's request (强制注销, 企业重要信息修改): one page, drawn
for each kind of request from its own services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from services import workflow
from services.kernel.actor import MINISTRY
from ui.calls import act, call
from ui.fragments.attachments import attachment_list
from ui.tables import page_args, paged_table, reset_page, steps_table
from ui.text import sections
from ui.widgets import clicked_undrawn


@dataclass(frozen=True)
class RequestReview:
    kind: str  # workflow.FORCED or workflow.INFO_CHANGE
    title: str
    key: str  # the list's key; widgets are `<prefix>_status`, `<prefix>_opinion`, form `<form>`
    prefix: str
    form: str
    list_requests: Callable  # (session, actor, *, status, page, page_size) -> PageResult
    get_request: Callable  # (session, actor, *, request_id) -> detail with fields, attachments?, actions
    list_steps: Callable  # (session, actor, *, request_id) -> DataFrame
    decide: Callable  # (session, actor, *, request_id, action, opinion)
    opinion_hint: str
    with_attachments: bool = False


def request_review(spec: RequestReview) -> None:
    st.header(spec.title)
    statuses = [None, *workflow.STATUS_LABELS[spec.kind]]
    status = st.columns(4)[0].selectbox(
        "状态",
        statuses,
        index=1,
        key=f"{spec.prefix}_status",
        format_func=lambda s: workflow.status_label(spec.kind, s) if s else "全部",
        on_change=reset_page,
        args=(spec.key,),
    )
    result = call(spec.list_requests, status=status, **page_args(spec.key))
    if result is None:
        return
    picked = paged_table(result, key=spec.key)
    if result.total and picked is None:
        st.caption("选中一条申请，查看详情并审核。")
    if picked is None:
        return
    detail = call(spec.get_request, request_id=picked.id)
    if detail is None:
        return
    sections(detail.sections)
    if spec.with_attachments:
        st.subheader("附件材料")
        attachment_list(detail.attachments, key="fatt", image_width=480)
    st.subheader("进度详情")
    steps_table(call(spec.list_steps, request_id=detail.id))
    opinion_key, clicked = f"{spec.prefix}_opinion", None
    if detail.actions:
        st.subheader("审核")
        with st.form(spec.form):
            st.text_area("审核意见", key=opinion_key, max_chars=1000, placeholder=spec.opinion_hint)
            for col, action in zip(st.columns(len(detail.actions) + 3), detail.actions):
                if col.form_submit_button(
                    workflow.action_label(spec.kind, action), type="secondary" if action == "deny" else "primary"
                ):
                    clicked = action
    if clicked is None:
        # A decision clicked on the form as the previous run drew it, which this run no longer offers:
        # the enterprise withdrew (or another reviewer decided) meanwhile. It runs, so that the service
        # says why it refuses, instead of the click vanishing.
        undrawn = [t.action for t in workflow.TRANSITIONS[spec.kind] if MINISTRY in t.roles]
        clicked = next((a for a in undrawn if a not in detail.actions and clicked_undrawn(_submit_key(spec, a))), None)
    if clicked:
        opinion = st.session_state.get(opinion_key) or ""
        act(spec.decide, request_id=detail.id, action=clicked, opinion=opinion, then=lambda _: reset_page(spec.key))


def _submit_key(spec: RequestReview, action: str) -> str:
    """Streamlit's key of the form's submit button for `action` (st.form_submit_button without a key)."""
    return f"FormSubmitter:{spec.form}-{workflow.action_label(spec.kind, action)}"
