"""What the index keeps of a revision, and how revisions are read for indexing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, undefer

from qms.models import Document, Revision


def revision_fields(revision: Revision) -> dict[str, object]:
    """What the index keeps of one revision; permissions are not among it."""
    document: Document = revision.document
    organization = document.organization
    effective = revision.effective_from
    return {
        "revision_id": str(revision.id),
        "category": "document",
        "document_id": document.id,
        "organization_id": str(document.organization_id),
        "kind": document.kind.value,
        "status": revision.status.value,
        "procedure": document.procedure_code or "",
        "field": "",
        "number": revision.number,
        "effective": int(effective.strftime("%Y%m%d")) if effective else 0,
        "code": document.code,
        "title": document.title,
        "title_folded": document.title,
        "title_shingles": document.title,
        "meta": " ".join(filter(None, [organization.name, document.procedure_code, revision.filename])),
        "body": revision.text or "",
        "body_folded": revision.text or "",
        "body_shingles": revision.text or "",
    }


def load_revisions(session: Session, revision_ids: list[int]) -> list[Revision]:
    """The revisions with their text and document, fresh from the database, in no particular order."""
    query = (
        select(Revision)
        .where(Revision.id.in_(revision_ids))
        .options(undefer(Revision.text), joinedload(Revision.document).joinedload(Document.organization))
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query).unique())
