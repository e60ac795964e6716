"""Periodic review of documents: the intervals an organisation sets per kind, and each review's outcome."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.documents import Document, DocumentKind, Revision


class ReviewOutcome(enum.StrEnum):
    #: «Còn phù hợp, không cần sửa đổi»: the clock restarts.
    NO_CHANGE = "no_change"
    #: «Cần sửa đổi»: a task for the secretaries, closed when a new revision takes effect.
    REVISE = "revise"


class ReviewInterval(Base):
    """An organisation's own review interval for one kind of document (else the kind's default)."""

    __tablename__ = "review_intervals"
    __table_args__ = (UniqueConstraint("organization_id", "kind", name="uq_review_intervals_organization_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, 24))
    months: Mapped[int] = mapped_column(Integer)


class PeriodicReview(Base):
    """One periodic review of a document's revision in force, as its approver recorded it."""

    __tablename__ = "periodic_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    #: The revision in force that was reviewed.
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    outcome: Mapped[ReviewOutcome] = mapped_column(enum_column(ReviewOutcome, 16))
    reason: Mapped[str] = mapped_column(Text)
    #: The agencies' calendar day of the review: the next one is counted from it.
    reviewed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Copied as it was at the time: people leave and titles change.
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_by_name: Mapped[str] = mapped_column(String(200))
    reviewed_by_title: Mapped[str] = mapped_column(String(200))
    #: A revision task («cần sửa đổi») is closed when a new revision of the document takes effect.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))

    document: Mapped[Document] = relationship(lazy="joined")
    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id])

    @property
    def is_open_task(self) -> bool:
        return self.outcome is ReviewOutcome.REVISE and self.closed_at is None
