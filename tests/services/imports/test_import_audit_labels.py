"""Every model attribute an import writes is named in the change audit by the column it comes from."""

from __future__ import annotations

import pytest

from services.registry.imports import kinds


@pytest.mark.parametrize("kind", kinds.KINDS.values(), ids=list(kinds.KINDS))
def test_every_attribute_a_row_fills_has_its_column_as_label(kind: kinds.Kind) -> None:
    row = kinds.Row(2, {c.header: c.example for c in kind.columns})
    kind.check(row)
    assert row.errors == []
    assert set(row.fields) - set(kind.labels) == set()
    assert set(kind.labels.values()) <= set(kind.headers)


def test_a_column_filling_an_attribute_names_it_in_the_audit() -> None:
    assert kinds.ENTERPRISE.labels["contact_phone"] == "联系电话"
    assert kinds.REGISTRATION.labels["enterprise_id"] == "聘用单位统一社会信用代码"
    assert kinds.ENTERPRISE.labels["registry_name"] == "名称"  # two attributes from one column
