"""The ordered log of index operations that every search index applies after commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from qms.models.base import Base, UTCDateTime, utcnow


class IndexOperation(Base):
    """Revision ``revision_id`` changed in a way search must see; re-read it from the database."""

    __tablename__ = "index_operations"

    #: Assigned from IndexLogHead under its row lock, so positions follow commit order.
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndexLogHead(Base):
    """One row: the last position handed out."""

    __tablename__ = "index_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
