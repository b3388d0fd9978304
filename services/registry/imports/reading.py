"""Reading an import file: .xlsx (openpyxl, read-only, streamed) or .csv in UTF-8 (with or without BOM)
or GBK/GB18030 (what Excel writes on a Chinese Windows machine), detected, not asked."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import load_workbook

from services.kernel.errors import InvalidInput
from services.kernel.text import clean_input
from services.kernel.values import IMPORT_MAX_BYTES

FILE_FIELD = "导入文件"
# A cell a spreadsheet would run as a formula is refused, never evaluated nor stored (as exports guard them).
FORMULA = "单元格内容以“=”开头或为公式，不予导入，请改为数值或文本"


@dataclass(frozen=True)
class Cell:
    text: str
    formula: bool = False


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 学时, a number typed without the text format
    return str(clean_input(str(value))).strip()


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(data[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_encoding(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the whole file decodes as UTF-8, else GB18030 (a superset of GBK, which
    decodes almost any bytes, so it can only be the fallback). Checked in chunks, the text not kept."""
    for encoding, name in (("utf-8", "utf-8-sig"), ("gb18030", "gb18030")):
        if _decodes(data, encoding):
            return name
    raise InvalidInput({FILE_FIELD: "无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件"})


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=csv_encoding(data), newline="")
    for row in csv.reader(text):
        yield [Cell(t, t.startswith("=")) for t in (_text(v) for v in row)]


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput({FILE_FIELD: "无法读取该 Excel 文件，请确认为 .xlsx 格式"}) from exc
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows():
            cells = []
            for cell in row:
                value = getattr(cell, "value", None)
                text = _text(value)
                formula = getattr(cell, "data_type", None) == "f" or text.startswith("=")
                cells.append(Cell(text, formula))
            yield cells
    finally:
        wb.close()


def file_kind(filename: str) -> str:
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".csv"):
        return "csv"
    raise InvalidInput({FILE_FIELD: "仅支持 .xlsx 或 .csv 文件"})


def check_size(data: bytes) -> None:
    if len(data) > IMPORT_MAX_BYTES:
        limit = IMPORT_MAX_BYTES // (1024 * 1024)
        raise InvalidInput({FILE_FIELD: f"文件过大：不能超过 {limit} MB，请分成几个文件导入"})
    if not data:
        raise InvalidInput({FILE_FIELD: "文件为空"})


def read_table(data: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list[Cell]]]]:
    """The header (first non-empty row) and the data rows with their row numbers as the spreadsheet
    shows them (the header is row 1 when it is the first line); blank rows are skipped."""
    check_size(data)
    rows = _xlsx_rows(data) if file_kind(filename) == "xlsx" else _csv_rows(data)
    number = 0
    header: list[str] | None = None
    for cells in rows:
        number += 1
        if any(c.text for c in cells):
            header = [c.text.strip().lstrip("*＊").strip() for c in cells]
            break
    if header is None:
        raise InvalidInput({FILE_FIELD: "文件中没有表头"})
    start = number

    def data_rows() -> Iterator[tuple[int, list[Cell]]]:
        n = start
        for cells in rows:
            n += 1
            if any(c.text for c in cells):
                yield n, cells

    return header, data_rows()
