"""强制注销申请 with a PDF that runs a script when opened: the page shows why it is refused (issue 14 item 9)."""

from __future__ import annotations

import io

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.pages.apptest_kit import ENT, FORCED_APPLY, actor, db, errors, no_exception, submit
from tests.pages.enterprise.enterprise_kit import forced_rows


def pdf_with_open_script() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="retirement certificate")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_forced_apply_refuses_a_pdf_with_a_script_and_says_why(login):
    from services.deregistration import requests as forced

    before = forced_rows().total
    at = login(ENT, FORCED_APPLY)
    at.selectbox(key="fa_person").set_value(db(lambda s: forced.list_deregistrable(s, actor(ENT))).ids[0])
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    at.selectbox(key="fa_type").set_value("TXZM")
    at.file_uploader(key="fa_file").upload("退休证明.pdf", pdf_with_open_script(), "application/pdf")
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert any("PDF 文件含有脚本、自动执行的动作或嵌入文件，请另存为普通 PDF 后上传" in e for e in errors(at)), errors(
        at
    )
    assert forced_rows().total == before
