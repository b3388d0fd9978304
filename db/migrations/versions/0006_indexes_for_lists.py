"""indexes for the home page's staff counts and the 强制注销审核 list; the applicant's name on applications

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 15:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('application', sa.Column('person_name', sa.String(length=32), server_default='', nullable=False))
    # Only person_name is set: the dashboard triggers (0005) do not fire for it.
    op.execute("UPDATE application SET person_name = (SELECT name FROM person WHERE person.id = application.person_id)")
    op.create_index('ix_application_ent_person_name', 'application', ['enterprise_id', 'person_name'], unique=False)
    with op.batch_alter_table('registration', schema=None) as batch_op:
        # the same index, with the specialties: staff by specialty comes from the index alone
        batch_op.create_index('ix_registration_ent_status_valid_to_spec',
                              ['enterprise_id', 'status', 'valid_to', 'specialty1', 'specialty2'], unique=False)
        batch_op.drop_index('ix_registration_ent_status_valid_to')
    with op.batch_alter_table('forced_deregistration', schema=None) as batch_op:
        batch_op.create_index('ix_forced_deregistration_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_application_ent_person_name', table_name='application')
    # Not in batch mode: that would rebuild the table on SQLite, and the dashboard triggers (0005)
    # stop a rebuild; SQLite drops a column in place since 3.35.
    op.drop_column('application', 'person_name')
    with op.batch_alter_table('forced_deregistration', schema=None) as batch_op:
        batch_op.drop_index('ix_forced_deregistration_created_at')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_ent_status_valid_to', ['enterprise_id', 'status', 'valid_to'],
                              unique=False)
        batch_op.drop_index('ix_registration_ent_status_valid_to_spec')
