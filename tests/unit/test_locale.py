"""ui/locale.py: what replaces Streamlit's English is Chinese itself, and the script carries it intact."""

from __future__ import annotations

import json
import re

from ui import locale


def _latin_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"\$\d", "", text)) if w.upper() not in locale.LATIN_ALLOWED}


def test_every_replacement_is_chinese():
    replacements = [*locale.WORDS.values(), *(to for _, to in locale.PATTERNS), *locale.DATE_PLACEHOLDERS.values()]
    english = {text: _latin_words(text) for text in replacements if _latin_words(text)}
    assert english == {}


def test_the_script_carries_every_string_intact():
    script = locale._script()
    config = json.loads(
        script[script.index("const C = ") + len("const C = ") : script.index(";\n", script.index("const C = "))]
    )
    assert config["words"] == locale.WORDS
    assert config["patterns"] == [list(p) for p in locale.PATTERNS]
    assert config["language"] == "zh-CN"
    assert "</" not in script.split("const C = ", 1)[1]  # nothing can close the <script> element early
