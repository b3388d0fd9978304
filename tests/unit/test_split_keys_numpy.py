"""services.kernel.paging.split_keys through numpy (a list of one block of objects) gives the very frame and
keys that selecting the columns gives, whatever the key columns' place."""

from __future__ import annotations

import pandas as pd
import pytest

from services.kernel.paging import RowKey, split_keys, table


def _records(columns: list[str]) -> list[dict]:
    return [{c: (7 + i if c == "id" else f"{c}{i}" if c != "n" else None) for c in columns} for i in range(3)]


@pytest.mark.parametrize(
    "columns, drop",
    [
        (["id", "status_code", "序号", "姓名", "n"], ()),
        (["序号", "id", "姓名", "status_code", "n"], ()),  # key columns between the shown ones
        (["id", "status_code", "extra", "序号", "姓名"], ("extra",)),
    ],
)
def test_the_same_frame_and_keys_as_selecting_the_columns(columns, drop):
    frame = table(_records(columns), columns=columns)
    rows, keys = split_keys(frame, drop=drop)
    expected = frame[[c for c in columns if c not in {"id", "status_code", *drop}]]
    pd.testing.assert_frame_equal(rows, expected)
    assert keys == tuple(RowKey(7 + i, f"status_code{i}") for i in range(3))
    assert frame.columns.tolist() == columns  # the service's frame is left as it was


def test_a_frame_of_other_dtypes_keeps_its_dtypes():
    frame = pd.DataFrame({"id": [1, 2], "序号": [1, 2], "姓名": ["甲", "乙"]})
    rows, keys = split_keys(frame, status_column=None)
    pd.testing.assert_frame_equal(rows, frame[["序号", "姓名"]])
    assert keys == (RowKey(1, ""), RowKey(2, ""))


def test_an_empty_page():
    frame = table([], columns=["id", "status_code", "序号"])
    rows, keys = split_keys(frame)
    assert keys == () and rows.columns.tolist() == ["序号"] and len(rows) == 0
