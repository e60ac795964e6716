"""Who has and has not read a revision, each person's own requests, and the rate per organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from qms import clock
from qms.documents import workflow
from qms.documents.reading import get_revision
from qms.errors import NotFound
from qms.models import AcknowledgementRequest, Document, DocumentStatus, Revision, RevisionStatus, User


@dataclass
class AcknowledgementList:
    """A revision's readers: who confirmed (and when) and who has not yet."""

    revision: Revision
    acknowledged: list[AcknowledgementRequest] = field(default_factory=list)
    pending: list[AcknowledgementRequest] = field(default_factory=list)

    @property
    def required(self) -> int:
        return len(self.acknowledged) + len(self.pending)

    @property
    def percent(self) -> float | None:
        return round(100 * len(self.acknowledged) / self.required, 1) if self.required else None

    @property
    def pending_users(self) -> list[User]:
        return [row.user for row in self.pending]


def _still_asked() -> ColumnElement[bool]:
    """A request that counts: read, or unread by an active user and not closed."""
    return or_(AcknowledgementRequest.acknowledged_at.is_not(None),
               (AcknowledgementRequest.closed_at.is_(None)) & User.is_active.is_(True))


def list_of(session: Session, revision: Revision) -> AcknowledgementList:
    """No permission check: for callers that made theirs (the pages, the API, the dossier)."""
    rows = session.scalars(
        select(AcknowledgementRequest).join(AcknowledgementRequest.user)
        .where(AcknowledgementRequest.revision_id == revision.id, _still_asked())
        .order_by(User.full_name, User.id)
    )
    found = AcknowledgementList(revision)
    for row in rows:
        (found.acknowledged if row.acknowledged_at is not None else found.pending).append(row)
    found.acknowledged.sort(key=lambda row: (row.acknowledged_at, row.user.full_name))
    return found


def for_revision(session: Session, viewer: User, revision_id: int) -> AcknowledgementList:
    """For the organisation's control roles and inspectors (others: not found, as the list is none of theirs)."""
    revision = get_revision(session, viewer, revision_id)
    if not workflow.may_see_acknowledgements(viewer, revision.document):
        raise NotFound("Không tìm thấy phiên bản.")
    return list_of(session, revision)


def request_of(session: Session, user: User, revision: Revision) -> AcknowledgementRequest | None:
    """The user's own request for this revision, read or not (None: not asked, or no longer asked)."""
    row = session.scalar(
        select(AcknowledgementRequest).where(AcknowledgementRequest.revision_id == revision.id,
                                             AcknowledgementRequest.user_id == user.id)
    )
    if row is None or (row.closed_at is not None and row.acknowledged_at is None):
        return None
    return row


def pending_for(session: Session, user: User) -> list[AcknowledgementRequest]:
    """The revisions in force this user is asked to read and has not confirmed, oldest request first."""
    return list(session.scalars(
        select(AcknowledgementRequest).join(AcknowledgementRequest.revision).join(Revision.document)
        .where(AcknowledgementRequest.user_id == user.id, AcknowledgementRequest.acknowledged_at.is_(None),
               AcknowledgementRequest.closed_at.is_(None), Revision.status == RevisionStatus.EFFECTIVE,
               Document.status == DocumentStatus.ACTIVE)
        .order_by(AcknowledgementRequest.requested_at, AcknowledgementRequest.id)
    ))


@dataclass(frozen=True)
class Rate:
    acknowledged: int
    required: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.acknowledged / self.required, 1) if self.required else None


def rates(session: Session) -> dict[int, Rate]:
    """Per organisation, over its revisions in force: confirmations out of the people asked."""
    read = func.sum(case((AcknowledgementRequest.acknowledged_at.is_not(None), 1), else_=0))
    rows = session.execute(
        select(Document.organization_id, read, func.count(AcknowledgementRequest.id))
        .select_from(AcknowledgementRequest).join(AcknowledgementRequest.user)
        .join(Revision, Revision.id == AcknowledgementRequest.revision_id).join(Revision.document)
        .where(Revision.status == RevisionStatus.EFFECTIVE, Document.status == DocumentStatus.ACTIVE, _still_asked())
        .group_by(Document.organization_id)
    )
    return {organization_id: Rate(int(done or 0), int(total)) for organization_id, done, total in rows}


def pending_by_document(session: Session, organization_id: int) -> dict[int, Rate]:
    """Per document of the organisation in force: confirmations out of the people asked (the dashboard's list)."""
    read = func.sum(case((AcknowledgementRequest.acknowledged_at.is_not(None), 1), else_=0))
    rows = session.execute(
        select(Revision.document_id, read, func.count(AcknowledgementRequest.id))
        .select_from(AcknowledgementRequest).join(AcknowledgementRequest.user)
        .join(Revision, Revision.id == AcknowledgementRequest.revision_id).join(Revision.document)
        .where(Document.organization_id == organization_id, Revision.status == RevisionStatus.EFFECTIVE,
               Document.status == DocumentStatus.ACTIVE, _still_asked())
        .group_by(Revision.document_id)
    )
    return {document_id: Rate(int(done or 0), int(total)) for document_id, done, total in rows}


def on_day(session: Session, revision: Revision, day: date) -> dict[str, object]:
    """A revision's list as it stood at the end of ``day`` (the dossier): confirmations made by then, and who was
    asked and had not confirmed."""
    end = datetime.combine(day + timedelta(days=1), time(), clock.zone()).astimezone(UTC)
    rows = session.scalars(
        select(AcknowledgementRequest).join(AcknowledgementRequest.user)
        .where(AcknowledgementRequest.revision_id == revision.id, AcknowledgementRequest.requested_at < end)
        .order_by(User.full_name, User.id)
    )
    acknowledged, pending = [], []
    for row in rows:
        person = {"username": row.user.username, "name": row.user.full_name}
        if row.acknowledged_at is not None and row.acknowledged_at < end:
            acknowledged.append({**person, "at": row.acknowledged_at.isoformat()})
        elif row.closed_at is None or row.closed_at >= end:
            pending.append(person)
    return {"required": len(acknowledged) + len(pending), "acknowledged": acknowledged, "pending": pending}


def rates_on_day(session: Session, revision_ids: list[int], day: date) -> dict[int, Rate]:
    """Per revision, as ``on_day`` counts it at the end of ``day``: confirmations out of the people asked (confirmed
    then, or asked and not closed then). One query, for the scorecard of every organisation of an overview."""
    if not revision_ids:
        return {}
    end = datetime.combine(day + timedelta(days=1), time(), clock.zone()).astimezone(UTC)
    request = AcknowledgementRequest
    confirmed = and_(request.acknowledged_at.is_not(None), request.acknowledged_at < end)
    still_asked = or_(request.closed_at.is_(None), request.closed_at >= end)
    rows = session.execute(
        select(request.revision_id, func.sum(case((confirmed, 1), else_=0)),
               func.sum(case((or_(confirmed, still_asked), 1), else_=0)))
        .where(request.revision_id.in_(revision_ids), request.requested_at < end)
        .group_by(request.revision_id)
    )
    return {revision_id: Rate(int(done or 0), int(asked or 0)) for revision_id, done, asked in rows}
