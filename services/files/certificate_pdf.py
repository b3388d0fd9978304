"""The electronic certificate as a PDF: A4, Chinese in the embedded Noto CJK font (services.files.pdf), the
certificate's fields, and a QR code carrying the verification URL. Signing is services.files.pdf_signing."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from fpdf import FPDF
from fpdf.enums import TextMode

from services.files.pdf import _FAMILY, FALLBACK_FONTS, _Glyphs, primary_font

_QR_SIZE = 46  # mm: a 150-character URL at error level M is about 1 mm a module, easy for a phone camera


@dataclass(frozen=True)
class CertificateContent:
    title: str
    rows: list[tuple[str, str]]  # 姓名, 注册号, 注册证书编号, ...
    url: str  # what the QR code carries
    note: str  # under the QR code
    authority: str
    issued_on: str


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def certificate_pdf(content: CertificateContent) -> bytes:
    glyphs = _Glyphs()
    title = glyphs.text(content.title)
    rows = [(glyphs.text(k), glyphs.text(v)) for k, v in content.rows]
    authority, issued_on, note = (
        glyphs.text(content.authority),
        glyphs.text(content.issued_on),
        glyphs.text(content.note),
    )
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    path, index = primary_font()
    pdf.add_font(_FAMILY, "", path, collection_font_number=index)
    used = [f for f in FALLBACK_FONTS if f in glyphs.fallbacks]
    for i, fallback in enumerate(used):
        pdf.add_font(f"fallback{i}", "", fallback)
    pdf.set_fallback_fonts([f"fallback{i}" for i in range(len(used))])
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(title)
    pdf.set_creator("注册监理工程师管理系统")
    pdf.add_page()
    # a double frame, as on the paper certificate
    pdf.set_draw_color(150, 30, 30)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_line_width(0.3)
    pdf.rect(15, 15, 180, 267)

    pdf.set_y(32)
    pdf.set_font(_FAMILY, size=22)
    with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.3):
        pdf.multi_cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FAMILY, size=12)
    pdf.set_text_color(110)
    pdf.cell(0, 8, "（电子证书）", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.ln(10)

    pdf.set_font(_FAMILY, size=13)
    for key, value in rows:
        pdf.set_x(32)
        pdf.set_text_color(90)
        pdf.cell(40, 11, key)
        pdf.set_text_color(0)
        pdf.multi_cell(118, 11, value, new_x="LMARGIN", new_y="NEXT")

    top = 205
    pdf.image(io.BytesIO(qr_png(content.url)), x=32, y=top, w=_QR_SIZE, h=_QR_SIZE)
    pdf.set_font(_FAMILY, size=9)
    pdf.set_text_color(90)
    pdf.set_xy(30, top + _QR_SIZE + 1)
    pdf.multi_cell(60, 5, note, align="L")
    pdf.set_text_color(0)
    pdf.set_font(_FAMILY, size=13)
    pdf.set_xy(100, top + 16)
    pdf.cell(80, 9, authority, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(100, top + 26)
    pdf.cell(80, 9, issued_on, align="R")
    return bytes(pdf.output())
