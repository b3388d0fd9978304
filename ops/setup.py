"""Set up a database: migrate to the latest schema, load reference and demo data, keep the cookie key.

python -m ops.setup            # migrate; load demo data when the database is empty
python -m ops.setup --no-demo  # migrate and load reference data only
"""

from __future__ import annotations

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select

from db.engine import database_url
from db.models import Enterprise
from services.auth.cookie import cookie_key

ROOT = Path(__file__).resolve().parent.parent


def migrate() -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    command.upgrade(cfg, "head")


def analyze() -> None:
    """Refresh the query planner's statistics (PostgreSQL's autovacuum does this by itself, SQLite
    never). Without them SQLite drove the ministry queue's name search from a million applications
    instead of from the few people of that name: 5.6 s against 40 ms (bench/results)."""
    from db.engine import engine_for

    engine = engine_for(database_url())
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled: milliseconds on the national data
        conn.exec_driver_sql("ANALYZE")


def init_database(*, demo: bool = True) -> bool:
    """Migrate, sync the specialty list, and load the demo data into an empty database.

    Returns True when demo data was loaded.
    """
    from ops.demo import load_demo_data, sync_specialties
    from services import transaction

    migrate()
    with transaction() as s:
        sync_specialties(s)
        empty = s.execute(select(func.count(Enterprise.id))).scalar_one() == 0
        loaded = demo and empty
        if loaded:
            load_demo_data(s)
    analyze()
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-demo", action="store_true", help="do not load demo data")
    args = parser.parse_args()
    loaded = init_database(demo=not args.no_demo)
    cookie_key()
    print(f"数据库已就绪：{database_url()}" + ("（已加载演示数据）" if loaded else ""))


if __name__ == "__main__":
    main()
