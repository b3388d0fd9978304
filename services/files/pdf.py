"""Printable detail pages as PDF (notes/streamlit.md §5.5).

Text is set in Noto Sans CJK SC (Debian's fonts-noto-cjk), or, without it, in the TC face that
ships in the `cvttf-notosanscjk-regular` wheel. A character that face lacks (rare ideographs of
CJK Ext B-F such as 𠀀 𪚥 in a name, emoji in a reason) is set in the first fallback font that has
it (issue 14 item 11); one that no installed font has prints as its code point, [U+31350], so
no character ever vanishes from the page. fpdf2 embeds only the glyphs a document uses, and a
fallback font only when the document needs it.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import cvttf_NotoSansCJK_Regular
from fontTools.ttLib import TTCollection, TTFont
from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.fonts import FontFace

_FONTS = Path("/usr/share/fonts")
SYSTEM_FONT = (_FONTS / "opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC")
WHEEL_FONT = Path(cvttf_NotoSansCJK_Regular.__file__).with_name("NotoSansCJKtc-Regular.otf")
# Tried per character, in this order; the Debian packages are installed by .ci/run.
FALLBACK_FONTS = (
    _FONTS / "truetype/hanazono/HanaMinB.ttf",  # fonts-hanazono: CJK Ext B-F
    _FONTS / "truetype/noto/NotoColorEmoji.ttf",  # fonts-noto-color-emoji
    _FONTS / "truetype/dejavu/DejaVuSans.ttf",  # fonts-dejavu-core: other scripts, symbols
    _FONTS / "truetype/hanazono/HanaMinA.ttf",  # fonts-hanazono: ideographs of the BMP Noto lacks
)
_FAMILY = "NotoSansCJK"
_KEY_FILL = (240, 242, 245)
_LINE_HEIGHT = 7
_COL_WIDTHS = (3, 7)
_PADDING = (1.5, 2)
# fpdf2 cannot split a table row over pages, so long values go into rows of at most this
# many lines (well under a page even if the table wraps a line differently).
_MAX_ROW_LINES = 20


@functools.cache
def primary_font() -> tuple[Path, int]:
    """The main face and its index in its collection: SC when Debian's font is there."""
    path, family = SYSTEM_FONT
    if path.is_file():
        for index, face in enumerate(TTCollection(path, lazy=True).fonts):
            if face["name"].getDebugName(1) == family:
                return path, index
    return WHEEL_FONT, 0


@functools.cache
def _code_points(path: Path, index: int = 0) -> frozenset[int]:
    return frozenset(TTFont(path, fontNumber=index, lazy=True).getBestCmap())


@functools.lru_cache(maxsize=4096)
def _font_for(char: str) -> Path | None:
    """The font that prints `char`: the primary's path, the first installed fallback that has it, or None."""
    primary = primary_font()
    if ord(char) in _code_points(*primary):
        return primary[0]
    return next((f for f in FALLBACK_FONTS if f.is_file() and ord(char) in _code_points(f)), None)


def _invisible(char: str) -> bool:
    """Format characters and variation selectors (a zero-width joiner, the emoji selector U+FE0F)."""
    cp = ord(char)
    return unicodedata.category(char) == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


class _Glyphs:
    """Makes text printable and remembers which fallback fonts it needs."""

    def __init__(self) -> None:
        self.fallbacks: set[Path] = set()

    def text(self, value: str) -> str:
        return "".join(map(self._char, value))

    def _char(self, char: str) -> str:
        if char == "\n":
            return char
        font = _font_for(char)
        if font is None:  # no installed font has it: say which character it was, never print nothing
            return " " if char.isspace() else "" if _invisible(char) else f"[U+{ord(char):04X}]"
        if font in FALLBACK_FONTS:
            self.fallbacks.add(font)
        return char


class _DetailPDF(FPDF):
    def __init__(self, footer_text: str, fallbacks: set[Path]):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        path, index = primary_font()
        self.add_font(_FAMILY, "", path, collection_font_number=index)
        used = [f for f in FALLBACK_FONTS if f in fallbacks]
        for i, fallback in enumerate(used):
            self.add_font(f"fallback{i}", "", fallback)
        self.set_fallback_fonts([f"fallback{i}" for i in range(len(used))])
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
    glyphs = _Glyphs()
    title, footer = glyphs.text(title), glyphs.text(footer)
    sections = [
        (glyphs.text(heading), [(glyphs.text(k), None if v is None else glyphs.text(v)) for k, v in rows])
        for heading, rows in sections
    ]
    paragraphs = [(glyphs.text(heading), [glyphs.text(t) for t in texts]) for heading, texts in paragraphs or []]
    pdf = _DetailPDF(footer, glyphs.fallbacks)
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
    for heading, texts in paragraphs:
        pdf.heading(heading)
        pdf.set_font(_FAMILY, size=10.5)
        for text in texts:
            pdf.multi_cell(0, _LINE_HEIGHT, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    return bytes(pdf.output())
