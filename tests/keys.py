"""Reading a list the way a page does: its rows as shown and, row for row, its typed keys."""

from __future__ import annotations

import pandas as pd


def ids(result) -> list[int]:
    """The ids of a PageResult's or a Listing's rows, in order."""
    return [k.id for k in result.keys]


def statuses(result) -> set[str]:
    """The status codes of a list's rows."""
    return {k.status for k in result.keys}


def row_of(result, row_id: int) -> pd.Series:
    """The shown row whose key is `row_id` (KeyError when the list does not hold it)."""
    position = ids(result).index(row_id) if row_id in ids(result) else None
    if position is None:
        raise KeyError(row_id)
    return result.rows.iloc[position]
