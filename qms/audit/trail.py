"""The audit log: every action is recorded in the same transaction as the change.

Entries form a hash chain: each one's hash covers its canonical content and the
previous entry's hash, so altering, removing or reordering any row is detected by
``verify``. Appending goes through the single ``audit_head`` row, whose update
serialises concurrent writers on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qms import clock
from qms.accounts import permissions
from qms.audit import verification
from qms.audit.anchors import AnchorFile
from qms.audit.chain import GENESIS, canonical_json, entry_hash
from qms.files.store import FileStore
from qms.models import AuditEntry, AuditHead, Document, Revision, StoredFile, User


def record(
    session: Session,
    action: str,
    *,
    actor: User | None,
    organization_id: int | None = None,
    document: Document | None = None,
    revision: Revision | None = None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
    file_sha256: str | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction; the caller commits."""
    if revision is not None and document is None:
        document = revision.document
    if document is not None and organization_id is None:
        organization_id = document.organization_id
    if revision is not None and file_sha256 is None:
        file_sha256 = revision.file_sha256
    session.flush()  # ids of new rows are part of the entry
    seq, prev_hash = _advance_head(session)
    entry = AuditEntry(
        seq=seq,
        occurred_at=at or clock.now(),
        action=action,
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else None,
        actor_name=actor.full_name if actor else None,
        actor_title=actor.title if actor else None,
        organization_id=organization_id,
        document_id=document.id if document else None,
        revision_id=revision.id if revision else None,
        subject=subject,
        details=canonical_json(details or {}),
        file_sha256=file_sha256,
        prev_hash=prev_hash,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=entry.hash))
    return entry


def _advance_head(session: Session) -> tuple[int, str]:
    # The UPDATE takes the row lock first (PostgreSQL) or the write lock (SQLite),
    # so the head read back cannot be stale when two transactions append at once.
    row = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    return row.seq, row.hash


@dataclass
class VerifyReport:
    ok: bool = True
    entries: int = 0
    files: int = 0
    head_hash: str = GENESIS
    first_bad: str | None = None
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        if self.ok:
            self.first_bad = problem
        self.ok = False
        self.problems.append(problem)


def verify(session: Session, files: FileStore, anchor_file: AnchorFile | None = None) -> VerifyReport:
    """The one walk of the chain (entries, head, anchors, revision rows against their entries), then every stored
    file against its hash."""
    health = verification.walk_and_keep(session, anchor_file, now=clock.now(), source=verification.VERIFY)
    report = VerifyReport(entries=health.entries, head_hash=health.last_hash)
    for problem in health.problems:
        report.fail(problem)
    for stored in session.scalars(select(StoredFile).order_by(StoredFile.created_at, StoredFile.sha256)):
        report.files += 1
        if not files.verify(stored.sha256):
            report.fail(f"file {stored.sha256} is missing or its content was changed")
    return report


def verify_for(session: Session, files: FileStore, viewer: User, anchor_file: AnchorFile | None = None) -> VerifyReport:
    """``verify`` on behalf of a person: inspectors and administrators only."""
    permissions.require_integrity_checker(viewer)
    return verify(session, files, anchor_file)


def document_history(session: Session, document_id: int) -> list[AuditEntry]:
    """Every entry about one document, oldest first."""
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.document_id == document_id).order_by(AuditEntry.seq))
    )
