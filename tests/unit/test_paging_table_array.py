"""paging.table builds its frame from one object array: the same frame as pandas builds from the dicts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from services.kernel.paging import keyed, table

ROWS = [
    {"id": 1, "status_code": "PENDING_ENT", "姓名": "张三", "申请时间": "2026-01-01 10:00", "时限状态": ["已超期"]},
    {"id": 2, "status_code": "REPORTED", "姓名": None, "申请时间": dt.date(2026, 1, 2), "时限状态": []},
    {"id": 3, "姓名": "李四", "extra": 7},  # keys missing, and one not asked for
]


@pytest.mark.parametrize(
    "records, columns",
    [
        (ROWS, ["id", "status_code", "姓名", "申请时间", "时限状态"]),
        (ROWS, ["姓名", "id", "absent"]),  # another order, a column no row has
        (ROWS, None),  # the columns as the rows name them
        ([], ["id", "status_code", "姓名"]),  # an empty page
        ([], None),
        ([{"a": [1, 2], "b": [3, 4]}], ["a", "b"]),  # same-length lists in every cell stay lists
        (iter(ROWS[:2]), ["id", "姓名"]),  # any iterable of rows
        ([(1, "a"), (2, [3])], ["id", "label"]),  # rows as tuples
    ],
)
def test_the_same_frame_as_pandas_from_the_dicts(records, columns):
    records = list(records)
    expected = pd.DataFrame(records, columns=columns, dtype=object)
    got = table(iter(records), columns)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.index.equals(expected.index) and type(got.index) is type(expected.index)
    assert got.columns.dtype == expected.columns.dtype
    assert list(got.dtypes) == [np.dtype(object)] * len(got.columns)
    for i in range(len(records)):
        for j in range(len(got.columns)):
            a, b = got.iat[i, j], expected.iat[i, j]
            assert type(a) is type(b) and (a == b or (a is b) or (a != a and b != b))


def test_a_page_of_the_records_keeps_lists_in_cells_and_types_its_keys():
    page = keyed(ROWS[:2], ["姓名", "时限状态"], 2, 1, 10)
    assert [(k.id, k.status) for k in page.keys] == [(1, "PENDING_ENT"), (2, "REPORTED")]
    assert list(page.rows.columns) == ["姓名", "时限状态"] and page.rows.iat[0, 1] == ["已超期"]
