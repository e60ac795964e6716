"""restructure as of: restructures scheduled for a future day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scheduled_restructures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('merge', 'split', 'move', 'rename', name='restructurekind', native_enum=False,
                              length=16), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('scheduled', 'done', 'cancelled', 'failed', name='schedulestate', native_enum=False,
                               length=16), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', qms.models.base.UTCDateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_scheduled_restructures_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name=op.f('fk_scheduled_restructures_created_by_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['organization_events.id'],
                            name=op.f('fk_scheduled_restructures_event_id_organization_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_restructures'))
    )
    with op.batch_alter_table('scheduled_restructures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_restructures_effective_on'), ['effective_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheduled_restructures_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scheduled_restructures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_restructures_state'))
        batch_op.drop_index(batch_op.f('ix_scheduled_restructures_effective_on'))
    op.drop_table('scheduled_restructures')
