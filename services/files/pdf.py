"""Printable detail pages as PDF (notes/streamlit.md §5.5).

The CJK font ships in the `cvttf-notosanscjk-regular` wheel, so no system font is needed;
fpdf2 embeds only the glyphs a document uses.
"""

from __future__ import annotations

from pathlib import Path

import cvttf_NotoSansCJK_Regular
from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.fonts import FontFace

FONT_FILE = Path(cvttf_NotoSansCJK_Regular.__file__).with_name("NotoSansCJKtc-Regular.otf")
_FAMILY = "NotoSansCJK"
_KEY_FILL = (240, 242, 245)
_LINE_HEIGHT = 7
_COL_WIDTHS = (3, 7)
_PADDING = (1.5, 2)
# fpdf2 cannot split a table row over pages, so long values go into rows of at most this
# many lines (well under a page even if the table wraps a line differently).
_MAX_ROW_LINES = 20


class _DetailPDF(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(_FAMILY, "", FONT_FILE)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(_FAMILY, size=9)
        self.set_text_color(110)
        self.cell(0, 6, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, f"第 {self.page_no()} 页", align="R")

    def heading(self, text: str) -> None:
        # Keep a heading on the same page as the start of its content.
        if self.will_page_break(12 + 3 * _LINE_HEIGHT):
            self.add_page()
        self.ln(3)
        self.set_font(_FAMILY, size=13)
        # The font has no bold face; stroking the glyph outlines thickens them instead.
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.2):
            self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def value_chunks(self, value: str | None) -> list[str]:
        if not value:
            return [""]
        width = self.epw * _COL_WIDTHS[1] / sum(_COL_WIDTHS) - 2 * _PADDING[1]
        lines: list[str] = self.multi_cell(width, _LINE_HEIGHT, value, dry_run=True, output="LINES")  # type: ignore[assignment]
        return ["\n".join(lines[i : i + _MAX_ROW_LINES]) for i in range(0, len(lines), _MAX_ROW_LINES)]


def detail_pdf(
    title: str,
    sections: list[tuple[str, list[tuple[str, str | None]]]],
    footer: str = "注册监理工程师管理系统",
    *,
    paragraphs: list[tuple[str, list[str]]] | None = None,
) -> bytes:
    """A4 document: centred title, key/value tables per section, then plain-text sections.

    A None value prints as an empty cell.
    """
    pdf = _DetailPDF(footer)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font(_FAMILY, size=18)
    pdf.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    key_style = FontFace(fill_color=_KEY_FILL)
    for heading, rows in sections:
        pdf.heading(heading)
        pdf.set_font(_FAMILY, size=10.5)
        with pdf.table(
            col_widths=_COL_WIDTHS,
            first_row_as_headings=False,
            line_height=_LINE_HEIGHT,
            text_align="LEFT",
            padding=_PADDING,
        ) as table:
            for key, value in rows:
                for i, chunk in enumerate(pdf.value_chunks(value)):
                    row = table.row()
                    row.cell(key if i == 0 else "", style=key_style)
                    row.cell(chunk)
    for heading, texts in paragraphs or []:
        pdf.heading(heading)
        pdf.set_font(_FAMILY, size=10.5)
        for text in texts:
            pdf.multi_cell(0, _LINE_HEIGHT, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    return bytes(pdf.output())
