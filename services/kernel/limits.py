"""Text length limits, read from the columns so a limit cannot drift from the schema.

PostgreSQL refuses a value longer than String(n) with an error page; SQLite stores it. Either way
the user gets a Chinese message naming the field instead."""

from __future__ import annotations

from typing import Any

from services.kernel import values
from services.kernel.errors import InvalidInput


def max_length(column: Any) -> int:
    """String(n)'s n, or the Text column's entry in values.TEXT_LIMITS."""
    col = column.property.columns[0] if hasattr(column, "property") else column
    length = getattr(col.type, "length", None)
    return length if length is not None else values.TEXT_LIMITS[f"{col.table.name}.{col.name}"]


def length_errors(fields: dict[str, tuple[str | None, Any]]) -> dict[str, str]:
    """`fields` maps a Chinese label to (value, column or a number); one message per field too long."""
    errors = {}
    for label, (value, limit) in fields.items():
        n = limit if isinstance(limit, int) else max_length(limit)
        if value is not None and len(value) > n:
            errors[label] = f"{label}不能超过 {n} 个字（现为 {len(value)} 个字）"
    return errors


def check_lengths(fields: dict[str, tuple[str | None, Any]]) -> None:
    errors = length_errors(fields)
    if errors:
        raise InvalidInput(errors)
