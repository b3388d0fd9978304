"""account duties and lifecycle: duties inside a role (受理审查 / 审批 / 统计分析 / 系统管理,
企业管理员), one-time passwords, last login, sign-ups pending activation

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('duties', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('pending_activation', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
    # Accounts made before duties existed keep what they could do: every ministry user all four
    # duties, every enterprise user the administration of its enterprise's accounts.
    op.execute("UPDATE app_user SET duties = 'review,decide,analyse,admin' WHERE role = 'ministry'")
    op.execute("UPDATE app_user SET duties = 'enterprise_admin' WHERE role = 'enterprise'")


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('created_at')
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('pending_activation')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('duties')
