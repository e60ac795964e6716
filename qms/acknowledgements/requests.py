"""Who is asked to read a revision: opened when it takes effect, closed unread when it stops being in force.

The readers are the organisation's active users, unless the secretary narrowed the document's readers to some of
them (by person: organisations have no units inside them in this model)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qms import clock
from qms.audit import trail
from qms.database import unit_of_work
from qms.documents import locks, workflow
from qms.documents.reading import get_document
from qms.errors import Forbidden, Invalid
from qms.models import AcknowledgementRequest, Document, DocumentKind, DocumentReader, Revision, User


def members(session: Session, organization_id: int) -> list[User]:
    """The organisation's active users, who read its documents unless the secretary narrowed them."""
    return list(session.scalars(
        select(User).where(User.organization_id == organization_id, User.is_active.is_(True))
        .order_by(User.full_name, User.id)
    ))


def readers(session: Session, document: Document) -> list[User]:
    """The active users asked to read the document's revisions, by name."""
    chosen = select(DocumentReader.user_id).where(DocumentReader.document_id == document.id)
    query = select(User).where(User.organization_id == document.organization_id, User.is_active.is_(True))
    if session.scalar(chosen.limit(1)) is not None:
        query = query.where(User.id.in_(chosen))
    return list(session.scalars(query.order_by(User.full_name, User.id)))


def narrowed(session: Session, document_id: int) -> bool:
    return session.scalar(select(DocumentReader.id).where(DocumentReader.document_id == document_id).limit(1)) \
        is not None


#: Records are evidence, not something people apply: nobody is asked to read them.
NOT_READ_KINDS = frozenset({DocumentKind.RECORD})


def open_on_take_effect(session: Session, revision: Revision, previous: Revision | None) -> list[User]:
    """Inside the lifecycle's unit of work: the previous revision's unread requests close, the new one's open;
    the people asked to read it."""
    if previous is not None:
        close_pending(session, previous.id)
    if revision.document.kind in NOT_READ_KINDS:
        return []
    now = clock.now()
    people = readers(session, revision.document)
    session.add_all(AcknowledgementRequest(revision_id=revision.id, user_id=user.id, requested_at=now)
                    for user in people)
    return list(people)


def close_pending(session: Session, revision_id: int) -> None:
    """Unread requests of a revision no longer in force close (superseded or withdrawn)."""
    session.execute(
        update(AcknowledgementRequest)
        .where(AcknowledgementRequest.revision_id == revision_id, AcknowledgementRequest.acknowledged_at.is_(None),
               AcknowledgementRequest.closed_at.is_(None))
        .values(closed_at=clock.now())
    )


def set_readers(session: Session, actor: User, document_id: int, usernames: list[str]) -> list[User]:
    """The secretary narrows the readers to these people of the organisation (none: all its staff again); the
    revision in force asks the people added and no longer asks those left out who had not read it yet."""
    document = get_document(session, actor, document_id)
    if not workflow.may_set_readers(actor, document):
        raise Forbidden("Chỉ thư ký ISO của đơn vị được chọn người cần đọc tài liệu.", code="role_required")
    wanted = sorted({name.strip() for name in usernames if name.strip()})
    people = list(session.scalars(
        select(User).where(User.username.in_(wanted), User.organization_id == document.organization_id,
                           User.is_active.is_(True))
    )) if wanted else []
    unknown = sorted(set(wanted) - {user.username for user in people})
    if unknown:
        raise Invalid(f"Không có người dùng đang hoạt động của đơn vị: {', '.join(unknown)}.", code="unknown_user")
    with unit_of_work(session):
        document = locks.lock_document(session, document.id)
        for row in session.scalars(select(DocumentReader).where(DocumentReader.document_id == document.id)):
            session.delete(row)
        session.flush()
        session.add_all(DocumentReader(document_id=document.id, user_id=user.id) for user in people)
        session.flush()
        current = document.current_revision
        if current is not None:
            _follow_readers(session, current, {user.id for user in readers(session, document)})
        trail.record(session, "acknowledgement_readers", actor=actor, document=document,
                     details={"readers": [user.username for user in people] or None})
    return readers(session, document)


def _follow_readers(session: Session, revision: Revision, wanted: set[int]) -> None:
    requests = {row.user_id: row for row in session.scalars(
        select(AcknowledgementRequest).where(AcknowledgementRequest.revision_id == revision.id))}
    now = clock.now()
    for user_id, row in requests.items():
        if row.acknowledged_at is not None:
            continue  # what was read stays read
        if user_id not in wanted and row.closed_at is None:
            row.closed_at = now
        elif user_id in wanted and row.closed_at is not None:
            row.closed_at = None
            row.requested_at = now
    session.add_all(AcknowledgementRequest(revision_id=revision.id, user_id=user_id, requested_at=now)
                    for user_id in wanted - set(requests))
