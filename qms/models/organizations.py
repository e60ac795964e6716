"""Organisations: a tree of agencies whose codes and names can change, and the history of merges and splits."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, ForeignKey, Index, String, Text, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models.base import Base, UTCDateTime, enum_column, utcnow


class OrganizationStatus(enum.StrEnum):
    ACTIVE = "active"
    #: Merged into another organisation (``merged_into_id``) from ``ended_on``; kept readable, never deleted.
    MERGED = "merged"
    #: Split into several organisations from ``ended_on``.
    SPLIT = "split"


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[OrganizationStatus] = mapped_column(
        enum_column(OrganizationStatus, 16), default=OrganizationStatus.ACTIVE, server_default="active"
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    #: The first day it was formed by a merger or split (None: it was there from the start).
    formed_on: Mapped[date | None] = mapped_column(Date)
    #: The first day it no longer existed as itself (merged or split).
    ended_on: Mapped[date | None] = mapped_column(Date)

    parent: Mapped[Organization | None] = relationship(
        remote_side=[id], back_populates="children", foreign_keys=[parent_id]
    )
    children: Mapped[list[Organization]] = relationship(
        back_populates="parent", order_by="Organization.code", foreign_keys=[parent_id]
    )
    merged_into: Mapped[Organization | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    @property
    def is_active(self) -> bool:
        return self.status is OrganizationStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"


class RestructureKind(enum.StrEnum):
    MERGE = "merge"
    SPLIT = "split"
    MOVE = "move"
    RENAME = "rename"


class OrganizationEvent(Base):
    """One restructuring of the tree as of a day: which organisations went in and which came out."""

    __tablename__ = "organization_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RestructureKind] = mapped_column(enum_column(RestructureKind, 16))
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    #: What was carried, as the audit entry records it (JSON).
    details: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    members: Mapped[list[OrganizationEventMember]] = relationship(
        back_populates="event", lazy="selectin", order_by="OrganizationEventMember.id"
    )

    @property
    def sources(self) -> list[Organization]:
        return [m.organization for m in self.members if m.side == "source"]

    @property
    def targets(self) -> list[Organization]:
        return [m.organization for m in self.members if m.side == "target"]


class OrganizationEventMember(Base):
    """An organisation on one side of an event: ``source`` (went in) or ``target`` (came out)."""

    __tablename__ = "organization_event_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("organization_events.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    side: Mapped[str] = mapped_column(String(8))

    event: Mapped[OrganizationEvent] = relationship(back_populates="members")
    organization: Mapped[Organization] = relationship(lazy="joined")


class OwnershipInterval:
    """Where a thing belonged from one day to another (both inclusive; None: open), as a restructure wrote it.

    Documents and records of the quality system keep their history in rows of this shape and read it alike.
    """

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("organization_events.id"))

    @classmethod
    def covering(cls, day: Any) -> ColumnElement[bool]:
        """The interval holds ``day`` (a date, or a date column of the thing)."""
        return and_(or_(cls.valid_from.is_(None), cls.valid_from <= day),
                    or_(cls.valid_until.is_(None), cls.valid_until >= day))


class DocumentOwnership(OwnershipInterval, Base):
    """A document belonged to an organisation, under a code, from one day to another (both inclusive; None: open).

    A document without rows has always belonged to its ``organization_id``; a restructure writes the closed
    interval of the former owner and the open one of the new owner, so the past is read from here.
    """

    __tablename__ = "document_ownerships"
    __table_args__ = (Index("ix_document_ownerships_organization_id_valid_from", "organization_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    #: The document's code while it belonged there (a clash resolved in a merger gives it a new one).
    code: Mapped[str] = mapped_column(String(64))

    organization: Mapped[Organization] = relationship(lazy="joined")
