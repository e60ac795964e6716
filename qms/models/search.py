"""The ordered log of index operations that every search index applies after commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qms.models.base import Base, UTCDateTime, utcnow


class IndexOperation(Base):
    """Revision ``revision_id`` (or the record ``record``) changed in a way search must see; re-read it."""

    __tablename__ = "index_operations"

    #: Assigned from IndexLogHead under its row lock, so positions follow commit order.
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"), index=True)
    #: A record of the quality system as ``kind:id`` (``qms.search.record_entries``); its row is read when applied.
    record: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndexLogHead(Base):
    """One row: the last position handed out."""

    __tablename__ = "index_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
