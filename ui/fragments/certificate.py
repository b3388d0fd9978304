"""【电子注册证书】: a registration's signed certificate PDF, for the holder, the employer and the ministry."""

from __future__ import annotations

import streamlit as st

from services.registry import certificates
from ui.calls import call


def certificate_download(registration_id: int | None, *, key: str, where=st) -> None:
    """A button that makes the signed PDF (the service checks who may, and audits it), then offers it for
    download; a refusal (an ended or lapsed registration) is shown with its reason."""
    held = f"{key}_pdf"
    if (
        where.button(
            "电子注册证书",
            key=key,
            disabled=registration_id is None,
            icon=":material/verified:",
            help="生成带二维码和电子签章的注册证书",
        )
        and registration_id is not None
    ):
        made = call(certificates.download_certificate, registration_id=registration_id)
        if made is not None:
            st.session_state[held] = (registration_id, made)
    pending = st.session_state.get(held)
    if pending and registration_id is not None and pending[0] == registration_id:
        where.download_button(
            "下载证书（PDF）",
            pending[1].data,
            pending[1].filename,
            "application/pdf",
            key=f"{key}_file",
            on_click="ignore",
            icon=":material/download:",
        )
