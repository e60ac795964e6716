"""Read-and-acknowledge: who is asked to read a revision in force, and when they confirmed it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, utcnow
from qms.models.documents import Revision
from qms.models.users import User


class AcknowledgementRequest(Base):
    """One person asked to read one revision in force; open until acknowledged or closed by a supersession."""

    __tablename__ = "acknowledgement_requests"
    __table_args__ = (UniqueConstraint("revision_id", "user_id", name="uq_acknowledgement_requests_revision_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: «Tôi đã đọc và hiểu», confirmed in the reading view (also an audit entry).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Closed unread: the revision was superseded or withdrawn, or the secretary narrowed the readers.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    revision: Mapped[Revision] = relationship()
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_pending(self) -> bool:
        return self.acknowledged_at is None and self.closed_at is None


class DocumentReader(Base):
    """The people a document's revisions are to be read by, when the secretary narrowed them (else all staff).

    Organisations have no units inside them in this model, so the narrowing is by person."""

    __tablename__ = "document_readers"
    __table_args__ = (UniqueConstraint("document_id", "user_id", name="uq_document_readers_document_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(lazy="joined")
