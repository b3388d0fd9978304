"""shared state for a cluster: attachments and the login throttle's counts in the database

Creates login_counter (the throttle's counts of names, addresses and device browsers, until now kept
in each process) and attachment_blob and, where the database store is in use (ATTACHMENT_STORE, default
`database` on PostgreSQL and `files` on SQLite; services/files/storage.py), copies the files of
DATA_DIR/attachments that an attachment row names into it. The files are left in place (remove
them once `make check-files` is clean); downgrade writes missing files back from the table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 10:00:00
"""
import os

from alembic import op
import sqlalchemy as sa

from db.engine import data_dir


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_blob = sa.table('attachment_blob', sa.column('stored_name', sa.String), sa.column('data', sa.LargeBinary))
_attachment = sa.table('attachment', sa.column('stored_name', sa.String))


def _uses_database() -> bool:
    # The same rule as services.storage.backend_for, repeated so that this migration never changes.
    setting = os.environ.get('ATTACHMENT_STORE', '').strip()
    return (setting or ('database' if op.get_bind().dialect.name == 'postgresql' else 'files')) == 'database'


def upgrade() -> None:
    op.create_table(
        'login_counter',
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('last_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'key', name=op.f('pk_login_counter')),
    )
    op.create_index(op.f('ix_login_counter_last_at'), 'login_counter', ['last_at'], unique=False)
    op.create_table(
        'attachment_blob',
        sa.Column('stored_name', sa.String(length=48), nullable=False, comment='= attachment.stored_name'),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('stored_name', name=op.f('pk_attachment_blob')),
    )
    if not _uses_database():
        return
    conn = op.get_bind()
    folder = data_dir() / 'attachments'
    for name in conn.scalars(sa.select(_attachment.c.stored_name)).all():
        path = folder / name
        if path.is_file():  # one file at a time: the folder may be larger than memory
            conn.execute(_blob.insert().values(stored_name=name, data=path.read_bytes()))


def downgrade() -> None:
    if _uses_database():
        conn = op.get_bind()
        folder = data_dir() / 'attachments'
        folder.mkdir(mode=0o700, exist_ok=True)
        for name in conn.scalars(sa.select(_blob.c.stored_name)).all():
            path = folder / name
            data = None if path.exists() else conn.scalar(sa.select(_blob.c.data).where(_blob.c.stored_name == name))
            if data is not None:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, 'wb') as f:
                    f.write(data)
    op.drop_table('attachment_blob')
    op.drop_index(op.f('ix_login_counter_last_at'), table_name='login_counter')
    op.drop_table('login_counter')
