"""dashboard aggregates kept by triggers, the working-day calendar, two indexes for the dashboards

The ministry dashboards (services/dashboards.py) read monthly counts instead of scanning a million
applications. The counts are kept exactly right by triggers on every write to application,
registration and enterprise (province), whoever writes: services, demo loader, bulk generator,
plain SQL. Each trigger runs ONE statement per aggregate table: it adds the new row's
contribution (+1) and the old row's (-1), summed per key, in key order, with an upsert. So an
update that changes nothing relevant writes nothing, a statement never touches the same key twice
(PostgreSQL refuses that), and concurrent writers lock aggregate rows in the same order.

Processing times are in working days on the Chinese holiday calendar with its 调休 workdays, which
comes from the `holidays` package (services/deadlines.py). This migration stores that calendar in
stat_working_day (cumulative working days per day) with a fingerprint in stat_meta; the triggers
look durations up there. services.dashboards uses stat_decision only while the fingerprint
matches its own calendar, and computes processing times directly otherwise.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 15:00:00
"""
import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CALENDAR_FIRST = dt.date(2000, 1, 1)
CALENDAR_LAST = dt.date(2050, 12, 31)
EPOCH = dt.date(1970, 1, 1)
DECIDED = ("APPROVED", "DENIED")
REG_ACTIVE = "ACTIVE"
APP_COLUMNS = ("enterprise_id", "applied_at", "business_type", "status", "specialty1", "specialty2",
               "reported_at", "accepted_at", "decided_at")
REG_COLUMNS = ("enterprise_id", "status", "valid_to", "specialty1", "specialty2")
# one row per counted specialty slot: 0 = '*' (every application once), 1 = specialty1, 2 = specialty2
SLOTS = "(SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2)"
STAGES = "(SELECT 1 AS stage UNION ALL SELECT 2)"


# ---------------------------------------------------------------- SQL, per dialect


def _month(col: str, sqlite: bool) -> str:
    if sqlite:
        return f"CAST(strftime('%Y%m', {col}) AS INTEGER)"
    return f"CAST(EXTRACT(year FROM {col}) * 100 + EXTRACT(month FROM {col}) AS INTEGER)"


def _day(col: str, sqlite: bool) -> str:
    if sqlite:
        return f"CAST(julianday(date({col})) - 2440587.5 AS INTEGER)"
    return f"(CAST({col} AS DATE) - DATE '1970-01-01')"


def _working_days(start: str, end: str, sqlite: bool) -> str:
    """services.dashboards._working_days: cum(end) - cum(start), 0 when end <= start, -1 off calendar."""
    s, e = _day(start, sqlite), _day(end, sqlite)
    return (f"CASE WHEN {e} <= {s} THEN 0 ELSE COALESCE((SELECT w2.cum FROM stat_working_day w2 WHERE w2.day = {e})"
            f" - (SELECT w1.cum FROM stat_working_day w1 WHERE w1.day = {s}), -1) END")


def _upsert(table: str, keys: tuple[str, ...], inner: str) -> str:
    cols = ", ".join(keys)
    return (f"INSERT INTO {table} ({cols}, n) SELECT {cols}, SUM(sgn) FROM ({inner}) AS c "
            f"GROUP BY {cols} HAVING SUM(sgn) <> 0 ORDER BY {cols} "
            f"ON CONFLICT ({cols}) DO UPDATE SET n = {table}.n + excluded.n")


def application_statements(src: str, sqlite: bool) -> list[str]:
    """Add the contributions of the rows of `src` (columns: province, APP_COLUMNS but enterprise_id,
    sgn) to stat_application_month and stat_decision."""
    specialty = "CASE sl.k WHEN 0 THEN '*' WHEN 1 THEN a.specialty1 ELSE a.specialty2 END"
    slot_ok = "(sl.k < 2 OR (a.specialty2 IS NOT NULL AND a.specialty2 <> a.specialty1))"
    months = (f"SELECT {specialty} AS specialty, {_month('a.applied_at', sqlite)} AS month, a.province AS province, "
              f"a.business_type AS business_type, a.status AS status, a.sgn AS sgn "
              f"FROM ({src}) AS a CROSS JOIN {SLOTS} AS sl WHERE {slot_ok}")
    days = (f"CASE st.stage WHEN 1 THEN {_working_days('a.reported_at', 'a.accepted_at', sqlite)} "
            f"ELSE {_working_days('a.accepted_at', 'a.decided_at', sqlite)} END")
    decided = ", ".join(f"'{s}'" for s in DECIDED)
    decisions = (f"SELECT {specialty} AS specialty, {_month('a.decided_at', sqlite)} AS month, a.province AS province, "
                 f"a.business_type AS business_type, st.stage AS stage, {days} AS days, a.sgn AS sgn "
                 f"FROM ({src}) AS a CROSS JOIN {SLOTS} AS sl CROSS JOIN {STAGES} AS st "
                 f"WHERE a.status IN ({decided}) AND a.decided_at IS NOT NULL AND {slot_ok} AND a.accepted_at IS NOT NULL "
                 f"AND (st.stage = 2 OR a.reported_at IS NOT NULL)")
    return [_upsert("stat_application_month", ("specialty", "month", "province", "business_type", "status"), months),
            _upsert("stat_decision", ("specialty", "month", "province", "business_type", "stage", "days"), decisions)]


