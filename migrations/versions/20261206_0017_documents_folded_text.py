"""documents.folded_text: code, title and TTHC code folded as the lists' text filter compares them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:10:00

Filled here for the documents already written; the documents list filters on it instead of folding every row while
it is read (on SQLite a Python function called per row). ``LIKE '% word%'`` uses no index, so none is made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qms.listing import stored_folded

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('folded_text', sa.Text(), server_default='', nullable=False))
    documents = sa.table('documents', sa.column('id', sa.Integer()), sa.column('code', sa.String()),
                         sa.column('title', sa.String()), sa.column('procedure_code', sa.String()),
                         sa.column('folded_text', sa.Text()))
    connection = op.get_bind()
    rows = connection.execute(sa.select(documents.c.id, documents.c.code, documents.c.title,
                                        documents.c.procedure_code)).all()
    update = (sa.update(documents).where(documents.c.id == sa.bindparam('document_id'))
              .values(folded_text=sa.bindparam('folded')))
    for start in range(0, len(rows), _BATCH):
        connection.execute(update, [{"document_id": row.id, "folded": stored_folded(row.code, row.title,
                                                                                    row.procedure_code)}
                                    for row in rows[start:start + _BATCH]])


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('folded_text')
