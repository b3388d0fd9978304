"""Masking of personal numbers in lists and exports (DESIGN.md rule 10)."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """Keep the first 4 and last 4 characters: 4201**********123X (same length)."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678 for an 11-digit mobile number; other lengths keep only the last 4."""
    if not value:
        return ""
    if len(value) == 11:
        return value[:3] + "****" + value[-4:]
    return "*" * max(len(value) - 4, 0) + value[-4:]
