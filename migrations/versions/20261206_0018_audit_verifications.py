"""audit verifications: each full walk of the audit chain kept, so pages walk only the entries after it

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 16:40:00

The overview read the whole chain and compared every revision row with its entries on each request (seconds at a
province's size). A full walk now runs on a schedule and by ``flask qms verify``; its result is stored here, and a
page checks only that the walk's last entry is unchanged and the entries written since.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checked_at', qms.models.base.UTCDateTime(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('through_seq', sa.Integer(), nullable=False),
    sa.Column('through_hash', sa.String(length=64), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('first_bad', sa.Text(), nullable=True),
    sa.Column('problem_count', sa.Integer(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('bad_organizations', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verifications'))
    )
    with op.batch_alter_table('audit_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_verifications_checked_at'), ['checked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_verifications_checked_at'))
    op.drop_table('audit_verifications')
