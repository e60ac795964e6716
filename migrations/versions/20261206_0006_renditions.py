"""renditions: processing state of each upload, and the .docx or searchable PDF read in its place

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 06:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('revision_processing',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('file_type', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=120), nullable=True),
    sa.Column('claimed_at', qms.models.base.UTCDateTime(), nullable=True),
    sa.Column('text_source', sa.String(length=16), nullable=True),
    sa.Column('ocr_confidence', sa.Float(), nullable=True),
    sa.Column('updated_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'],
                            name=op.f('fk_revision_processing_revision_id_revisions')),
    sa.PrimaryKeyConstraint('revision_id', name=op.f('pk_revision_processing'))
    )
    op.create_index(op.f('ix_revision_processing_state'), 'revision_processing', ['state'], unique=False)
    op.create_table('renditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('producer', sa.String(length=120), nullable=False),
    sa.Column('producer_version', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_renditions_revision_id_revisions')),
    sa.ForeignKeyConstraint(['sha256'], ['stored_files.sha256'], name=op.f('fk_renditions_sha256_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_renditions')),
    sa.UniqueConstraint('revision_id', name=op.f('uq_renditions_revision_id'))
    )


def downgrade() -> None:
    op.drop_table('renditions')
    op.drop_index(op.f('ix_revision_processing_state'), table_name='revision_processing')
    op.drop_table('revision_processing')
