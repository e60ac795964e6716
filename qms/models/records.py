"""Records of the quality system (hồ sơ): evidence kept beside the documents, never changed away or deleted.

Each record names its files by SHA-256 in the same content-addressed store as the revisions, and every creation or
change is an entry of the one audit chain. The rules live in ``qms.records``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Date, ForeignKey, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.documents import Document
from qms.models.organizations import Organization, OwnershipInterval


class Publication(Base):
    """A decision publishing (công bố) or re-publishing (công bố lại) the QMS, with the scope it covered."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    signed_on: Mapped[date] = mapped_column(Date)
    signer: Mapped[str] = mapped_column(String(200))
    #: The TTHC codes the decision covers, as published (a snapshot, sorted).
    scope: Mapped[list[str]] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    posted_office_on: Mapped[date | None] = mapped_column(Date)
    posted_website_on: Mapped[date | None] = mapped_column(Date)
    website_url: Mapped[str] = mapped_column(String(500), default="")
    #: The notification to the provincial coordinating body (Sở KH&CN).
    notified_on: Mapped[date | None] = mapped_column(Date)
    notified_to: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(200))

    organization: Mapped[Organization] = relationship(lazy="joined")


class InternalAudit(Base):
    """An internal audit (đánh giá nội bộ): its plan, its report and its findings."""

    __tablename__ = "internal_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    auditors: Mapped[list[str]] = mapped_column(JSON)
    #: The processes (document codes or names) the plan covers.
    processes: Mapped[list[str]] = mapped_column(JSON)
    report_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    report_filename: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(200))

    organization: Mapped[Organization] = relationship(lazy="joined")
    findings: Mapped[list[AuditFinding]] = relationship(
        back_populates="audit", order_by="AuditFinding.id", lazy="selectin"
    )


class FindingKind(enum.StrEnum):
    NONCONFORMITY = "nonconformity"
    OBSERVATION = "observation"


class AuditFinding(Base):
    """A nonconformity or an observation of an internal audit, linked to the documents it concerns."""

    __tablename__ = "audit_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("internal_audits.id"), index=True)
    kind: Mapped[FindingKind] = mapped_column(enum_column(FindingKind, 20))
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(200))

    audit: Mapped[InternalAudit] = relationship(back_populates="findings")
    documents: Mapped[list[Document]] = relationship(
        secondary="audit_finding_documents", order_by="Document.code", lazy="selectin"
    )
    corrective_action: Mapped[CorrectiveAction | None] = relationship(back_populates="finding", lazy="selectin")


class AuditFindingDocument(Base):
    __tablename__ = "audit_finding_documents"

    finding_id: Mapped[int] = mapped_column(ForeignKey("audit_findings.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True, index=True)


class CorrectiveAction(Base):
    """The action taken on a nonconformity; whether it is closed is computed (``qms.records.corrective_actions``)."""

    __tablename__ = "corrective_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("audit_findings.id"), unique=True)
    cause: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(200))
    #: An approver's record that the action was carried out and worked, with the evidence.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_name: Mapped[str | None] = mapped_column(String(200))
    verified_by_title: Mapped[str | None] = mapped_column(String(200))
    verification_note: Mapped[str | None] = mapped_column(Text)
    evidence_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    evidence_filename: Mapped[str | None] = mapped_column(String(255))

    finding: Mapped[AuditFinding] = relationship(back_populates="corrective_action")


class ManagementReview(Base):
    """A management review (xem xét của lãnh đạo): its inputs, decisions and minutes."""

    __tablename__ = "management_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    chair: Mapped[str] = mapped_column(String(200))
    #: Input name (``qms.records.management_reviews.INPUT_LABELS``) → what was reviewed.
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    decisions: Mapped[str] = mapped_column(Text)
    minutes_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    minutes_filename: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(200))

    organization: Mapped[Organization] = relationship(lazy="joined")


class QualityObjective(Base):
    """One quality objective of a year, with its target; approved by an approver of the organisation."""

    __tablename__ = "quality_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_name: Mapped[str | None] = mapped_column(String(200))
    approved_by_title: Mapped[str | None] = mapped_column(String(200))

    organization: Mapped[Organization] = relationship(lazy="joined")
    results: Mapped[list[ObjectiveResult]] = relationship(
        back_populates="objective", order_by="(ObjectiveResult.measured_on, ObjectiveResult.id)", lazy="selectin"
    )


class ObjectiveResult(Base):
    """A result measured during the year against an objective."""

    __tablename__ = "objective_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("quality_objectives.id"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(200))

    objective: Mapped[QualityObjective] = relationship(back_populates="results")


class EffectivenessConfirmation(Base):
    """The head of the agency confirms the system effective for a year: one per year of each organisation's own
    (``qms.records.confirmations``); a merged organisation also holds those its predecessors gave."""

    __tablename__ = "effectiveness_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    confirmed_on: Mapped[date] = mapped_column(Date)
    statement: Mapped[str] = mapped_column(Text)
    confirmed_by_name: Mapped[str] = mapped_column(String(200))
    confirmed_by_title: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    filename: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")


class RecordOwnership(OwnershipInterval, Base):
    """A record of the quality system belonged to an organisation from one day to another (both inclusive).

    One table for every kind of record (``record_kind`` names its table's record, as audit subjects do), read as
    documents' intervals are: a record without rows has always belonged to its ``organization_id``; a restructure
    writes the closed interval of the former holder and the open one of the new holder.
    """

    __tablename__ = "record_ownerships"
    __table_args__ = (
        Index("ix_record_ownerships_record", "record_kind", "record_id"),
        Index("ix_record_ownerships_organization_id_valid_from", "organization_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: publication | internal_audit | management_review | quality_objective | effectiveness_confirmation.
    record_kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)

    organization: Mapped[Organization] = relationship(lazy="joined")


#: Each kind of record a restructure carries, by the name ``record_ownerships`` gives it (findings, corrective
#: actions and results go with their audit or objective).
CARRIED_RECORDS: dict[str, Any] = {
    "publication": Publication,
    "internal_audit": InternalAudit,
    "management_review": ManagementReview,
    "quality_objective": QualityObjective,
    "effectiveness_confirmation": EffectivenessConfirmation,
}
_CARRIED_KIND = {model: kind for kind, model in CARRIED_RECORDS.items()}


def record_holder_on(model: Any, day: date) -> ColumnElement[int]:
    """The organisation that held each record of ``model`` on ``day``: its interval of that day, else its
    organisation (which has then always held it)."""
    covering = (
        select(RecordOwnership.organization_id)
        .where(RecordOwnership.record_kind == _CARRIED_KIND[model], RecordOwnership.record_id == model.id,
               RecordOwnership.covering(day))
        .limit(1).scalar_subquery()
    )
    return func.coalesce(covering, model.organization_id)
