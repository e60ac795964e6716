"""revisions: an index of each revision's steps by document, for the lists that read the province as of a day

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 17:00:00

The overview's rows, the scorecard's gaps and coverage read, for every document of the province, the status each
revision had on a day (``documents.as_of.status_on_clause``: its recorded instants) and its approval and start
dates. With the instants in an index by document, SQLite answers those joins from the index alone instead of
reading each revision's row (its text included); PostgreSQL keeps its plans.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ['document_id', 'status', 'created_at', 'submitted_at', 'reviewed_at', 'returned_at', 'approved_at',
           'took_effect_at', 'superseded_at', 'effective_from']


def upgrade() -> None:
    op.create_index('ix_revisions_document_steps', 'revisions', COLUMNS)
    # The planner learns of the new index from fresh statistics (SQLite keeps none of its own accord).
    op.execute('ANALYZE revisions')


def downgrade() -> None:
    op.drop_index('ix_revisions_document_steps', table_name='revisions')
