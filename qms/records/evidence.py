"""What every kind of record shares: whose records they are, who may write them, their files and their audit entries.

Records are visible to whoever reads the organisation's documents (its people and inspectors); the organisation's
ISO secretaries and approvers write them; nothing is ever deleted. A record's file goes into the content-addressed
store before any row names it, as a revision's file does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qms import clock, tasks
from qms.accounts import permissions
from qms.audit import trail
from qms.errors import Invalid, NotFound
from qms.files import filetypes
from qms.files.store import FileStore
from qms.models import Organization, Role, StoredFile, User
from qms.search import log as search_log
from qms.search import record_entries, record_files
from qms.search.record_entries import Record

#: Who records the quality system's evidence.
WRITER_ROLES = (Role.SECRETARY, Role.APPROVER)
#: Who verifies, approves and confirms.
APPROVER_ROLES = (Role.APPROVER,)


@dataclass(frozen=True)
class Upload:
    """A file a person sends with a record."""

    stream: BinaryIO
    filename: str


@dataclass(frozen=True)
class Stored:
    sha256: str
    filename: str
    size: int
    #: The file's type when search reads it through a worker (a .doc, a scan …) rather than at once; else None.
    read_later: str | None = None


def readable_organization(session: Session, viewer: User, code: str) -> Organization:
    """The organisation by code, if the viewer reads its documents (else not found, so nothing leaks)."""
    organization = session.scalar(select(Organization).where(Organization.code == (code or "").strip()))
    if organization is None or not permissions.can_read(viewer, organization.id):
        raise NotFound("Không tìm thấy đơn vị.")
    return organization


def writable_organization(session: Session, actor: User, code: str) -> Organization:
    organization = readable_organization(session, actor, code)
    permissions.require_role(actor, WRITER_ROLES, organization.id)
    return organization


def store(files: FileStore, upload: Upload | None, *, required: str | None = None) -> Stored | None:
    """Check and keep the file before any row names it; ``required`` is the message when none was sent."""
    if upload is None or not (upload.filename or "").strip():
        if required:
            raise Invalid(required, code="file_required")
        return None
    filename = filetypes.safe_filename(upload.filename)
    file_type = filetypes.check_upload(upload.stream, filename)
    upload.stream.seek(0)
    read_later = record_files.needs_worker(file_type, upload.stream.read(), filename)
    upload.stream.seek(0)
    kept = files.put(upload.stream)
    return Stored(kept.sha256, filename, kept.size, file_type if read_later else None)


def register_file(session: Session, stored: Stored | None) -> None:
    """The file's row, once, inside the caller's unit of work (two records may share the same bytes)."""
    if stored is None:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(StoredFile).values(sha256=stored.sha256, size=stored.size, created_at=clock.now())
        .on_conflict_do_nothing()
    )
    if stored.read_later:
        record_files.queue(session, stored.sha256, stored.read_later)


def read_later(stored: Stored | None) -> None:
    """After the commit: a worker reads the file for search when it cannot be read at once."""
    if stored is not None and stored.read_later:
        tasks.enqueue_record_file(stored.sha256)


def audit(
    session: Session, action: str, actor: User, organization_id: int, subject: str, details: dict[str, Any],
    file_sha256: str | None = None,
) -> None:
    trail.record(session, action, actor=actor, organization_id=organization_id, subject=subject, details=details,
                 file_sha256=file_sha256)


def searchable(session: Session, record: Record) -> None:
    """Search re-reads the record once the unit of work commits (the index log, as for a revision)."""
    search_log.records_changed(session, [record_entries.key(record)])


def text(value: str | None, message: str, code: str, *, limit: int | None = None) -> str:
    """A required text field, trimmed; refused when empty or longer than the column."""
    found = (value or "").strip()
    if not found:
        raise Invalid(message, code=code)
    if limit is not None and len(found) > limit:
        raise Invalid(f"Tối đa {limit} ký tự.", code=code)
    return found


def optional_text(value: str | None, limit: int | None = None) -> str:
    found = (value or "").strip()
    if limit is not None and len(found) > limit:
        raise Invalid(f"Tối đa {limit} ký tự.", code="too_long")
    return found


def required_date(value: date | None, message: str, code: str) -> date:
    if value is None:
        raise Invalid(message, code=code)
    return value


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
