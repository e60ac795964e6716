"""The document set as it stood on a given day, from the instants each revision records.

A day is a local calendar day of the agencies; an instant counts for the day it falls on there.
The status on a day is read from the recorded instants, latest step first, so for today it
is the status the revision has now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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
    """The one revision of each document that was in force on that day, by document code, each holding its
    document: callers read ``revision.document``, and the session, which holds what it loaded only weakly, may have
    let the documents go once this function returns (then each would be read again, one SELECT per document)."""
    in_force = []
    for document in documents_on(session, organization_id, day):
        current = next((r for r in document.revisions if status_on(r, day) is RevisionStatus.EFFECTIVE), None)
        if current is not None:
            set_committed_value(current, "document", document)
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


def day_end(day: date) -> datetime:
    """The first instant after ``day`` where the agencies are, in UTC: an instant fell on ``day`` or before it when
    it is earlier (what ``_by`` asks, in SQL)."""
    return datetime.combine(day + timedelta(days=1), time(), clock.zone()).astimezone(UTC)


def _not_by(column: Any, end: datetime) -> ColumnElement[bool]:
    return or_(column.is_(None), column >= end)


def status_on_clause(status: RevisionStatus, day: date) -> ColumnElement[bool]:
    """``status_on(revision, day) is status`` in SQL, for a query that joins the revision's document: the same
    steps, latest first. EFFECTIVE and the steps before it only."""
    end = day_end(day)
    steps = [Revision.superseded_at, Revision.took_effect_at, Revision.approved_at, Revision.returned_at,
             Revision.reviewed_at, Revision.submitted_at]
    reached = {RevisionStatus.EFFECTIVE: 1, RevisionStatus.APPROVED: 2, RevisionStatus.RETURNED: 3,
               RevisionStatus.REVIEWED: 4, RevisionStatus.IN_REVIEW: 5}[status]
    return and_(
        Revision.created_at < end,
        or_(Revision.status != RevisionStatus.OBSOLETE, Document.withdrawn_at.is_(None), Document.withdrawn_at >= end),
        *(_not_by(step, end) for step in steps[:reached]),
        steps[reached] < end,
    )


def owners_on(organization_ids: Iterable[int], day: date) -> Subquery:
    """``(document_id, organization_id)`` of the documents each of the organisations had on ``day`` (created by
    then, theirs that day by ``owned_on``'s rule): ``documents_on`` for many organisations in one query."""
    ids = sorted(set(organization_ids))
    intervals = select(DocumentOwnership.document_id).where(DocumentOwnership.document_id == Document.id)
    plain = select(Document.id.label("document_id"), Document.organization_id.label("organization_id")).where(
        Document.organization_id.in_(ids), ~intervals.exists(), Document.created_at < day_end(day))
    moved = (
        select(DocumentOwnership.document_id, DocumentOwnership.organization_id)
        .join(Document, Document.id == DocumentOwnership.document_id)
        .where(DocumentOwnership.organization_id.in_(ids), Document.created_at < day_end(day),
               or_(DocumentOwnership.valid_from.is_(None), DocumentOwnership.valid_from <= day),
               or_(DocumentOwnership.valid_until.is_(None), DocumentOwnership.valid_until >= day))
        .distinct()
    )
    # The two parts never share a document (one has no intervals, the other only documents with some): no DISTINCT
    # over the province's documents is needed.
    return union_all(plain, moved).subquery("owners_on")
