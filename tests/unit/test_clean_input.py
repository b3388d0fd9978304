"""services.kernel.text.clean_input: what ui.calls does to everything a page passes to a service."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.kernel.text import clean_input
from services.registration.reporting import ApplicationFilter


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("薛\x00琼", "薛琼"),
        ("\x00", ""),
        ("a\x1b[31mb", "a[31mb"),  # an ANSI escape loses its ESC
        ("x\x07\x08\x0b\x0c\x7fy", "xy"),
        ("C1\x85\x9f", "C1"),
        ("lone\ud800surrogate", "lonesurrogate"),
        ("第一行\n第二行\r\n\t缩进", "第一行\n第二行\r\n\t缩进"),  # a text area keeps its lines and tabs
        ("Ｆｕｌｌ　ｗｉｄｔｈ　and emoji 😀", "Ｆｕｌｌ　ｗｉｄｔｈ　and emoji 😀"),
    ],
)
def test_control_characters_are_removed_and_nothing_else(typed, kept):
    assert clean_input(typed) == kept


def test_text_that_needs_no_change_is_returned_as_it_is():
    text = "北京小厉害有限公司"
    assert clean_input(text) is text
    f = ApplicationFilter(name="薛琼")
    assert clean_input(f) is f


def test_it_reaches_into_filters_lists_and_files():
    f = ApplicationFilter(name="薛\x00琼", id_number="\x00", applied_from=dt.date(2026, 1, 1))
    cleaned = clean_input(f)
    assert dataclasses.asdict(cleaned) == {**dataclasses.asdict(f), "name": "薛琼", "id_number": ""}
    files = {"SFZ": ("身份证\x00.png", b"\x89PNG\r\n\x1a\n\x00")}
    assert clean_input(files) == {"SFZ": ("身份证.png", b"\x89PNG\r\n\x1a\n\x00")}  # bytes stay bytes
    assert clean_input(["a\x00", 1, None]) == ["a", 1, None]
    assert clean_input(("a\x00",)) == ("a",)
