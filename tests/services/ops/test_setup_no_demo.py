"""`python -m ops.setup --no-demo` (README "Adopting it", step 1): the schema and the specialty list,
no enterprise, person or account, so that the registry comes from the import alone."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Enterprise, Person, Specialty, User
from services.kernel import values
from tests.conftest import _with_env


def _count(model) -> int:
    from services import transaction

    with transaction() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_no_demo_leaves_an_empty_registry_with_the_reference_lists(tmp_path):
    from ops.setup import init_database

    def run():
        loaded = init_database(demo=False)
        return loaded, [_count(m) for m in (Enterprise, Person, User, Specialty)]

    loaded, counts = _with_env({"DATA_DIR": str(tmp_path), "DATABASE_URL": None}, run)
    assert not loaded
    assert counts == [0, 0, 0, len(values.SPECIALTIES)]

    # run again with demo allowed: the database is empty, so setup loads the demo data then
    loaded, counts = _with_env({"DATA_DIR": str(tmp_path), "DATABASE_URL": None}, lambda: (init_database(), run()[1]))
    assert loaded and counts[0] > 0
