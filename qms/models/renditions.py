"""How an upload is processed after it is stored, and the rendition a conversion or a recognition produced."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qms.models.base import Base, UTCDateTime, utcnow


class ProcessingState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class TextSource(enum.StrEnum):
    """Where a revision's text comes from: the file itself, its conversion, or character recognition."""

    FILE = "file"
    CONVERSION = "conversion"
    OCR = "ocr"


class RevisionProcessing(Base):
    """One row per revision uploaded since processing exists; a revision without one was read at upload (done)."""

    __tablename__ = "revision_processing"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), primary_key=True)
    #: What the upload really is (filetypes.sniff): docx, pdf, doc, odt, rtf, jpg, png, tif.
    file_type: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default=ProcessingState.QUEUED, index=True)
    #: Why it failed (Vietnamese, shown on the page), or what it is waiting for.
    detail: Mapped[str | None] = mapped_column(Text)
    #: ``detail`` as its catalogue id and values (``Message.as_data``), so that a page shows it in its language.
    detail_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: ``host:pid`` of the worker that runs it; lets a restarted worker take back what its predecessor held.
    claim: Mapped[str | None] = mapped_column(String(120))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text_source: Mapped[str | None] = mapped_column(String(16))
    #: Mean word confidence of the recognition, 0-100.
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rendition(Base):
    """The file the text was read from when the upload is not it: a .docx conversion or a searchable PDF.

    Stored content-addressed beside the original (which stays the record); a rebuild replaces the row.
    """

    __tablename__ = "renditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), unique=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"))
    kind: Mapped[str] = mapped_column(String(8))  # docx | pdf
    producer: Mapped[str] = mapped_column(String(120))
    producer_version: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FileReading(Base):
    """The text of a record's file that a worker converts or recognises (.doc, .odt, .rtf, scans, pictures).

    Keyed by the file's hash: the same bytes read the same whichever records name them. A record's file that is
    read at once (.docx, PDF with a text layer) has no row; search reads it from the store.
    """

    __tablename__ = "file_readings"

    sha256: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"), primary_key=True)
    #: What the file really is (filetypes.sniff).
    file_type: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default=ProcessingState.QUEUED, index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    text_source: Mapped[str | None] = mapped_column(String(16))
    #: Why it failed (Vietnamese).
    detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
