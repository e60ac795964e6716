"""Notices: a person told of an event (in the application, and by e-mail when they want it)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.users import User


class MailState(enum.StrEnum):
    """Where a notice's e-mail stands; the in-app notice exists whatever happens to its mail."""

    #: No mail: the person has no address or wants none, or mail is off.
    NONE = "none"
    #: To be mailed on its own (the person wants a mail per event).
    PENDING = "pending"
    #: Claimed by a sender; back to pending if the sender dies (after a lease) or the server refuses.
    SENDING = "sending"
    #: Waiting for the person's daily digest.
    DIGEST = "digest"
    SENT = "sent"
    #: Given up after the last attempt; the error is kept.
    FAILED = "failed"


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_recipient_read", "recipient_id", "read_at"),
        Index("ix_notices_mail_state", "mail_state"),
        # Ids are never reused (SQLite would reuse a rolled-back one), so a job for a notice never meets another.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: A code of the event registry (``qms.notices.events``).
    event: Mapped[str] = mapped_column(String(64))
    #: What the event's text needs (code, title, number, comment, dates as ISO strings); never a document's content.
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The path of the page where the action is (absolute in mail, with QMS_BASE_URL).
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_state: Mapped[MailState] = mapped_column(enum_column(MailState), default=MailState.NONE)
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mail_attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last refusal or failure of the mail server, as it said it.
    mail_error: Mapped[str | None] = mapped_column(String(500))
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship(lazy="joined")
