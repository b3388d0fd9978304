"""The manual's 业务详情 body, shared by the enterprise and the ministry."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services.kernel import values
from services.registration import reporting
from ui.calls import call, while_on
from ui.fragments.attachments import attachment_list
from ui.text import sections

REVEAL_KEY = "reveal"


def revealed_numbers(application_id: int) -> reporting.PersonNumbers | None:
    """【显示完整证件号码和联系电话】: the whole numbers while the switch is on. Each reveal (the
    switch turning on) is read and audited once; the reruns while it stays on read nothing."""
    on = st.toggle("显示完整证件号码和联系电话", key=REVEAL_KEY)
    return while_on(
        on,
        key=f"_revealed_{application_id}",
        load=lambda: call(reporting.reveal_person_numbers, application_id=application_id),
    )


def application_sections(detail: reporting.ApplicationDetail, *, expand: bool, agreed_note: str) -> None:
    """The detail's sections (业务上报信息, 个人基本信息: numbers masked; the whole ones on request,
    audited), 附件材料 (files read only when downloaded or opened), 个人承诺 and 企业承诺."""
    sections(detail.sections)
    numbers = revealed_numbers(detail.id)
    if numbers:
        st.text(f"证件号码：{numbers.id_number}    联系电话：{numbers.phone}")
    with st.expander("附件材料（点击展开查看）", expanded=expand):
        attachment_list(detail.attachments, key="att")
    commitments(agreed=detail.enterprise_commitment_agreed, agreed_note=agreed_note, expand=expand)


def commitments(*, agreed: bool, agreed_note: str, expand: bool) -> None:
    with st.expander("个人承诺（点击展开查看）"):
        numbered(values.PERSONAL_COMMITMENT)
    with st.expander("企业承诺（点击展开查看）", expanded=expand):
        st.text(values.ENTERPRISE_COMMITMENT_INTRO)
        numbered(values.ENTERPRISE_COMMITMENT)
        if agreed:
            st.success(agreed_note)


def numbered(clauses, draw: Callable[[str], object] = st.text) -> None:
    for i, clause in enumerate(clauses, start=1):
        draw(f"{i}. {clause}")
