"""db.engine.session_factory is remembered per setting (DATABASE_URL, DATA_DIR, working directory):
a changed setting gets its own database at once, as when the URL was built on every call."""

from __future__ import annotations

from db.engine import reset_engines, session_factory


def test_each_setting_gets_its_own_database_and_a_setting_again_the_same_factory(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first, second = tmp_path / "a", tmp_path / "b"
    try:
        monkeypatch.setenv("DATA_DIR", str(first))
        made = session_factory()
        assert str(made.kw["bind"].url) == f"sqlite:///{first.resolve() / 'app.db'}"
        assert first.is_dir()  # made on first use, as before
        monkeypatch.setenv("DATA_DIR", str(second))
        assert str(session_factory().kw["bind"].url) == f"sqlite:///{second.resolve() / 'app.db'}"
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
        assert str(session_factory().kw["bind"].url) == f"sqlite:///{tmp_path / 'other.db'}"
        monkeypatch.delenv("DATABASE_URL")
        monkeypatch.setenv("DATA_DIR", str(first))
        assert session_factory() is made
    finally:
        reset_engines()
