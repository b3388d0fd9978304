"""Text the services take and show: input cleaned of control characters, dates and times, specialty
names, LIKE patterns for fuzzy search."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from services.kernel.errors import InvalidInput
from services.kernel.values import SPECIALTY_NAMES

# C0 and C1 control characters but tab and line breaks, and lone surrogates: none belongs in a name, a
# reason or a search, PostgreSQL refuses NUL in text ("cannot contain NUL (0x00) bytes"), and neither
# database driver can encode a lone surrogate.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_input(value):
    """What a person typed or a URL carried, as services take it: control characters removed from
    every str, through lists, tuples, dicts and dataclasses (a filter, a filing). Anything else, and
    text that needs no change, comes back as it is."""
    if isinstance(value, str):
        return _CONTROL.sub("", value) if _CONTROL.search(value) else value
    if isinstance(value, (list, tuple)):
        cleaned = [clean_input(v) for v in value]
        if all(a is b for a, b in zip(cleaned, value, strict=True)):
            return value
        return tuple(cleaned) if isinstance(value, tuple) else cleaned
    if isinstance(value, dict):
        items = [(clean_input(k), clean_input(v)) for k, v in value.items()]
        same = all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items(), strict=True))
        return value if same else dict(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {
            f.name: new
            for f in dataclasses.fields(value)
            if f.init and (new := clean_input(old := getattr(value, f.name))) is not old
        }
        return dataclasses.replace(value, **changed) if changed else value
    return value


# A search term longer than any column it is matched against finds nothing; refusing it keeps a
# pasted megabyte out of every LIKE.
MAX_SEARCH_LENGTH = 200


def like_pattern(text: str) -> str:
    if len(text.strip()) > MAX_SEARCH_LENGTH:
        raise InvalidInput(f"查询条件不能超过 {MAX_SEARCH_LENGTH} 个字")
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def specialties_text(code1: str | None, code2: str | None) -> str:
    return "、".join(SPECIALTY_NAMES.get(c, c) for c in (code1, code2) if c)


def fmt_dt(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def fmt_minute(value: dt.datetime | None) -> str:
    """A time in a list: to the minute, so that two of them fit a list at 1024×768 (issue 14)."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_date(value: dt.date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""
