"""indexes for 审计日志 filtered by 操作 and by 操作人

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 17:30:00
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_log_action_at', 'audit_log', ['action', 'at'], unique=False)
    op.create_index('ix_audit_log_user_at', 'audit_log', ['actor_user_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_log_user_at', table_name='audit_log')
    op.drop_index('ix_audit_log_action_at', table_name='audit_log')
