"""electronic certificates: each certificate issued for a registration (on 准予 of 初始, 延续, 变更, 补办,
重新注册), the one it replaced voided with the reason

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'electronic_certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('cert_no', sa.String(length=32), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('issued_for', sa.String(length=32), nullable=False),
        sa.Column('void_at', sa.DateTime(), nullable=True),
        sa.Column('void_reason', sa.String(length=64), nullable=True),
        sa.Column('superseded_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_electronic_certificate_registration_id_registration')),
        sa.ForeignKeyConstraint(['superseded_by'], ['electronic_certificate.id'], name=op.f('fk_electronic_certificate_superseded_by_electronic_certificate')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_electronic_certificate')),
    )
    with op.batch_alter_table('electronic_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_electronic_certificate_registration_id'), ['registration_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('electronic_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_electronic_certificate_registration_id'))
    op.drop_table('electronic_certificate')
