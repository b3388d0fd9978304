"""indexes for the ministry queue and dashboards

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 13:04:50.489443
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index('ix_application_applied', ['applied_at'], unique=False)
        batch_op.create_index('ix_application_status_decided', ['status', 'decided_at'], unique=False)
        batch_op.create_index('ix_application_status_reported', ['status', 'reported_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index('ix_application_status_reported')
        batch_op.drop_index('ix_application_status_decided')
        batch_op.drop_index('ix_application_applied')

