"""What an attacker with write access to the database does first: lift the audit log's append-only triggers."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def bypass_append_only(session: Session) -> None:
    """Starts a transaction of its own: on SQLite one begun before another connection wrote could not write."""
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
    else:
        session.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_update"))
        session.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))
