"""Lists and pages of lists: rows as shown, typed keys to act on them, paging in SQL, sort orders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.kernel.scope import MAX_ROW_ID

PAGE_SIZES = (10, 20, 50, 100)
EXPORT_LIMIT = 50_000  # an export is a list, not a database dump


@dataclass(frozen=True)
class RowKey:
    """What a page needs to act on a listed row: its id and (for a request) its status code."""

    id: int
    status: str = ""


@dataclass(frozen=True)
class Sort:
    """An order a list offers: a sortable column (by its header) and the direction."""

    column: str
    descending: bool = False

    @property
    def label(self) -> str:
        return f"{self.column} {'↓' if self.descending else '↑'}"


def sort_order(sort: Sort | str, descending: bool) -> tuple[str, bool]:
    """(column, descending) from a Sort a page offered, or from a column and a direction."""
    return (sort.column, sort.descending) if isinstance(sort, Sort) else (sort, descending)


class _Keyed:
    """What a list and a page of a list share: `rows` as shown and, row for row, `keys`."""

    rows: pd.DataFrame
    keys: tuple[RowKey, ...]

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(k.id for k in self.keys)

    @property
    def empty(self) -> bool:
        return self.rows.empty

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Listing(_Keyed):
    """A whole (unpaged) list: `rows` as shown (visible columns only, in order) and, row for row,
    `keys` to act on them. A choice list's rows have one column, `label`."""

    rows: pd.DataFrame
    keys: tuple[RowKey, ...] = ()


@dataclass(frozen=True)
class PageResult(_Keyed):
    """One page of a list: `rows` as shown (visible columns only, in order) and, row for row,
    `keys` to act on them."""

    rows: pd.DataFrame
    total: int
    page: int
    page_size: int
    capped: bool = False  # the list holds more than `total` rows; it counted no further
    keys: tuple[RowKey, ...] = ()

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.page_size + 1

    @property
    def last(self) -> int:
        return min(self.page * self.page_size, self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def row_keys(
    records: Sequence[dict], *, id_column: str = "id", status_column: str | None = "status_code"
) -> tuple[RowKey, ...]:
    """Row for row, the typed keys of a list's records (dicts holding the key fields besides the shown ones)."""
    return tuple(
        RowKey(int(record[id_column]), str(record[status_column]) if status_column else "") for record in records
    )


def keyed(
    records: Sequence[dict],
    columns: Sequence[str],
    total: int,
    page: int,
    page_size: int,
    *,
    id_column: str = "id",
    status_column: str | None = "status_code",
    capped: bool = False,
) -> PageResult:
    """A PageResult: the records' `columns` as the rows shown and, row for row, their typed keys. One
    frame of the shown columns only: a frame with the key columns, then one without, cost a third of a
    list page's own time."""
    return PageResult(
        table(records, columns),
        total,
        page,
        page_size,
        capped=capped,
        keys=row_keys(records, id_column=id_column, status_column=status_column),
    )


def listed(
    records: Sequence[dict],
    columns: Sequence[str],
    *,
    id_column: str = "id",
    status_column: str | None = "status_code",
) -> Listing:
    """A Listing (a whole list, unpaged) from records; see `keyed`."""
    return Listing(table(records, columns), row_keys(records, id_column=id_column, status_column=status_column))


def table(records, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A list's rows (dicts) as a DataFrame of plain object columns. pandas would infer a string
    dtype column by column, which made building a 10-row page cost more than its three queries
    (0.3 ms of 1.8); st.dataframe and the exports read object columns the same.

    The frame pd.DataFrame(records, columns=columns, dtype=object) gives (a key missing from a row is
    NaN), built from one object array: pandas' own way through the dicts cost four times as much
    (~2,000 events of a list screen's run of ~50,000)."""
    records = list(records)
    if (columns is None and not records) or not all(isinstance(r, dict) for r in records):
        return pd.DataFrame(records, columns=columns, dtype=object)  # no columns at all, or rows as tuples
    names = list(columns) if columns is not None else list(dict.fromkeys(k for r in records for k in r))
    values = np.empty((len(records), len(names)), dtype=object)
    for i, record in enumerate(records):
        for j, name in enumerate(names):
            values[i, j] = record.get(name, np.nan)  # one cell at a time: a list in a cell stays one value
    return pd.DataFrame(values, columns=names, dtype=object)


def paged(session: Session, stmt: Select, *, page: int, page_size: int, order_by) -> tuple[list, int, int]:
    """Count and fetch one page in SQL; returns (rows, total, page clamped to the last page)."""
    page_size, total, page = _clamp(session, stmt, page, page_size)
    rows = session.execute(stmt.order_by(*order_by).limit(page_size).offset((page - 1) * page_size)).all()
    return list(rows), total, page


def paged_ids(
    session: Session, id_stmt: Select, *, page: int, page_size: int, order_by, count_limit: int | None = None
) -> tuple[list, int, int]:
    """Like `paged` for large lists: count and page over a statement that selects only ids
    (joining only what its filters and order need, so SQLite answers from an index), then the
    caller fetches the full rows of just this page. Returns (ids in order, total, page).

    The count rides along with the page's ids as an uncorrelated scalar subquery (computed once):
    one statement instead of two. Only a page past the end, which has no row to carry it, counts apart.
    With `count_limit`, counting stops after that many rows plus one: a total above the limit means
    "more than the limit" (see PageResult.capped), and only the pages up to the limit exist."""
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    page = _page_number(page)
    counted = id_stmt.order_by(None) if count_limit is None else id_stmt.order_by(None).limit(count_limit + 1)
    total = select(func.count()).select_from(counted.subquery()).scalar_subquery().label("total")
    if count_limit is not None:
        page = min(page, max(1, -(-count_limit // page_size)))

    def fetch(number: int) -> list:
        return list(
            session.execute(
                id_stmt.add_columns(total).order_by(*order_by).limit(page_size).offset((number - 1) * page_size)
            ).all()
        )

    rows = fetch(page)
    if rows:
        return [row[0] for row in rows], rows[0].total, page
    page_size, count, page = _clamp(session, counted, page, page_size)
    if count:  # the page asked for was past the end: the last one
        rows = fetch(page)
    return [row[0] for row in rows], count, page


def _page_number(page) -> int:
    # No list has more pages than rows: the cap keeps the OFFSET within the database's integers.
    try:
        return min(max(1, int(page)), MAX_ROW_ID)
    except (TypeError, ValueError, OverflowError):
        return 1


def _clamp(session: Session, stmt: Select, page, page_size: int) -> tuple[int, int, int]:
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    last_page = max(1, -(-total // page_size))
    try:
        page = min(max(1, int(page)), last_page)
    except (TypeError, ValueError, OverflowError):
        page = 1
    return page_size, total, page


def in_order(rows: Sequence, ids: Sequence, key) -> list:
    """Rows fetched with `WHERE id IN ids`, put back in the order of `ids`."""
    position = {row_id: i for i, row_id in enumerate(ids)}
    return sorted(rows, key=lambda row: position[key(row)])