def registration_statements(src: str, sqlite: bool) -> list[str]:
    inner = (f"SELECT {_month('r.valid_to', sqlite)} AS month, r.province AS province, r.specialty1 AS specialty1, "
             f"COALESCE(r.specialty2, '') AS specialty2, r.sgn AS sgn FROM ({src}) AS r WHERE r.status = '{REG_ACTIVE}'")
    return [_upsert("stat_registration_month", ("month", "province", "specialty1", "specialty2"), inner)]


def _row(ref: str, columns, sgn: int) -> str:
    """The contribution source of a trigger's NEW or OLD row."""
    province = f"COALESCE((SELECT e.province FROM enterprise e WHERE e.id = {ref}.enterprise_id), '')"
    cols = ", ".join(f"{ref}.{c} AS {c}" for c in columns if c != "enterprise_id")
    return f"SELECT {province} AS province, {cols}, {sgn} AS sgn"


def _rows(refs: tuple[str, ...], columns) -> str:
    return " UNION ALL ".join(_row(ref, columns, 1 if ref == "NEW" else -1) for ref in refs)


def _table_rows(table: str, columns, province: str, sgn: int, where: str) -> str:
    cols = ", ".join(f"t.{c} AS {c}" for c in columns if c != "enterprise_id")
    return f"SELECT {province} AS province, {cols}, {sgn} AS sgn FROM {table} t {where}"


def _moved(table: str, columns) -> str:
    """An enterprise's rows, counted in its new province and taken out of the old one."""
    where = "WHERE t.enterprise_id = NEW.id"
    return (_table_rows(table, columns, "NEW.province", 1, where) + " UNION ALL "
            + _table_rows(table, columns, "OLD.province", -1, where))


def backfill_statements(sqlite: bool) -> list[str]:
    """Every aggregate from the rows already there (the same statements as the triggers)."""
    join = "LEFT JOIN enterprise e ON e.id = t.enterprise_id"
    return (application_statements(_table_rows("application", APP_COLUMNS, "COALESCE(e.province, '')", 1, join), sqlite)
            + registration_statements(_table_rows("registration", REG_COLUMNS, "COALESCE(e.province, '')", 1, join),
                                      sqlite))


def calendar_rows() -> tuple[list[dict], str]:
    """stat_working_day rows and the fingerprint that services.dashboards compares with its own."""
    import holidays

    cal = holidays.China(years=range(CALENDAR_FIRST.year, CALENDAR_LAST.year + 1))
    rows, cum, day = [], 0, CALENDAR_FIRST
    while day <= CALENDAR_LAST:
        cum += cal.is_working_day(day)
        rows.append({"day": (day - EPOCH).days, "cum": cum})
        day += dt.timedelta(days=1)
    digest = hashlib.sha256(",".join(str(r["cum"]) for r in rows).encode()).hexdigest()
    return rows, f"{CALENDAR_FIRST.isoformat()}:{CALENDAR_LAST.isoformat()}:{digest}"


