"""search text and index log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 15:30:24.809994
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('index_log_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_log_head'))
    )
    op.create_table('index_operations',
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_index_operations_revision_id_revisions')),
    sa.PrimaryKeyConstraint('position', name=op.f('pk_index_operations'))
    )
    with op.batch_alter_table('index_operations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_operations_revision_id'), ['revision_id'], unique=False)

    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('has_text', sa.Boolean(), nullable=False, server_default=sa.false()))

    op.execute("INSERT INTO index_log_head (id, position) VALUES (1, 0)")
    # Existing revisions are indexed by `flask qms reindex`, which rebuilds from the database.


def downgrade() -> None:
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('has_text')
        batch_op.drop_column('text')

    with op.batch_alter_table('index_operations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_operations_revision_id'))

    op.drop_table('index_operations')
    op.drop_table('index_log_head')
