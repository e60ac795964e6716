"""conformity: what was read from each revision's file and what the checks found

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 16:51:10.109540
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('revision_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('structure', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('finding_count', sa.Integer(), nullable=False),
    sa.Column('checked_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('checker_version', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_revision_checks_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_checks')),
    sa.UniqueConstraint('revision_id', name=op.f('uq_revision_checks_revision_id'))
    )


def downgrade() -> None:
    op.drop_table('revision_checks')
