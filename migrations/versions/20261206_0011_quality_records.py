"""records of the quality system: publications, internal audits, findings, corrective actions, management
reviews, quality objectives and their results, confirmations of effectiveness

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:49:37.582067
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('effectiveness_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('confirmed_on', sa.Date(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('confirmed_by_name', sa.String(length=200), nullable=False),
    sa.Column('confirmed_by_title', sa.String(length=200), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['file_sha256'], ['stored_files.sha256'],
        name=op.f('fk_effectiveness_confirmations_file_sha256_stored_files')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
        name=op.f('fk_effectiveness_confirmations_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_effectiveness_confirmations')),
    sa.UniqueConstraint('organization_id', 'year', name='uq_effectiveness_confirmations_year')
    )
    with op.batch_alter_table('effectiveness_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_effectiveness_confirmations_organization_id'), ['organization_id'],
            unique=False)

    op.create_table('internal_audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('auditors', sa.JSON(), nullable=False),
    sa.Column('processes', sa.JSON(), nullable=False),
    sa.Column('report_sha256', sa.String(length=64), nullable=True),
    sa.Column('report_filename', sa.String(length=255), nullable=True),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
        name=op.f('fk_internal_audits_organization_id_organizations')),
    sa.ForeignKeyConstraint(['report_sha256'], ['stored_files.sha256'],
        name=op.f('fk_internal_audits_report_sha256_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_audits'))
    )
    with op.batch_alter_table('internal_audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internal_audits_organization_id'), ['organization_id'], unique=False)

    op.create_table('management_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('chair', sa.String(length=200), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('minutes_sha256', sa.String(length=64), nullable=True),
    sa.Column('minutes_filename', sa.String(length=255), nullable=True),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['minutes_sha256'], ['stored_files.sha256'],
        name=op.f('fk_management_reviews_minutes_sha256_stored_files')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
        name=op.f('fk_management_reviews_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_management_reviews'))
    )
    with op.batch_alter_table('management_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_management_reviews_organization_id'), ['organization_id'], unique=False)

    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('signer', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('posted_office_on', sa.Date(), nullable=True),
    sa.Column('posted_website_on', sa.Date(), nullable=True),
    sa.Column('website_url', sa.String(length=500), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('notified_to', sa.String(length=300), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['file_sha256'], ['stored_files.sha256'],
        name=op.f('fk_publications_file_sha256_stored_files')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
        name=op.f('fk_publications_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_organization_id'), ['organization_id'], unique=False)

    op.create_table('quality_objectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.Column('approved_at', qms.models.base.UTCDateTime(), nullable=True),
    sa.Column('approved_by_name', sa.String(length=200), nullable=True),
    sa.Column('approved_by_title', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
        name=op.f('fk_quality_objectives_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_objectives'))
    )
    with op.batch_alter_table('quality_objectives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_objectives_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_objectives_year'), ['year'], unique=False)

    op.create_table('audit_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('nonconformity', 'observation',
        name='findingkind', native_enum=False, length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['internal_audits.id'],
        name=op.f('fk_audit_findings_audit_id_internal_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_findings'))
    )
    with op.batch_alter_table('audit_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_findings_audit_id'), ['audit_id'], unique=False)

    op.create_table('objective_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['quality_objectives.id'],
        name=op.f('fk_objective_results_objective_id_quality_objectives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objective_results'))
    )
    with op.batch_alter_table('objective_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_results_objective_id'), ['objective_id'], unique=False)

    op.create_table('audit_finding_documents',
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
        name=op.f('fk_audit_finding_documents_document_id_documents')),
    sa.ForeignKeyConstraint(['finding_id'], ['audit_findings.id'],
        name=op.f('fk_audit_finding_documents_finding_id_audit_findings')),
    sa.PrimaryKeyConstraint('finding_id', 'document_id', name=op.f('pk_audit_finding_documents'))
    )
    with op.batch_alter_table('audit_finding_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_finding_documents_document_id'), ['document_id'], unique=False)

    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('created_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.Column('verified_at', qms.models.base.UTCDateTime(), nullable=True),
    sa.Column('verified_by_name', sa.String(length=200), nullable=True),
    sa.Column('verified_by_title', sa.String(length=200), nullable=True),
    sa.Column('verification_note', sa.Text(), nullable=True),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('evidence_filename', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['evidence_sha256'], ['stored_files.sha256'],
        name=op.f('fk_corrective_actions_evidence_sha256_stored_files')),
    sa.ForeignKeyConstraint(['finding_id'], ['audit_findings.id'],
        name=op.f('fk_corrective_actions_finding_id_audit_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_corrective_actions_finding_id'))
    )

    _no_delete(*RECORD_TABLES)


#: Records are evidence: the database refuses to delete them (their rows change only as the services record).
RECORD_TABLES = (
    "publications", "internal_audits", "audit_findings", "audit_finding_documents", "corrective_actions",
    "management_reviews", "quality_objectives", "objective_results", "effectiveness_confirmations",
)


def _no_delete(*tables: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION qms_no_delete() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% rows are records and are never deleted', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
        )
        for table in tables:
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION qms_no_delete()")
    else:
        for table in tables:
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} rows are records and are never deleted'); END")


def _drop_no_delete(*tables: str) -> None:
    for table in tables:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS qms_no_delete()")


def downgrade() -> None:
    _drop_no_delete(*RECORD_TABLES)
    op.drop_table('corrective_actions')
    with op.batch_alter_table('audit_finding_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_finding_documents_document_id'))

    op.drop_table('audit_finding_documents')
    with op.batch_alter_table('objective_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_results_objective_id'))

    op.drop_table('objective_results')
    with op.batch_alter_table('audit_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_findings_audit_id'))

    op.drop_table('audit_findings')
    with op.batch_alter_table('quality_objectives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_objectives_year'))
        batch_op.drop_index(batch_op.f('ix_quality_objectives_organization_id'))

    op.drop_table('quality_objectives')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_organization_id'))

    op.drop_table('publications')
    with op.batch_alter_table('management_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_management_reviews_organization_id'))

    op.drop_table('management_reviews')
    with op.batch_alter_table('internal_audits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internal_audits_organization_id'))

    op.drop_table('internal_audits')
    with op.batch_alter_table('effectiveness_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_effectiveness_confirmations_organization_id'))

    op.drop_table('effectiveness_confirmations')
