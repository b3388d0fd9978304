"""penalty ban period: a 吊销/撤销/不予注册 decision bars registration for 1/3/5 years or for life

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('penalty', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ban_term', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('ban_until', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('penalty', schema=None) as batch_op:
        batch_op.drop_column('ban_until')
        batch_op.drop_column('ban_term')
