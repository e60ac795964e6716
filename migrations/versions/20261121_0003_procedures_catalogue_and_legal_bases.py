"""procedures catalogue and legal bases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 15:45:16.621782
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('legal_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('doc_type', sa.String(length=100), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('is_stub', sa.Boolean(), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_documents')),
    sa.UniqueConstraint('number', name=op.f('uq_legal_documents_number'))
    )
    op.create_table('legal_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('amends', 'replaces', name='relationkind', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['legal_documents.id'],
                            name=op.f('fk_legal_relations_source_id_legal_documents')),
    sa.ForeignKeyConstraint(['target_id'], ['legal_documents.id'],
                            name=op.f('fk_legal_relations_target_id_legal_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_relations')),
    sa.UniqueConstraint('source_id', 'target_id', 'kind', name='uq_legal_relations_source_target_kind')
    )
    with op.batch_alter_table('legal_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_relations_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_relations_target_id'), ['target_id'], unique=False)

    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=100), nullable=False),
    sa.Column('time_text', sa.String(length=300), nullable=False),
    sa.Column('time_value', sa.Float(), nullable=True),
    sa.Column('time_unit', sa.Enum('working_day', 'day', 'working_hour', 'hour', 'same_day', 'month',
                                   name='timeunit', native_enum=False, length=20),
                           nullable=True),
    sa.Column('fee', sa.Text(), nullable=False),
    sa.Column('is_abolished', sa.Boolean(), nullable=False),
    sa.Column('abolished_at', qms.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_procedures_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedures')),
    sa.UniqueConstraint('organization_id', 'code', name='uq_procedures_organization_code')
    )
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procedures_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_procedures_organization_id'), ['organization_id'], unique=False)

    op.create_table('document_procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('procedure_code', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                            name=op.f('fk_document_procedures_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_procedures')),
    sa.UniqueConstraint('document_id', 'procedure_code', name='uq_document_procedures_document_code')
    )
    with op.batch_alter_table('document_procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_procedures_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_procedures_procedure_code'), ['procedure_code'], unique=False)

    op.create_table('citations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('legal_document_id', sa.Integer(), nullable=False),
    sa.Column('raw', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['legal_document_id'], ['legal_documents.id'],
                            name=op.f('fk_citations_legal_document_id_legal_documents')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_citations_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citations')),
    sa.UniqueConstraint('revision_id', 'legal_document_id', name='uq_citations_revision_legal_document')
    )
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citations_legal_document_id'), ['legal_document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citations_revision_id'), ['revision_id'], unique=False)

    op.create_table('legal_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('cited_id', sa.Integer(), nullable=False),
    sa.Column('trigger_id', sa.Integer(), nullable=False),
    sa.Column('change', sa.Enum('amends', 'replaces',
                                name='relationkind', native_enum=False, length=20),
                        nullable=False),
    sa.Column('since', sa.Date(), nullable=True),
    sa.Column('state', sa.Enum('open', 'closed', name='reviewstate', native_enum=False, length=20), nullable=False),
    sa.Column('opened_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('closed_at', qms.models.base.UTCDateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('closed_by_name', sa.String(length=200), nullable=True),
    sa.Column('closed_by_title', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['cited_id'], ['legal_documents.id'],
                            name=op.f('fk_legal_reviews_cited_id_legal_documents')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_legal_reviews_document_id_documents')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_legal_reviews_organization_id_organizations')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_legal_reviews_revision_id_revisions')),
    sa.ForeignKeyConstraint(['trigger_id'], ['legal_documents.id'],
                            name=op.f('fk_legal_reviews_trigger_id_legal_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_reviews')),
    sa.UniqueConstraint('revision_id', 'cited_id', 'trigger_id', name='uq_legal_reviews_revision_cited_trigger')
    )
    with op.batch_alter_table('legal_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_reviews_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_reviews_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_reviews_revision_id'), ['revision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_reviews_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('legal_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_reviews_state'))
        batch_op.drop_index(batch_op.f('ix_legal_reviews_revision_id'))
        batch_op.drop_index(batch_op.f('ix_legal_reviews_organization_id'))
        batch_op.drop_index(batch_op.f('ix_legal_reviews_document_id'))

    op.drop_table('legal_reviews')
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citations_revision_id'))
        batch_op.drop_index(batch_op.f('ix_citations_legal_document_id'))

    op.drop_table('citations')
    with op.batch_alter_table('document_procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_procedures_procedure_code'))
        batch_op.drop_index(batch_op.f('ix_document_procedures_document_id'))

    op.drop_table('document_procedures')
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procedures_organization_id'))
        batch_op.drop_index(batch_op.f('ix_procedures_code'))

    op.drop_table('procedures')
    with op.batch_alter_table('legal_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_relations_target_id'))
        batch_op.drop_index(batch_op.f('ix_legal_relations_source_id'))

    op.drop_table('legal_relations')
    op.drop_table('legal_documents')
