"""services.kernel.paging.keyed / listed: a list's records (dicts holding the key fields besides the shown
ones) as one frame of the shown columns, in their order, and row for row the typed keys."""

from __future__ import annotations

import pandas as pd
import pytest

from services.kernel.paging import RowKey, keyed, listed, table


def _records(fields: list[str]) -> list[dict]:
    return [{c: (7 + i if c == "id" else f"{c}{i}" if c != "n" else None) for c in fields} for i in range(3)]


@pytest.mark.parametrize(
    "fields",
    [
        ["id", "status_code", "序号", "姓名", "n"],
        ["序号", "id", "姓名", "status_code", "n"],  # key fields between the shown ones
        ["id", "status_code", "extra", "序号", "姓名"],  # a field no column shows
    ],
)
def test_the_shown_columns_only_and_the_keys_row_for_row(fields):
    records = _records(fields)
    shown = [c for c in fields if c not in {"id", "status_code", "extra"}]
    page = keyed(records, shown, 30, 2, 10)
    expected = pd.DataFrame([[r[c] for c in shown] for r in records], columns=shown, dtype=object)
    pd.testing.assert_frame_equal(page.rows, expected)
    assert page.keys == tuple(RowKey(7 + i, f"status_code{i}") for i in range(3))
    assert (page.total, page.page, page.page_size, page.ids) == (30, 2, 10, (7, 8, 9))
    assert list(page.rows.dtypes) == [object] * len(shown)


def test_a_list_without_status_and_with_another_id_field():
    records = [{"registration_id": "12", "label": "甲"}, {"registration_id": 13, "label": "乙"}]
    found = listed(records, ["label"], id_column="registration_id", status_column=None)
    assert found.keys == (RowKey(12, ""), RowKey(13, "")) and found.rows["label"].tolist() == ["甲", "乙"]


def test_an_empty_page_has_its_columns():
    page = keyed([], ["序号", "姓名"], 0, 1, 10)
    assert page.keys == () and page.rows.columns.tolist() == ["序号", "姓名"] and page.empty


def test_the_rows_are_the_frame_table_builds():
    records = _records(["id", "status_code", "序号"])
    pd.testing.assert_frame_equal(keyed(records, ["序号"], 3, 1, 10).rows, table(records, ["序号"]))
