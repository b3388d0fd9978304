"""indexes for the home page's staff counts and the 强制注销审核 list

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 15:20:00
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        # the same index, with the specialties: staff by specialty comes from the index alone
        batch_op.create_index('ix_registration_ent_status_valid_to_spec',
                              ['enterprise_id', 'status', 'valid_to', 'specialty1', 'specialty2'], unique=False)
        batch_op.drop_index('ix_registration_ent_status_valid_to')
    with op.batch_alter_table('forced_deregistration', schema=None) as batch_op:
        batch_op.create_index('ix_forced_deregistration_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('forced_deregistration', schema=None) as batch_op:
        batch_op.drop_index('ix_forced_deregistration_created_at')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_ent_status_valid_to', ['enterprise_id', 'status', 'valid_to'],
                              unique=False)
        batch_op.drop_index('ix_registration_ent_status_valid_to_spec')
