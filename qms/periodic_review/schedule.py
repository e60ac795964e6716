"""When each document in force is next reviewed: its interval counted from the later of the effective date of the
issue in force and the last periodic review; and which documents are due, soon due or overdue, and to whom."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, joinedload, lazyload

from qms.documents import workflow
from qms.models import (
    Document,
    DocumentStatus,
    PeriodicReview,
    Revision,
    RevisionStatus,
    Role,
    User,
    UserRole,
)

#: How far ahead "due soon" looks on the dashboard and in the workspace.
DUE_SOON_DAYS = 30


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReviewDue:
    """A document in force and the day its periodic review falls due."""

    document: Document
    revision: Revision
    #: The later of the issue's effective date and the last periodic review.
    counted_from: date
    last_reviewed_on: date | None
    due_on: date
    on: date
    #: Who is told: the organisation's secretaries and approvers (filled by ``reviews_due``).
    notify: list[User] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.due_on < self.on

    @property
    def days_overdue(self) -> int:
        return max((self.on - self.due_on).days, 0)

    @property
    def days_left(self) -> int:
        return (self.due_on - self.on).days


def next_review_on(document: Document, last_reviewed_on: date | None) -> date | None:
    """None when nothing is in force (nothing to review)."""
    current = document.current_revision
    if current is None or current.effective_from is None or document.status is not DocumentStatus.ACTIVE:
        return None
    start = max(current.effective_from, last_reviewed_on or current.effective_from)
    return add_months(start, document.review_interval_months)


def last_reviews(session: Session, document_ids: Iterable[int], *, by: date | None = None) -> dict[int, date]:
    """The day of each document's last periodic review (on or before ``by``), whatever its outcome."""
    ids = list(document_ids)
    if not ids:
        return {}
    query = select(PeriodicReview.document_id, func.max(PeriodicReview.reviewed_on)).where(
        PeriodicReview.document_id.in_(ids))
    if by is not None:
        query = query.where(PeriodicReview.reviewed_on <= by)
    rows = session.execute(query.group_by(PeriodicReview.document_id))
    return dict(rows.all())


def due_on_day(session: Session, in_force: list[Revision], day: date) -> dict[int, date]:
    """Per document, the review day as it stood on ``day`` for the revision then in force (the registers)."""
    last = last_reviews(session, (revision.document_id for revision in in_force), by=day)
    due = {}
    for revision in in_force:
        if revision.effective_from is not None:
            start = max(revision.effective_from, last.get(revision.document_id) or revision.effective_from)
            due[revision.document_id] = add_months(start, revision.document.review_interval_months)
    return due


def first_start_due_by(day: date, months: int) -> date:
    """The earliest start whose review, ``months`` later, falls on ``day`` or after: a start before it is due before
    ``day`` (``add_months`` never goes back as its start moves on)."""
    try:
        start = add_months(day, -months)
        while add_months(start - timedelta(days=1), months) >= day:
            start -= timedelta(days=1)
    except (ValueError, OverflowError):
        return date.min  # ``day`` lies within ``months`` of the calendar's first day: nothing can be due before it
    while add_months(start, months) < day:
        start += timedelta(days=1)
    return start


def due_before(
    start: ColumnElement[Any] | QueryableAttribute[Any], months: ColumnElement[Any] | QueryableAttribute[Any],
    day: date, intervals: Iterable[int],
) -> ColumnElement[bool]:
    """``add_months(start, months) < day`` in SQL, for rows whose interval is one of ``intervals``."""
    clauses = [and_(months == interval, start < first_start_due_by(day, interval)) for interval in sorted(intervals)]
    return or_(*clauses) if clauses else false()


def intervals(session: Session) -> list[int]:
    """The review intervals documents have (a handful: 12, 24, 36 months)."""
    return list(session.scalars(select(Document.review_interval_months).distinct()))


