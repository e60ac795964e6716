"""Row locks for writers of documents, always in one order: the document row first, then its revision.

Locking the revision first deadlocks on PostgreSQL: a transaction holding the document writes index-log rows that
reference every sibling revision, and such a reference waits for a sibling locked elsewhere.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.database import lock_row
from qms.errors import NotFound
from qms.models import Document, Revision


def lock_document(session: Session, document_id: int) -> Document:
    """The document row, locked until commit and re-read."""
    document = lock_row(session, Document, document_id)
    if document is None:
        raise NotFound("Không tìm thấy tài liệu.")
    return document


def lock_revision(session: Session, revision_id: int) -> Revision:
    """The revision locked after its document, with the document's revisions read after the lock."""
    document_id = session.scalar(select(Revision.document_id).where(Revision.id == revision_id))
    if document_id is None:
        raise NotFound("Không tìm thấy phiên bản.")
    document = lock_document(session, document_id)
    revision = lock_row(session, Revision, revision_id)
    if revision is None:
        raise NotFound("Không tìm thấy phiên bản.")
    # Siblings are read after the lock so the rules see what other transactions committed.
    session.refresh(document, ["revisions"])
    return revision
