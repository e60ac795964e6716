"""notices: e-mail address, notice preference and language of users; the notices table

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column(
            'notice_preference',
            sa.Enum('each', 'daily', 'off', name='noticepreference', native_enum=False, length=20),
            server_default='each', nullable=False,
        ))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    op.create_index('uq_users_email_lower', 'users', [sa.text('lower(email)')], unique=True)
    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=64), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
        sa.Column('read_at', qms.models.base.UTCDateTime(), nullable=True),
        sa.Column('mail_state', sa.Enum('none', 'pending', 'sending', 'digest', 'sent', 'failed', name='mailstate',
                                        native_enum=False, length=20), nullable=False),
        sa.Column('mail_attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('mail_attempted_at', qms.models.base.UTCDateTime(), nullable=True),
        sa.Column('mail_error', sa.String(length=500), nullable=True),
        sa.Column('mailed_at', qms.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notices_recipient_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_notices_recipient_read', 'notices', ['recipient_id', 'read_at'], unique=False)
    op.create_index('ix_notices_mail_state', 'notices', ['mail_state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notices_mail_state', table_name='notices')
    op.drop_index('ix_notices_recipient_read', table_name='notices')
    op.drop_table('notices')
    op.drop_index('uq_users_email_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
        batch_op.drop_column('notice_preference')
        batch_op.drop_column('email')