def overdue_by_organization(session: Session, on: date) -> dict[int, int]:
    """Per organisation, how many documents in force are past their review day on ``on``: ``schedule(on=on,
    until=on - 1 day)`` of each organisation, counted in one query."""
    last = (select(PeriodicReview.document_id, func.max(PeriodicReview.reviewed_on).label("reviewed_on"))
            .group_by(PeriodicReview.document_id).subquery())
    start = case((last.c.reviewed_on > Revision.effective_from, last.c.reviewed_on), else_=Revision.effective_from)
    rows = session.execute(
        select(Document.organization_id, func.count(Revision.id))
        .join(Revision.document).outerjoin(last, last.c.document_id == Revision.document_id)
        .where(Document.status == DocumentStatus.ACTIVE, Revision.status == RevisionStatus.EFFECTIVE,
               Revision.effective_from.is_not(None),
               due_before(start, Document.review_interval_months, on, intervals(session)))
        .group_by(Document.organization_id)
    )
    return dict(rows.all())


def for_document(session: Session, document: Document, on: date) -> ReviewDue | None:
    """The document's schedule on a day; None when nothing of it is in force."""
    last = last_reviews(session, [document.id]).get(document.id)
    due_on = next_review_on(document, last)
    current = document.current_revision
    if due_on is None or current is None or current.effective_from is None:
        return None
    return ReviewDue(document, current, max(current.effective_from, last or current.effective_from), last, due_on, on)


def schedule(
    session: Session, *, on: date, organization_id: int | None = None, until: date | None = None
) -> list[ReviewDue]:
    """Every active document in force (of one organisation, or all) whose review falls due by ``until`` (None: any
    day), earliest first. The days are computed from columns; only the documents listed are loaded."""
    query = (
        select(Revision.id, Revision.document_id, Revision.effective_from, Document.review_interval_months)
        .join(Revision.document)
        .where(Document.status == DocumentStatus.ACTIVE, Revision.status == RevisionStatus.EFFECTIVE)
    )
    if organization_id is not None:
        query = query.where(Document.organization_id == organization_id)
    rows = session.execute(query).all()
    last = last_reviews(session, (document_id for _id, document_id, _from, _months in rows))
    picked: dict[int, tuple[date, date | None, date]] = {}
    for revision_id, document_id, effective_from, months in rows:
        if effective_from is None:
            continue
        reviewed = last.get(document_id)
        start = max(effective_from, reviewed or effective_from)
        due_on = add_months(start, months)
        if until is None or due_on <= until:
            picked[revision_id] = (start, reviewed, due_on)
    if not picked:
        return []
    # What a schedule shows is the document's code and title and the revision's own columns: the document's other
    # revisions and each revision's processing and rendition are left to be read if asked for.
    revisions = session.scalars(
        select(Revision).where(Revision.id.in_(picked))
        .options(joinedload(Revision.document).lazyload(Document.revisions), lazyload(Revision.processing),
                 lazyload(Revision.rendition)))
    items = [ReviewDue(revision.document, revision, *picked[revision.id], on) for revision in revisions]
    return sorted(items, key=lambda item: (item.due_on, item.document.code))


def reviews_due(
    session: Session, *, within_days: int, on: date, organization_id: int | None = None
) -> list[ReviewDue]:
    """Documents whose review falls due by ``on + within_days`` (overdue ones included), each with who is told: the
    organisation's active secretaries and approvers. For the notices: 30 days ahead, 0 (due today), overdue."""
    due = schedule(session, on=on, organization_id=organization_id, until=on + timedelta(days=within_days))
    people = _secretaries_and_approvers(session, {item.document.organization_id for item in due})
    return [
        ReviewDue(item.document, item.revision, item.counted_from, item.last_reviewed_on, item.due_on, on,
                  people.get(item.document.organization_id, []))
        for item in due
    ]


def reviews_overdue(session: Session, *, on: date, organization_id: int | None = None) -> list[ReviewDue]:
    """Documents whose review day has passed without a review."""
    return [item for item in reviews_due(session, within_days=0, on=on, organization_id=organization_id)
            if item.overdue]


def _secretaries_and_approvers(session: Session, organization_ids: set[int]) -> dict[int, list[User]]:
    if not organization_ids:
        return {}
    roles = (Role.SECRETARY, *workflow.PERIODIC_REVIEW_ROLES)
    found = session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organization_id.in_(organization_ids), User.is_active.is_(True), UserRole.role.in_(roles))
        .order_by(User.id).distinct()
    )
    people: dict[int, list[User]] = {}
    for user in found:
        people.setdefault(user.organization_id, []).append(user)
    return people
