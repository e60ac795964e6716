"""A restructure decided ahead of its day: kept until the day comes, then carried out (or cancelled)."""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.messages import Message
from qms.models.base import Base, UTCDateTime, enum_column, utcnow
from qms.models.organizations import OrganizationEvent, RestructureKind
from qms.models.users import User


class ScheduleState(enum.StrEnum):
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"
    #: The day came and the restructure could not be carried out (a clash appeared since); the reason is kept.
    FAILED = "failed"


class ScheduledRestructure(Base):
    """The request as the administrator made it (JSON), carried out by the daily job on or after ``effective_on``."""

    __tablename__ = "scheduled_restructures"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RestructureKind] = mapped_column(enum_column(RestructureKind, 16))
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    #: {"sources": [...], "targets": [...], "resolutions": {...}}
    request: Mapped[str] = mapped_column(Text)
    state: Mapped[ScheduleState] = mapped_column(enum_column(ScheduleState, 16), default=ScheduleState.SCHEDULED,
                                                 index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("organization_events.id"))
    #: Why it failed on its day.
    failure: Mapped[str | None] = mapped_column(Text)
    #: ``failure`` as its catalogue id and values (``Message.as_data``), so that a page shows it in its language.
    failure_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    event: Mapped[OrganizationEvent | None] = relationship()

    @property
    def failure_reason(self) -> Message | str | None:
        """Why it failed, as a Message; one stored before reasons kept their values stays its Vietnamese text."""
        return Message.from_data(self.failure_data) if self.failure_data else self.failure

    @property
    def asked(self) -> dict[str, Any]:
        """The request: ``sources`` (codes), ``targets`` ([{code, name, parent}]), ``resolutions``."""
        return dict(json.loads(self.request))
