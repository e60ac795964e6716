"""Controlled documents and their revisions; the lifecycle rules live in qms.documents.lifecycle."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.organizations import Organization
from qms.models.renditions import Rendition, RevisionProcessing


class DocumentKind(enum.StrEnum):
    POLICY = "policy"
    OBJECTIVES = "objectives"
    MANUAL = "manual"
    SYSTEM_PROCEDURE = "system_procedure"
    PROCESS = "process"
    INTERNAL_PROCESS = "internal_process"
    JOB_DESCRIPTION = "job_description"
    FORM = "form"
    EXTERNAL = "external"
    RECORD = "record"


class DocumentStatus(enum.StrEnum):
    ACTIVE = "active"
    OBSOLETE = "obsolete"


class RevisionStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    EFFECTIVE = "effective"
    SUPERSEDED = "superseded"
    RETURNED = "returned"
    OBSOLETE = "obsolete"
    #: A draft its author set aside, with a reason; kept in the history.
    DISCARDED = "discarded"


#: Statuses of revisions still moving towards effect.
OPEN_STATUSES = (RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW, RevisionStatus.REVIEWED, RevisionStatus.APPROVED)


class StoredFile(Base):
    """A file in the content-addressed store, known by its SHA-256; never changed or removed."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_documents_organization_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, 24))
    #: The TTHC code of a per-procedure process, e.g. 1.001193 or 2.000815.000.00.00.H55.
    procedure_code: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Code, title and TTHC code folded as the lists' text filter compares them (``qms.listing.stored_folded``),
    #: kept with every write of them (``qms.documents.reading``): no row is folded while a list is read.
    folded_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[DocumentStatus] = mapped_column(enum_column(DocumentStatus, 24), default=DocumentStatus.ACTIVE)
    #: The periodic review interval: its organisation's for the kind, else the kind's default, set at creation and
    #: whenever the organisation changes it (qms.periodic_review.intervals).
    review_interval_months: Mapped[int] = mapped_column(Integer, default=12)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_name: Mapped[str | None] = mapped_column(String(200))
    withdrawn_by_title: Mapped[str | None] = mapped_column(String(200))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization] = relationship(lazy="joined")
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="document", order_by="Revision.number", lazy="selectin"
    )

    @property
    def current_revision(self) -> Revision | None:
        """The one effective revision, if any."""
        return next((r for r in self.revisions if r.status is RevisionStatus.EFFECTIVE), None)

    def __repr__(self) -> str:
        return f"<Document {self.code}>"


class Revision(Base):
    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_revisions_document_number"),
        # The database itself refuses a second effective (or pending approved) revision.
        Index(
            "uq_revisions_one_effective",
            "document_id",
            unique=True,
            sqlite_where=text("status = 'effective'"),
            postgresql_where=text("status = 'effective'"),
        ),
        Index(
            "uq_revisions_one_approved",
            "document_id",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
        Index("ix_revisions_status_effective_from", "status", "effective_from"),
        # Each revision's steps by document: the lists read as of a day answer from it (migration 0018).
        Index("ix_revisions_document_steps", "document_id", "status", "created_at", "submitted_at", "reviewed_at",
              "returned_at", "approved_at", "took_effect_at", "superseded_at", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    #: Upload sequence within the document: 1, 2, 3 … with no gaps, drafts included.
    number: Mapped[int] = mapped_column(Integer)
    #: Issue number (lần ban hành), given at approval: 1 for the first approved revision.
    issue_number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[RevisionStatus] = mapped_column(
        enum_column(RevisionStatus, 24), default=RevisionStatus.DRAFT, index=True
    )

    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    change_summary: Mapped[str] = mapped_column(Text)
    #: Text extracted from the file at upload (normalised); empty when the file has none.
    text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    has_text: Mapped[bool] = mapped_column(Boolean, default=False)

    # Who did what is copied as it was at the time: people leave and titles change.
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_by_name: Mapped[str] = mapped_column(String(200))
    drafted_by_title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_name: Mapped[str | None] = mapped_column(String(200))
    reviewed_by_title: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_name: Mapped[str | None] = mapped_column(String(200))
    approved_by_title: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    effective_from: Mapped[date | None] = mapped_column(Date)
    took_effect_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    returned_by_name: Mapped[str | None] = mapped_column(String(200))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_comment: Mapped[str | None] = mapped_column(Text)
    #: The revision in force when this one was uploaded (none when nothing was in force).
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    #: Why the reviewer passed / the approver approved despite error-level findings.
    review_reason: Mapped[str | None] = mapped_column(Text)
    approval_reason: Mapped[str | None] = mapped_column(Text)
    discarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    discarded_by_name: Mapped[str | None] = mapped_column(String(200))
    discard_reason: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="revisions", foreign_keys=[document_id])
    #: How the upload is processed (None: read at upload, before processing existed) and what it produced.
    processing: Mapped[RevisionProcessing | None] = relationship(lazy="selectin")
    rendition: Mapped[Rendition | None] = relationship(lazy="selectin")

    @property
    def is_current(self) -> bool:
        return self.status is RevisionStatus.EFFECTIVE

    @property
    def stale(self) -> bool:
        """Lỗi thời: still open, but another revision than its base has taken effect since it was uploaded."""
        return self.stale_against is not None

    @property
    def stale_against(self) -> Revision | None:
        """The revision now in force that this open revision was not based on, if any (the one rule of staleness)."""
        if self.status not in OPEN_STATUSES:
            return None
        current = self.document.current_revision
        if current is None or current.id == self.base_revision_id or current.id == self.id:
            return None
        return current

    def __repr__(self) -> str:
        return f"<Revision {self.document_id}#{self.number} {self.status}>"
