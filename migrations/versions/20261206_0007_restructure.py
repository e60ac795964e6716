"""restructure: organisation status and lineage, document ownership intervals, catalogue transfers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('active', 'merged', 'split', name='organizationstatus',
                                                        native_enum=False, length=16),
                                      server_default='active', nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('formed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_organizations_merged_into_id_organizations'), 'organizations',
                                    ['merged_into_id'], ['id'])

    op.create_table('organization_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('merge', 'split', 'move', 'rename', name='restructurekind', native_enum=False,
                              length=16), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_organization_events_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_events'))
    )
    with op.batch_alter_table('organization_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_events_effective_on'), ['effective_on'], unique=False)

    op.create_table('organization_event_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['organization_events.id'],
                            name=op.f('fk_organization_event_members_event_id_organization_events')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_organization_event_members_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_event_members'))
    )
    with op.batch_alter_table('organization_event_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_event_members_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_event_members_organization_id'), ['organization_id'],
                              unique=False)

    op.create_table('document_ownerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                            name=op.f('fk_document_ownerships_document_id_documents')),
    sa.ForeignKeyConstraint(['event_id'], ['organization_events.id'],
                            name=op.f('fk_document_ownerships_event_id_organization_events')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_document_ownerships_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_ownerships'))
    )
    with op.batch_alter_table('document_ownerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_ownerships_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_document_ownerships_organization_id_valid_from', ['organization_id', 'valid_from'],
                              unique=False)

    op.create_table('procedure_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('from_organization_id', sa.Integer(), nullable=False),
    sa.Column('to_organization_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['organization_events.id'],
                            name=op.f('fk_procedure_transfers_event_id_organization_events')),
    sa.ForeignKeyConstraint(['from_organization_id'], ['organizations.id'],
                            name=op.f('fk_procedure_transfers_from_organization_id_organizations')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                            name=op.f('fk_procedure_transfers_procedure_id_procedures')),
    sa.ForeignKeyConstraint(['to_organization_id'], ['organizations.id'],
                            name=op.f('fk_procedure_transfers_to_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_transfers'))
    )
    with op.batch_alter_table('procedure_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedure_transfers_from_organization_id'), ['from_organization_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_procedure_transfers_procedure_id'), ['procedure_id'], unique=False)


def downgrade() -> None:
    op.drop_table('procedure_transfers')
    op.drop_table('document_ownerships')
    op.drop_table('organization_event_members')
    op.drop_table('organization_events')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organizations_merged_into_id_organizations'), type_='foreignkey')
        batch_op.drop_column('ended_on')
        batch_op.drop_column('formed_on')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('status')
