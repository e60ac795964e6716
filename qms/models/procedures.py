"""The TTHC catalogue of each organisation and the links from process documents to it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.organizations import Organization


class TimeUnit(enum.StrEnum):
    """Units of a statutory processing time (thời hạn giải quyết)."""

    WORKING_DAY = "working_day"
    DAY = "day"
    WORKING_HOUR = "working_hour"
    HOUR = "hour"
    SAME_DAY = "same_day"
    MONTH = "month"


class Procedure(Base):
    """An administrative procedure (TTHC) on an organisation's list; abolished ones are kept."""

    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("organization_id", "code", name="uq_procedures_organization_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: National (1.001193) or provincial (2.000815.000.00.00.H55, 1.012753.H19) form, as published.
    code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[str] = mapped_column(String(100), default="")
    #: The statutory time as published, and as parsed (None when it could not be read).
    time_text: Mapped[str] = mapped_column(String(300), default="")
    time_value: Mapped[float | None] = mapped_column(Float)
    time_unit: Mapped[TimeUnit | None] = mapped_column(
        enum_column(TimeUnit)
    )
    fee: Mapped[str] = mapped_column(Text, default="")
    is_abolished: Mapped[bool] = mapped_column(Boolean, default=False)
    abolished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()


class DocumentProcedure(Base):
    """A process document serves this TTHC code (set by hand or read from the document)."""

    __tablename__ = "document_procedures"
    __table_args__ = (UniqueConstraint("document_id", "procedure_code", name="uq_document_procedures_document_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    procedure_code: Mapped[str] = mapped_column(String(64), index=True)
    #: "manual" or "document"
    source: Mapped[str] = mapped_column(String(20), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcedureTransfer(Base):
    """A catalogue row carried from one organisation to another by a restructure, from ``effective_on``."""

    __tablename__ = "procedure_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    from_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    to_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    effective_on: Mapped[date] = mapped_column(Date)
    event_id: Mapped[int] = mapped_column(ForeignKey("organization_events.id"))
