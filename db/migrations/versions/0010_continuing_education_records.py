"""continuing-education records: 必修/选修 hours per person, 3-year cycle and specialty (issue 15 import)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 10:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cpd_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('cycle', sa.String(length=9), nullable=False),
        sa.Column('specialty', sa.String(length=4), nullable=False),
        sa.Column('required_hours', sa.Integer(), nullable=False),
        sa.Column('elective_hours', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_cpd_record_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_record')),
        sa.UniqueConstraint('person_id', 'cycle', 'specialty', name='uq_cpd_record_person_cycle_specialty'),
    )


def downgrade() -> None:
    op.drop_table('cpd_record')
