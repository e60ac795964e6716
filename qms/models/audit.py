"""The append-only, hash-chained audit log; rows are written only by qms.audit.trail.record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qms.models.base import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    #: Position in the chain, 1, 2, 3 … with no gaps; assigned from AuditHead, not by the database.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_username: Mapped[str | None] = mapped_column(String(64))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    actor_title: Mapped[str | None] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"), index=True)
    #: What else the entry is about, e.g. "user:12" or "organization:3".
    subject: Mapped[str | None] = mapped_column(String(80))
    #: Canonical JSON text, stored as text so the hash is recomputed from the very bytes hashed.
    details: Mapped[str] = mapped_column(Text, default="{}")
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row: the last position and hash of the chain; updating it serialises appenders."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class AuditVerification(Base):
    """One full walk of the audit chain and what it found, kept so a page can rely on it and walk only the entries
    written after it (``qms.audit.verification``)."""

    __tablename__ = "audit_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Who asked: ``scheduled`` (the worker), ``verify`` (the command or the API), ``overview`` (none was recent).
    source: Mapped[str] = mapped_column(String(40))
    #: The last entry the walk read, and its hash: the next walk starts there and must find it unchanged.
    through_seq: Mapped[int] = mapped_column(Integer)
    through_hash: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer)
    ok: Mapped[bool] = mapped_column(Boolean)
    first_bad: Mapped[str | None] = mapped_column(Text)
    #: How many problems the walk found; the first ``PROBLEMS_KEPT`` of them are in ``problems``.
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    #: JSON list of the problems, in the order of the walk.
    problems: Mapped[str] = mapped_column(Text, default="[]")
    #: JSON list of the ids of the organisations that own a bad entry or revision row.
    bad_organizations: Mapped[str] = mapped_column(Text, default="[]")
