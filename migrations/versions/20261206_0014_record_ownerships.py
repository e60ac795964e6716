"""record ownerships: records of the quality system carried by a restructure keep where they belonged

Existing records get no rows: a record without rows has always belonged to its organisation (as documents read
theirs), so an audit held in March and entered in December still counts for March.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('record_ownerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['organization_events.id'],
                            name=op.f('fk_record_ownerships_event_id_organization_events')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_record_ownerships_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_ownerships'))
    )
    with op.batch_alter_table('record_ownerships', schema=None) as batch_op:
        batch_op.create_index('ix_record_ownerships_record', ['record_kind', 'record_id'], unique=False)
        batch_op.create_index('ix_record_ownerships_organization_id_valid_from', ['organization_id', 'valid_from'],
                              unique=False)
    # A merged organisation holds the confirmations of each predecessor for the same year: one a year is now the
    # rule of an organisation's own confirmations (qms.records.confirmations).
    with op.batch_alter_table('effectiveness_confirmations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_effectiveness_confirmations_year', type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('effectiveness_confirmations', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_effectiveness_confirmations_year', ['organization_id', 'year'])
    with op.batch_alter_table('record_ownerships', schema=None) as batch_op:
        batch_op.drop_index('ix_record_ownerships_organization_id_valid_from')
        batch_op.drop_index('ix_record_ownerships_record')
    op.drop_table('record_ownerships')
