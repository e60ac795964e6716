"""Legal normative documents, how they amend and replace one another, and what processes cite them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.documents import Document, Revision
from qms.models.users import User


class RelationKind(enum.StrEnum):
    AMENDS = "amends"
    REPLACES = "replaces"


class LegalDocument(Base):
    """A law, decree, circular or decision, known by its canonical number (NFC, Đ, no spaces)."""

    __tablename__ = "legal_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)
    doc_type: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(300), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    effective_from: Mapped[date | None] = mapped_column(Date)
    #: Added because a process cited it; a secretary completes it.
    is_stub: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LegalRelation(Base):
    """``source`` amends or replaces ``target`` from ``source.effective_from``."""

    __tablename__ = "legal_relations"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "kind", name="uq_legal_relations_source_target_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"), index=True)
    kind: Mapped[RelationKind] = mapped_column(enum_column(RelationKind))

    source: Mapped[LegalDocument] = relationship(foreign_keys=[source_id])
    target: Mapped[LegalDocument] = relationship(foreign_keys=[target_id])


class Citation(Base):
    """One entry of a revision's legal basis."""

    __tablename__ = "citations"
    __table_args__ = (
        UniqueConstraint("revision_id", "legal_document_id", name="uq_citations_revision_legal_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    legal_document_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"), index=True)
    #: The text as written in the document, e.g. "61/2018/ND-CP".
    raw: Mapped[str] = mapped_column(String(200), default="")
    #: "extracted" from the file at upload, or "manual" by the secretary.
    source: Mapped[str] = mapped_column(String(20), default="extracted")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    legal_document: Mapped[LegalDocument] = relationship(lazy="joined")
    revision: Mapped[Revision] = relationship()


class ReviewState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class LegalReview(Base):
    """A current process cites a legal document that has since been amended or replaced."""

    __tablename__ = "legal_reviews"
    __table_args__ = (
        UniqueConstraint("revision_id", "cited_id", "trigger_id", name="uq_legal_reviews_revision_cited_trigger"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    cited_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"))
    #: The document that amends or replaces the cited one.
    trigger_id: Mapped[int] = mapped_column(ForeignKey("legal_documents.id"))
    change: Mapped[RelationKind] = mapped_column(enum_column(RelationKind))
    #: From when the change applies (the trigger's effective date).
    since: Mapped[date | None] = mapped_column(Date)
    state: Mapped[ReviewState] = mapped_column(enum_column(ReviewState), default=ReviewState.OPEN, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "new_revision" (a new revision took effect) or "no_change" (reviewed, nothing to change).
    resolution: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    closed_by_name: Mapped[str | None] = mapped_column(String(200))
    closed_by_title: Mapped[str | None] = mapped_column(String(200))

    document: Mapped[Document] = relationship()
    revision: Mapped[Revision] = relationship()
    cited: Mapped[LegalDocument] = relationship(foreign_keys=[cited_id], lazy="joined")
    trigger: Mapped[LegalDocument] = relationship(foreign_keys=[trigger_id], lazy="joined")


class ProposalState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ProposalKind(enum.StrEnum):
    #: A document not in the register yet (or a stub to complete).
    CREATE = "create"
    #: A change of a registered document's fields or relations.
    UPDATE = "update"


class LegalProposal(Base):
    """A change of the legal register proposed by someone who does not keep it; a registrar accepts or declines it."""

    __tablename__ = "legal_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind))
    #: The canonical number of the document to add or change.
    number: Mapped[str] = mapped_column(String(100), index=True)
    #: The fields and relations proposed, as JSON values (dates as ISO strings).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Why the proposer asks for it.
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState), default=ProposalState.PENDING, index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The registrar's reason when declining.
    decision_reason: Mapped[str | None] = mapped_column(Text)

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
