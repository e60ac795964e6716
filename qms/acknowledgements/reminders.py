"""Reminders: requests still unread some days after the revision took effect, with whom to tell.

The notices tell the reader, then the organisation's secretaries; this module only says who and what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import settings
from qms import clock
from qms.models import (
    AcknowledgementRequest,
    Document,
    DocumentStatus,
    Revision,
    RevisionStatus,
    Role,
    User,
    UserRole,
)


def reminder_days() -> int:
    """QMS_ACKNOWLEDGE_DAYS (7 unless set): the days a reader has before a reminder."""
    return int(current_app.config["ACKNOWLEDGE_DAYS"]) if has_app_context() else settings.ACKNOWLEDGE_DAYS


@dataclass(frozen=True)
class OverdueAcknowledgement:
    request: AcknowledgementRequest
    requested_on: date
    days_waiting: int
    #: The organisation's active secretaries, told after the reader.
    secretaries: list[User] = field(default_factory=list)

    @property
    def user(self) -> User:
        return self.request.user

    @property
    def revision(self) -> Revision:
        return self.request.revision


def acknowledgements_overdue(session: Session, *, on: date, days: int | None = None) -> list[OverdueAcknowledgement]:
    """Unread requests of revisions in force asked ``days`` (QMS_ACKNOWLEDGE_DAYS) or more days before ``on``, by
    active users; oldest first."""
    wait = reminder_days() if days is None else days
    rows = session.scalars(
        select(AcknowledgementRequest).join(AcknowledgementRequest.user)
        .join(Revision, Revision.id == AcknowledgementRequest.revision_id).join(Revision.document)
        .where(AcknowledgementRequest.acknowledged_at.is_(None), AcknowledgementRequest.closed_at.is_(None),
               User.is_active.is_(True), Revision.status == RevisionStatus.EFFECTIVE,
               Document.status == DocumentStatus.ACTIVE)
        .order_by(AcknowledgementRequest.requested_at, AcknowledgementRequest.id)
    )
    late = []
    for row in rows:
        asked = clock.local_day(row.requested_at)
        assert asked is not None
        if asked + timedelta(days=wait) <= on:
            late.append((row, asked))
    secretaries = _secretaries(session, {row.revision.document.organization_id for row, _asked in late})
    return [
        OverdueAcknowledgement(row, asked, (on - asked).days,
                               secretaries.get(row.revision.document.organization_id, []))
        for row, asked in late
    ]


def _secretaries(session: Session, organization_ids: set[int]) -> dict[int, list[User]]:
    if not organization_ids:
        return {}
    found = session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organization_id.in_(organization_ids), User.is_active.is_(True), UserRole.role == Role.SECRETARY)
        .order_by(User.id)
    )
    people: dict[int, list[User]] = {}
    for user in found:
        people.setdefault(user.organization_id, []).append(user)
    return people
