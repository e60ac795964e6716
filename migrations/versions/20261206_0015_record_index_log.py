"""record_index_log: the index log names records of the quality system as well as revisions; the text workers read
from records' files that need a converter

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _table(*, record: bool) -> sa.Table:
    """The table as it stands, so that SQLite's copy needs no reflection (which warns on users' expression index)."""
    return sa.Table(
        'index_operations', sa.MetaData(),
        sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=record),
        *([sa.Column('record', sa.String(length=40), nullable=True)] if record else []),
        sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name='fk_index_operations_revision_id_revisions'),
        sa.PrimaryKeyConstraint('position', name='pk_index_operations'),
        sa.Index('ix_index_operations_revision_id', 'revision_id'),
    )


def upgrade() -> None:
    with op.batch_alter_table('index_operations', schema=None, copy_from=_table(record=False)) as batch_op:
        batch_op.alter_column('revision_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('record', sa.String(length=40), nullable=True))
    # Records already kept are indexed by `flask qms reindex`: the schema version changed, so the index rebuilds.
    op.create_table('file_readings',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_type', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_source', sa.String(length=16), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('updated_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['stored_files.sha256'], name=op.f('fk_file_readings_sha256_stored_files')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_file_readings'))
    )
    op.create_index(op.f('ix_file_readings_state'), 'file_readings', ['state'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_file_readings_state'), table_name='file_readings')
    op.drop_table('file_readings')
    op.execute("DELETE FROM index_operations WHERE revision_id IS NULL")
    with op.batch_alter_table('index_operations', schema=None, copy_from=_table(record=True)) as batch_op:
        batch_op.drop_column('record')
        batch_op.alter_column('revision_id', existing_type=sa.Integer(), nullable=False)
