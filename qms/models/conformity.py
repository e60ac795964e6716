"""What the conformity check read from a revision's file and what it found, one row per revision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, utcnow
from qms.models.documents import Revision


class RevisionCheck(Base):
    """The latest check of a revision: re-checking replaces it (the audit log keeps what each check found)."""

    __tablename__ = "revision_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), unique=True)
    #: ``Structure.to_dict()`` as JSON.
    structure: Mapped[str] = mapped_column(Text, default="{}")
    #: A JSON list of ``Finding.to_dict()``.
    findings: Mapped[str] = mapped_column(Text, default="[]")
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checker_version: Mapped[str] = mapped_column(String(20), default="")

    revision: Mapped[Revision] = relationship()
