"""附件材料: a request's files, read (and audited) only when a person downloads or opens one."""

from __future__ import annotations

import streamlit as st

from services.files import attachments as attachment_files
from ui.calls import call, on_download, while_on
from ui.text import md_escape

# 查看 toggles side by side: at 1024×768 a third of an expander cut "查看 监理工程师资格证书：ZGZ…"
IMAGE_COLUMNS = 2


def _label(att) -> str:
    return f"{att.type_label}：{att.original_name}"


def download_button(att, *, key: str, label: str | None = None, where=st, icon: str = ":material/attach_file:"):
    """One attachment's 下载: the file is read and the download audited when it is clicked."""
    where.download_button(
        md_escape(label or _label(att)),
        on_download(attachment_files.get_attachment_data, attachment_id=att.id),
        att.original_name,
        att.content_type,
        key=key,
        on_click="ignore",
        icon=icon,
    )


def attachment_list(items, *, key: str, image_width: int | None = None) -> None:
    """Every file of a request: a download button each; an image can also be opened on the page
    (【查看】, read and audited once when it opens). Uploaded file names are user text: escaped."""
    if not items:
        st.info("暂无附件材料")
        return
    images = [a for a in items if a.content_type.startswith("image/")]
    if images:
        st.caption("打开【查看】显示图片；将鼠标移到图片上，点击右上角按钮可放大查看。")
        cols = st.columns(IMAGE_COLUMNS)
        for i, att in enumerate(images):
            with cols[i % IMAGE_COLUMNS]:
                shown = st.toggle(md_escape(f"查看 {_label(att)}"), key=f"{key}_show_{att.id}")
                file = while_on(
                    shown,
                    key=f"{key}_image_{att.id}",
                    load=lambda att=att: call(attachment_files.get_attachment_file, attachment_id=att.id),
                )
                if file:  # stretched: Streamlit's enlarge then fits it to the screen, not to its own size
                    with st.container(width=image_width or "stretch"):
                        st.image(file.data, caption=md_escape(_label(att)), width="stretch")
    for att in items:
        download_button(att, key=f"{key}_{att.id}")