UPDATE_OF = ", ".join(APP_COLUMNS)
REG_UPDATE_OF = ", ".join(REG_COLUMNS)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table('stat_application_month',
    sa.Column('specialty', sa.String(length=4), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=16), nullable=False),
    sa.Column('business_type', sa.String(length=4), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('specialty', 'month', 'province', 'business_type', 'status',
                            name=op.f('pk_stat_application_month'))
    )
    op.create_table('stat_decision',
    sa.Column('specialty', sa.String(length=4), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=16), nullable=False),
    sa.Column('business_type', sa.String(length=4), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('specialty', 'month', 'province', 'business_type', 'stage', 'days',
                            name=op.f('pk_stat_decision'))
    )
    op.create_table('stat_registration_month',
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=16), nullable=False),
    sa.Column('specialty1', sa.String(length=4), nullable=False),
    sa.Column('specialty2', sa.String(length=4), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'province', 'specialty1', 'specialty2', name=op.f('pk_stat_registration_month'))
    )
    working_day = op.create_table('stat_working_day',
    sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('cum', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_stat_working_day'))
    )
    meta = op.create_table('stat_meta',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stat_meta'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_status_valid_to', ['status', 'valid_to'], unique=False)
    with op.batch_alter_table('penalty', schema=None) as batch_op:
        batch_op.create_index('ix_penalty_date_category',
                              ['decision_date', 'category', 'enterprise_id', 'person_id', 'party_name'], unique=False)

    rows, fingerprint = calendar_rows()
    op.bulk_insert(working_day, rows)
    op.bulk_insert(meta, [{"key": "working_day_calendar", "value": fingerprint}])
    for statement in backfill_statements(sqlite):
        op.execute(statement)

    app_new, app_old = _rows(("NEW",), APP_COLUMNS), _rows(("OLD",), APP_COLUMNS)
    app_both = _rows(("NEW", "OLD"), APP_COLUMNS)
    reg_new, reg_old = _rows(("NEW",), REG_COLUMNS), _rows(("OLD",), REG_COLUMNS)
    reg_both = _rows(("NEW", "OLD"), REG_COLUMNS)
    moved = (application_statements(_moved("application", APP_COLUMNS), sqlite)
             + registration_statements(_moved("registration", REG_COLUMNS), sqlite))
    if sqlite:
        def trigger(name, event, statements, when=""):
            body = "; ".join(statements)
            op.execute(f"CREATE TRIGGER {name} AFTER {event} {when} BEGIN {body}; END")

        trigger("stat_application_insert", "INSERT ON application", application_statements(app_new, True))
        trigger("stat_application_update", f"UPDATE OF {UPDATE_OF} ON application",
                application_statements(app_both, True))
        trigger("stat_application_delete", "DELETE ON application", application_statements(app_old, True))
        trigger("stat_registration_insert", "INSERT ON registration", registration_statements(reg_new, True))
        trigger("stat_registration_update", f"UPDATE OF {REG_UPDATE_OF} ON registration",
                registration_statements(reg_both, True))
        trigger("stat_registration_delete", "DELETE ON registration", registration_statements(reg_old, True))
        trigger("stat_enterprise_province", "UPDATE OF province ON enterprise", moved,
                when="FOR EACH ROW WHEN OLD.province IS NOT NEW.province")
    else:
        def function(name, branches):
            body = " ".join(f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{op_}' THEN {'; '.join(stmts)};"
                            for i, (op_, stmts) in enumerate(branches))
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                       f"$$ BEGIN {body} END IF; RETURN NULL; END $$")

        function("stat_application_apply", [("INSERT", application_statements(app_new, False)),
                                            ("UPDATE", application_statements(app_both, False)),
                                            ("DELETE", application_statements(app_old, False))])
        op.execute(f"CREATE TRIGGER stat_application_apply AFTER INSERT OR DELETE OR UPDATE OF {UPDATE_OF} "
                   "ON application FOR EACH ROW EXECUTE FUNCTION stat_application_apply()")
        function("stat_registration_apply", [("INSERT", registration_statements(reg_new, False)),
                                             ("UPDATE", registration_statements(reg_both, False)),
                                             ("DELETE", registration_statements(reg_old, False))])
        op.execute(f"CREATE TRIGGER stat_registration_apply AFTER INSERT OR DELETE OR UPDATE OF {REG_UPDATE_OF} "
                   "ON registration FOR EACH ROW EXECUTE FUNCTION stat_registration_apply()")
        function("stat_enterprise_province", [("UPDATE", moved)])
        op.execute("CREATE TRIGGER stat_enterprise_province AFTER UPDATE OF province ON enterprise FOR EACH ROW "
                   "WHEN (OLD.province IS DISTINCT FROM NEW.province) EXECUTE FUNCTION stat_enterprise_province()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("stat_application_insert", "stat_application_update", "stat_application_delete",
                     "stat_registration_insert", "stat_registration_update", "stat_registration_delete",
                     "stat_enterprise_province"):
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER stat_application_apply ON application")
        op.execute("DROP TRIGGER stat_registration_apply ON registration")
        op.execute("DROP TRIGGER stat_enterprise_province ON enterprise")
        for name in ("stat_application_apply", "stat_registration_apply", "stat_enterprise_province"):
            op.execute(f"DROP FUNCTION {name}()")
    with op.batch_alter_table('penalty', schema=None) as batch_op:
        batch_op.drop_index('ix_penalty_date_category')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_status_valid_to')
    for table in ("stat_meta", "stat_working_day", "stat_registration_month", "stat_decision",
                  "stat_application_month"):
        op.drop_table(table)
