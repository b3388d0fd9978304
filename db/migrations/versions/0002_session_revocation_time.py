"""session revocation time: a logout or password change ends every session issued before it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:38:26.544425
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sessions_revoked_at', sa.DateTime(), nullable=True))
        batch_op.drop_column('session_version')



def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.INTEGER(), nullable=False, server_default='1'))
        batch_op.drop_column('sessions_revoked_at')

