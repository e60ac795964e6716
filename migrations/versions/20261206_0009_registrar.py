"""the registrar role and proposed changes of the legal register

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:50:00

Roles are stored as strings (no CHECK constraint), so the new role ``registrar`` needs no change of user_roles.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'legal_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('create', 'update', name='proposalkind', native_enum=False, length=20),
                  nullable=False),
        sa.Column('number', sa.String(length=100), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('state', sa.Enum('pending', 'accepted', 'declined', name='proposalstate', native_enum=False,
                                   length=20), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=False),
        sa.Column('proposed_at', qms.models.base.UTCDateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', qms.models.base.UTCDateTime(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_legal_proposals_decided_by_id_users')),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'],
                                name=op.f('fk_legal_proposals_proposed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_proposals')),
    )
    with op.batch_alter_table('legal_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_proposals_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_proposals_proposed_by_id'), ['proposed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_proposals_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('legal_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_proposals_state'))
        batch_op.drop_index(batch_op.f('ix_legal_proposals_proposed_by_id'))
        batch_op.drop_index(batch_op.f('ix_legal_proposals_number'))
    op.drop_table('legal_proposals')
    op.execute(sa.text("DELETE FROM user_roles WHERE role = 'registrar'"))
