"""sessions and tokens that can be revoked: a session generation per user, an expiry per API token

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import qms.models.base

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tokens issued before expiry existed keep working this long after the upgrade, then must be issued again.
EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('api_tokens') as batch:
        batch.add_column(sa.Column('expires_at', qms.models.base.UTCDateTime(), nullable=True))
    tokens = sa.table('api_tokens', sa.column('expires_at', qms.models.base.UTCDateTime()))
    op.execute(
        tokens.update()
        .where(tokens.c.expires_at.is_(None))
        .values(expires_at=datetime.now(UTC) + timedelta(days=EXISTING_TOKEN_DAYS))
    )


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('expires_at')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_generation')
