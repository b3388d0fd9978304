"""Issue 14 item 9: PDFs that carry active content (scripts, launch and other actions that run on
their own, embedded files, multimedia, XFA) or data after their end are refused at upload."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from services.files import uploads
from services.kernel.errors import InvalidInput

ACTIVE = "PDF 文件含有脚本、自动执行的动作或嵌入文件，请另存为普通 PDF 后上传"
AFTER_END = "PDF 文件结束标记之后还有其他数据，请另存为普通 PDF 后上传"


def raw_pdf(catalog: str = "", page: str = "", extra: tuple[str, ...] = ()) -> bytes:
    """A one-page PDF written by hand (so that names can be spelled as an attacker would),
    with a correct cross-reference table. `extra` objects are numbered from 4."""
    bodies = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {page} >>",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def plain_pdf(**link) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="contract", **link)
    return bytes(pdf.output())


def written(edit) -> bytes:
    """A plain PDF rewritten by pypdf after `edit(writer)`."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf())))
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(InvalidInput) as exc:
        uploads.check_upload("合同.pdf", data)
    return exc.value.fields["附件"]


def _open_action(action: dict):
    def edit(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject(k): (NameObject(v) if v.startswith("/") else TextStringObject(v)) for k, v in action.items()}
        )

    return edit


@pytest.mark.parametrize(
    "data",
    [
        # JavaScript on opening, its names spelled with #-escapes (/#4A = /J, /#53 = /S)
        raw_pdf(catalog="/OpenAction << /S /#4AavaScript /#4AS (app.alert\\(1\\)) >>"),
        raw_pdf(catalog="/OpenAction 4 0 R", extra=("<< /S /JavaScript /JS (app.alert\\(1\\)) >>",)),
        raw_pdf(  # document-level script (/Names /JavaScript)
            catalog="/Names << /JavaScript << /Names [(init) 4 0 R] >> >>",
            extra=("<< /S /JavaScript /JS (app.alert\\(1\\)) >>",),
        ),
        written(_open_action({"/S": "/Launch", "/F": "cmd.exe"})),
        written(_open_action({"/S": "/URI", "/URI": "https://example.invalid/"})),  # fetched on opening
        written(lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00")),  # embedded file
        raw_pdf(page="/AA << /O << /S /JavaScript /JS (1) >> >>"),  # page-open action
        raw_pdf(catalog="/AcroForm << /Fields [] /XFA 4 0 R >>", extra=("<< /Length 0 >>\nstream\n\nendstream",)),
        raw_pdf(page="/Annots [4 0 R]", extra=("<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>",)),
        raw_pdf(page="/Annots [4 0 R]", extra=("<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] >>",)),
        # not reachable from the catalog, but in the file: a reader that repairs the file may use it
        raw_pdf(extra=("<< /S /Launch /F (cmd.exe) >>",)),
    ],
    ids=[
        "escaped-open-action-js",
        "indirect-open-action-js",
        "document-js",
        "launch",
        "uri-on-open",
        "embedded-file",
        "page-aa",
        "xfa",
        "rich-media",
        "file-attachment",
        "unreferenced-launch",
    ],
)
def test_pdfs_with_active_content_are_refused(data):
    assert data.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(data)).pages) == 1  # a real PDF
    assert refusal(data) == ACTIVE


@pytest.mark.parametrize(
    "tail",
    [b"<html><script>alert(1)</script></html>", b"\n%%EOF trailer\n<html>", b"PK\x03\x04", b"x"],
)
def test_a_pdf_with_data_after_its_end_is_refused(tail):
    assert refusal(plain_pdf() + tail) == AFTER_END


@pytest.mark.parametrize(
    "data",
    [
        plain_pdf(),
        plain_pdf() + b"\r\n \n\x00",  # white space after %%EOF is allowed
        plain_pdf(link="https://example.invalid/"),  # a link the reader clicks is not active content
        raw_pdf(catalog="/OpenAction [3 0 R /Fit]"),  # "open at page 1, fit" is a destination
        raw_pdf(catalog="/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
        written(lambda w: w.add_metadata({"/Title": "JavaScript /JS /Launch"})),  # the words, as text
    ],
    ids=["plain", "trailing-whitespace", "link", "open-destination", "open-goto", "words-in-metadata"],
)
def test_ordinary_pdfs_are_stored_byte_for_byte(data):
    checked = uploads.check_upload("合同.pdf", data)
    assert checked.data == data and checked.content_type == "application/pdf"


def test_an_incremental_update_ends_with_its_own_eof_and_is_accepted():
    base = plain_pdf()
    writer = PdfWriter(io.BytesIO(base), incremental=True)
    writer.add_metadata({"/Title": "signed copy"})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert data.startswith(base) and data.count(b"%%EOF") == 2
    assert uploads.check_upload("合同.pdf", data).data == data
