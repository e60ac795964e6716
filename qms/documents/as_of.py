"""The document set as it stood on a given day, from the instants each revision records.

A day is a local calendar day of the agencies; an instant counts for the day it falls on there.
The status on a day is read from the recorded instants, latest step first, so for today it
is the status the revision has now.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from qms import clock
from qms.models import Document, DocumentOwnership, Revision, RevisionStatus


def _by(instant: datetime | None, day: date) -> bool:
    found = clock.local_day(instant)
    return found is not None and found <= day


def status_on(revision: Revision, day: date) -> RevisionStatus | None:
    """The revision's status at the end of ``day``; None when it was not uploaded yet."""
    if not _by(revision.created_at, day):
        return None
    if revision.status is RevisionStatus.OBSOLETE and _by(revision.document.withdrawn_at, day):
        return RevisionStatus.OBSOLETE
    steps = (
        (revision.superseded_at, RevisionStatus.SUPERSEDED),
        (revision.took_effect_at, RevisionStatus.EFFECTIVE),
        (revision.approved_at, RevisionStatus.APPROVED),
        (revision.returned_at, RevisionStatus.RETURNED),
        (revision.reviewed_at, RevisionStatus.REVIEWED),
        (revision.submitted_at, RevisionStatus.IN_REVIEW),
    )
    return next((status for instant, status in steps if _by(instant, day)), RevisionStatus.DRAFT)


def owned_on(organization_id: int, day: date) -> ColumnElement[bool]:
    """The documents that belonged to the organisation on ``day``: by their ownership intervals where a
    restructure wrote some, else by their organisation (which has then always been theirs)."""
    intervals = select(DocumentOwnership.document_id).where(DocumentOwnership.document_id == Document.id)
    held = select(DocumentOwnership.document_id).where(
        DocumentOwnership.organization_id == organization_id,
        DocumentOwnership.covering(day),
    )
    return or_(
        and_(Document.organization_id == organization_id, ~intervals.exists()),
        Document.id.in_(held),
    )


def owner_on(session: Session, document_id: int, day: date) -> int | None:
    """The organisation the document belonged to on ``day``; None when it was not there yet."""
    document = session.get(Document, document_id)
    if document is None or not _by(document.created_at, day):
        return None
    held = session.scalar(
        select(DocumentOwnership.organization_id).where(
            DocumentOwnership.document_id == document_id,
            DocumentOwnership.covering(day),
        ).limit(1)
    )
    return held if held is not None else document.organization_id


def document_ids_on(session: Session, organization_ids: set[int], day: date) -> set[int]:
    """The documents that any of the organisations had on ``day`` (created by then, theirs on that day)."""
    found: set[int] = set()
    for organization_id in sorted(organization_ids):
        rows = session.execute(select(Document.id, Document.created_at).where(owned_on(organization_id, day)))
        found.update(document_id for document_id, created_at in rows if _by(created_at, day))
    return found


def codes_on(session: Session, documents: list[Document], day: date) -> dict[int, str]:
    """Each document's code on ``day``: a code changed in a merger reads as it was before it."""
    codes = {document.id: document.code for document in documents}
    if not codes:
        return codes
    found = session.scalars(
        select(DocumentOwnership).where(
            DocumentOwnership.document_id.in_(list(codes)),
            DocumentOwnership.covering(day),
        )
    )
    for interval in found:
        codes[interval.document_id] = interval.code
    return codes


def documents_on(session: Session, organization_id: int, day: date) -> list[Document]:
    """The documents the organisation had by that day (created by then, and its own on that day), by code."""
    found = session.scalars(select(Document).where(owned_on(organization_id, day)).order_by(Document.code, Document.id))
    return [document for document in found if _by(document.created_at, day)]


def effective_on(session: Session, organization_id: int, day: date) -> list[Revision]:
    """The one revision of each document that was in force on that day, by document code."""
    in_force = []
    for document in documents_on(session, organization_id, day):
        current = next((r for r in document.revisions if status_on(r, day) is RevisionStatus.EFFECTIVE), None)
        if current is not None:
            in_force.append(current)
    return in_force


def ownership_history(session: Session, document_id: int) -> list[DocumentOwnership]:
    """Where a document belonged over time, oldest first; empty when it never moved."""
    return list(
        session.scalars(
            select(DocumentOwnership)
            .where(DocumentOwnership.document_id == document_id)
            .order_by(DocumentOwnership.valid_from.is_not(None), DocumentOwnership.valid_from, DocumentOwnership.id)
        )
    )
