"""document control that holds: stale revisions, discarded drafts, reasons, first-sign-in passwords

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = ('draft', 'in_review', 'reviewed', 'approved')


def upgrade() -> None:
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_revision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('approval_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('discarded_at', qms.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('discarded_by_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('discard_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_revisions_base_revision_id_revisions'), 'revisions', ['base_revision_id'], ['id']
        )
    # Open revisions uploaded before this release are taken as based on what is in force now, so none turns stale
    # by the upgrade alone.
    op.execute(sa.text(
        "UPDATE revisions SET base_revision_id = (SELECT e.id FROM revisions e "
        "WHERE e.document_id = revisions.document_id AND e.status = 'effective') "
        f"WHERE status IN {OPEN!r}"
    ))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    op.execute(sa.text("UPDATE revisions SET status = 'obsolete' WHERE status = 'discarded'"))
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_revisions_base_revision_id_revisions'), type_='foreignkey')
        batch_op.drop_column('discard_reason')
        batch_op.drop_column('discarded_by_name')
        batch_op.drop_column('discarded_at')
        batch_op.drop_column('approval_reason')
        batch_op.drop_column('review_reason')
        batch_op.drop_column('base_revision_id')
