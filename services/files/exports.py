"""CSV and XLSX exports that cannot carry spreadsheet formulas (notes/reliability.md §2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# OWASP CSV Injection + ASVS 5.0 1.2.10, plus their full-width look-alikes.
_TRIGGERS = frozenset("=+-@\t\r\n\0＝＋－＠")
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _text(value: object) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime):  # before date: datetime is a date subclass
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _guard(text: str) -> str:
    return "'" + text if text and text[0] in _TRIGGERS else text


def neutralize(value: object) -> str:
    """The cell as text, with a leading ' if a spreadsheet could read it as a formula."""
    return _guard(_text(value))


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow([neutralize(c) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        writer.writerow([neutralize(v) for v in row])
    # The BOM makes Excel read the file as UTF-8 instead of the ANSI code page.
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_text(value: object) -> str:
    # Strip the control characters XLSX cannot hold before the guard: stripping after it
    # could uncover a trigger, e.g. "\x01=cmd".
    return _guard(ILLEGAL_CHARACTERS_RE.sub("", _text(value)))


def _display_width(text: str) -> int:
    longest = max(text.splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "导出") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name
    header = [_xlsx_text(c) for c in df.columns]
    rows = [[_xlsx_text(v) for v in row] for row in df.itertuples(index=False, name=None)]
    bold = Font(bold=True)
    for r, values in enumerate([header, *rows], start=1):
        for c, text in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=text)
            cell.data_type = "s"  # never 'f', whatever the text looks like
            if r == 1:
                cell.font = bold
    for c, column in enumerate(zip(header, *rows), start=1):
        width = max(_display_width(text) for text in column) + 2
        ws.column_dimensions[get_column_letter(c)].width = min(max(width, _MIN_WIDTH), _MAX_WIDTH)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
