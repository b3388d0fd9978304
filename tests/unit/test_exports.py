import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from services.files.exports import neutralize, to_csv_bytes, to_xlsx_bytes

BOM = b"\xef\xbb\xbf"


def csv_body(df: pd.DataFrame) -> bytes:
    data = to_csv_bytes(df)
    assert data.startswith(BOM)
    return data[len(BOM) :]


def xlsx_cells(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in ws.iter_rows()]


@pytest.mark.parametrize(
    "value, field",
    [
        ('=1+2";=1+2', b'"\'=1+2"";=1+2"'),
        ("=1+2'\" ;,=1+2", b'"\'=1+2\'"" ;,=1+2"'),
    ],
)
def test_owasp_examples_are_escaped_byte_for_byte(value, field):
    body = csv_body(pd.DataFrame({"v": [value]}))
    assert body == b'"v"\r\n' + field + b"\r\n"


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠"])
def test_every_trigger_gets_a_quote_prefix(trigger):
    assert neutralize(trigger + "cmd") == "'" + trigger + "cmd"


def test_plain_values_pass_through_and_negative_numbers_are_prefixed():
    assert neutralize("薛琼") == "薛琼"
    assert neutralize("a=b") == "a=b"
    assert neutralize(None) == ""
    assert neutralize(12) == "12"
    assert neutralize("-5") == "'-5"
    assert neutralize(-5) == "'-5"


def test_dates_and_missing_values_render_as_text():
    assert neutralize(dt.date(2024, 3, 1)) == "2024-03-01"
    assert neutralize(dt.datetime(2024, 3, 1, 8, 5, 9)) == "2024-03-01 08:05:09"
    assert neutralize(pd.Timestamp("2024-03-01 08:05:09")) == "2024-03-01 08:05:09"
    assert neutralize(float("nan")) == ""
    assert neutralize(pd.NaT) == ""
    assert neutralize(pd.NA) == ""


def test_csv_round_trips_chinese_and_neutralizes_the_header():
    df = pd.DataFrame({"姓名": ["薛琼", None], "=专业": ["房屋建筑工程、冶炼工程", "-5"]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert text == '"姓名","\'=专业"\r\n"薛琼","房屋建筑工程、冶炼工程"\r\n"","\'-5"\r\n'
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert back["姓名"].tolist() == ["薛琼", ""]


def test_xlsx_never_holds_a_formula_cell():
    df = pd.DataFrame(
        {
            "=SUM(A1)": ["=SUM(A1)", "@cmd", "\x01=cmd", "＝1+1"],
            "金额": [-5, "+1", "\0=1", dt.date(2024, 1, 2)],
        }
    )
    rows = xlsx_cells(to_xlsx_bytes(df))
    assert all(cell.data_type != "f" for row in rows for cell in row)
    values = [[cell.value for cell in row] for row in rows]
    assert values == [
        ["'=SUM(A1)", "金额"],
        ["'=SUM(A1)", "'-5"],
        ["'@cmd", "'+1"],
        ["'=cmd", "'=1"],  # control characters XLSX cannot store are dropped first
        ["'＝1+1", "2024-01-02"],
    ]


def test_xlsx_layout_bold_header_frozen_and_cjk_wide_columns():
    df = pd.DataFrame({"姓名": ["薛琼"], "专业": ["房屋建筑工程、冶炼工程"], "id": ["1"]})
    wb = load_workbook(io.BytesIO(to_xlsx_bytes(df, sheet_name="人员")))
    ws = wb["人员"]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    assert not ws["A2"].font.b
    assert ws.column_dimensions["B"].width == 2 * 11 + 2  # 11 CJK characters count double
    assert ws.column_dimensions["C"].width == 6  # minimum
    assert ws["B2"].value == "房屋建筑工程、冶炼工程"
