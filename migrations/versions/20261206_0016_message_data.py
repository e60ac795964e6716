"""message data: the catalogue id and values of a processing failure's and a failed restructure's reason

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:00:00

The reasons stay as Vietnamese text (``detail``, ``failure``); their message data lets a page show them in the
reader's language. Reasons stored before have none and are shown as they were written.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('revision_processing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail_data', sa.JSON(), nullable=True))
    with op.batch_alter_table('scheduled_restructures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure_data', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('scheduled_restructures', schema=None) as batch_op:
        batch_op.drop_column('failure_data')
    with op.batch_alter_table('revision_processing', schema=None) as batch_op:
        batch_op.drop_column('detail_data')
