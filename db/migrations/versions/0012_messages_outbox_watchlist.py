"""消息中心 and e-mail: messages, the outbox, per-kind preferences, addresses, the enterprise watchlist

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('dedup_key', sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_message_user_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
        sa.UniqueConstraint('dedup_key', name=op.f('uq_message_dedup_key')),
    )
    op.create_index('ix_message_user_created', 'message', ['user_id', 'created_at'])
    op.create_index('ix_message_user_read', 'message', ['user_id', 'read_at'])
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('email_to', sa.String(length=100), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_outbox_message_id_message')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    )
    op.create_index(op.f('ix_outbox_message_id'), 'outbox', ['message_id'])
    op.create_index('ix_outbox_status_next', 'outbox', ['status', 'next_attempt_at'])
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_preference_user_id_app_user')),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preference')),
    )
    op.create_table(
        'notification_address',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_address_user_id_app_user')),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_address')),
    )
    op.create_table(
        'watch',
        sa.Column('enterprise_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.id'], name=op.f('fk_watch_enterprise_id_enterprise')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_watch_person_id_person')),
        sa.PrimaryKeyConstraint('enterprise_id', 'person_id', name=op.f('pk_watch')),
    )


def downgrade() -> None:
    op.drop_table('watch')
    op.drop_table('notification_address')
    op.drop_table('notification_preference')
    op.drop_index('ix_outbox_status_next', table_name='outbox')
    op.drop_index(op.f('ix_outbox_message_id'), table_name='outbox')
    op.drop_table('outbox')
    op.drop_index('ix_message_user_read', table_name='message')
    op.drop_index('ix_message_user_created', table_name='message')
    op.drop_table('message')
