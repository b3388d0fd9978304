"""Issue 14 item 11: the detail PDF prints every character of what the system accepts. Rare
ideographs (CJK Ext B-F) and emoji come from fallback fonts, character by character; a character no
installed font has prints as its code point. Never an empty cell."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from services.files import pdf

IN_CI = os.environ.get("CI") == "true"
# Debian's fonts-noto-cjk, fonts-hanazono and fonts-noto-color-emoji (.ci/run installs them)
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
HANAZONO_B = Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")
EMOJI = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")


def need(*paths: Path) -> None:
    """The Debian font packages .ci/run installs: missing in CI is a failure, elsewhere a skip."""
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        (pytest.fail if IN_CI else pytest.skip)(f"fonts not installed: {missing} (see .ci/run)")


def text_of(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        (pytest.fail if IN_CI else pytest.skip)("pdftotext not installed (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def fonts_of(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    names = []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            names.append(str(font.get("/BaseFont", font["/Subtype"])))
    return sorted(set(names))


def detail(name: str, reason: str) -> bytes:
    return pdf.detail_pdf(f"业务详情 - {name}", [("基本信息", [("姓名", name), ("退回理由", reason)])])


@pytest.fixture
def no_fallback_fonts(monkeypatch):
    """A machine with none of the fallback fonts installed."""
    monkeypatch.setattr(pdf, "FALLBACK_FONTS", ())
    pdf._font_for.cache_clear()
    yield
    pdf._font_for.cache_clear()


def test_rare_ideographs_and_emoji_in_a_name_and_a_reason_are_all_printed():
    need(NOTO_CJK, HANAZONO_B, EMOJI)
    name, reason = "张𠀀", "𪚥 字号不符😀"
    text = text_of(detail(name, reason))
    assert "业务详情 - 张𠀀" in text and "𪚥 字号不符" in text
    missing = [c for c in name + reason if not c.isspace() and c not in text]
    assert missing == []


def test_the_main_face_is_simplified_chinese_and_a_plain_document_embeds_it_alone():
    need(NOTO_CJK)
    assert fonts_of(detail("张三", "材料不全")) == ["/MPDFAA+NotoSansCJKSC"]


def test_fallback_fonts_are_embedded_only_for_the_characters_that_need_them():
    need(NOTO_CJK, HANAZONO_B, EMOJI)
    fonts = fonts_of(detail("张𠀀", "😀"))
    assert "/MPDFAA+NotoSansCJKSC" in fonts and "/MPDFAA+HanaMinB" in fonts
    assert len(fonts) == 3  # and the emoji font (a Type 3 font, which has no /BaseFont)


def test_a_character_no_installed_font_has_prints_as_its_code_point(no_fallback_fonts):
    text = text_of(detail("张𠀀", "理由😀"))
    assert "张[U+20000]" in text and "理由[U+1F600]" in text


def test_a_character_beyond_every_font_prints_as_its_code_point():
    need(HANAZONO_B)
    # U+31350, the first ideograph of CJK Ext H (Unicode 15), and a private-use character
    text = text_of(detail("李\U00031350", "说明\ue000"))
    assert "李[U+31350]" in text and "说明[U+E000]" in text


def test_invisible_marks_need_no_glyph_and_spaces_stay_spaces(no_fallback_fonts):
    # the emoji variation selector and a zero-width joiner are dropped; a thin space prints as a space
    text = text_of(detail("王五", "甲\u200d乙\ufe0f丙\u2009丁"))
    assert "甲乙丙 丁" in text and "[U+" not in text
