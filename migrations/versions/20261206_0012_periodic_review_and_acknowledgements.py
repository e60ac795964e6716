"""periodic review of documents and read-and-acknowledge

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:00:00

Documents keep their interval in ``review_interval_months`` (12 for all until now); policies and manuals get the
24 months their kind takes by default.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = sa.Enum('policy', 'objectives', 'manual', 'system_procedure', 'process', 'internal_process', 'job_description',
               'form', 'external', 'record', name='documentkind', native_enum=False, length=24)


def upgrade() -> None:
    op.create_table(
        'review_intervals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('kind', KIND, nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_review_intervals_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_intervals')),
        sa.UniqueConstraint('organization_id', 'kind', name='uq_review_intervals_organization_kind'),
    )
    with op.batch_alter_table('review_intervals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_intervals_organization_id'), ['organization_id'], unique=False)
    op.create_table(
        'periodic_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.Enum('no_change', 'revise', name='reviewoutcome', native_enum=False, length=16),
                  nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reviewed_on', sa.Date(), nullable=False),
        sa.Column('recorded_at', qms.models.base.UTCDateTime(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_by_name', sa.String(length=200), nullable=False),
        sa.Column('reviewed_by_title', sa.String(length=200), nullable=False),
        sa.Column('closed_at', qms.models.base.UTCDateTime(), nullable=True),
        sa.Column('closed_by_revision_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['closed_by_revision_id'], ['revisions.id'],
                                name=op.f('fk_periodic_reviews_closed_by_revision_id_revisions')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_periodic_reviews_document_id_documents')),
        sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'],
                                name=op.f('fk_periodic_reviews_revision_id_revisions')),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'],
                                name=op.f('fk_periodic_reviews_reviewed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_periodic_reviews')),
    )
    with op.batch_alter_table('periodic_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodic_reviews_document_id'), ['document_id'], unique=False)
    op.create_table(
        'acknowledgement_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('requested_at', qms.models.base.UTCDateTime(), nullable=False),
        sa.Column('acknowledged_at', qms.models.base.UTCDateTime(), nullable=True),
        sa.Column('closed_at', qms.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'],
                                name=op.f('fk_acknowledgement_requests_revision_id_revisions')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_acknowledgement_requests_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgement_requests')),
        sa.UniqueConstraint('revision_id', 'user_id', name='uq_acknowledgement_requests_revision_user'),
    )
    with op.batch_alter_table('acknowledgement_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acknowledgement_requests_revision_id'), ['revision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acknowledgement_requests_user_id'), ['user_id'], unique=False)
    op.create_table(
        'document_readers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_document_readers_document_id_documents')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_document_readers_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_readers')),
        sa.UniqueConstraint('document_id', 'user_id', name='uq_document_readers_document_user'),
    )
    with op.batch_alter_table('document_readers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_readers_document_id'), ['document_id'], unique=False)
    op.execute(sa.text("UPDATE documents SET review_interval_months = 24 WHERE kind IN ('policy', 'manual')"))


def downgrade() -> None:
    op.execute(sa.text("UPDATE documents SET review_interval_months = 12"))
    with op.batch_alter_table('document_readers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_readers_document_id'))
    op.drop_table('document_readers')
    with op.batch_alter_table('acknowledgement_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acknowledgement_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_acknowledgement_requests_revision_id'))
    op.drop_table('acknowledgement_requests')
    with op.batch_alter_table('periodic_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periodic_reviews_document_id'))
    op.drop_table('periodic_reviews')
    with op.batch_alter_table('review_intervals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_intervals_organization_id'))
    op.drop_table('review_intervals')
