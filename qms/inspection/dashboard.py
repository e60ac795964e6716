"""What an organisation's document control needs next, on one page: the secretary's and approver's view."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import conformity
from qms.accounts import permissions
from qms.catalogue import coverage
from qms.catalogue.coverage import Coverage
from qms.errors import NotFound
from qms.inspection import workspace
from qms.legal import reviews as legal_reviews
from qms.legal.reviews import ReviewItem
from qms.models import Document, DocumentStatus, Organization, Revision, RevisionStatus, User


@dataclass(frozen=True)
class OverdueReview:
    """A document whose current revision is older than its periodic review interval."""

    document: Document
    revision: Revision
    due_on: date
    days_overdue: int


@dataclass
class Dashboard:
    organization: Organization
    coverage: Coverage
    #: Open legal review items, oldest change first.
    open_reviews: list[ReviewItem] = field(default_factory=list)
    awaiting_review: list[Revision] = field(default_factory=list)
    awaiting_approval: list[Revision] = field(default_factory=list)
    overdue_reviews: list[OverdueReview] = field(default_factory=list)
    #: What waits for the viewer, counted as the header and the workspace count it (``Workspace.count``).
    waiting_for_viewer: int = 0
    #: Processes in force whose current revision has conformity findings, by code.
    findings: list[conformity.ProcessFindings] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def overdue_reviews(session: Session, organization_id: int, today: date) -> list[OverdueReview]:
    """Each document is reviewed every ``review_interval_months`` from its last effective revision."""
    current = session.scalars(
        select(Revision)
        .join(Revision.document)
        .where(
            Document.organization_id == organization_id,
            Document.status == DocumentStatus.ACTIVE,
            Revision.status == RevisionStatus.EFFECTIVE,
        )
    )
    overdue = []
    for revision in current:
        if revision.effective_from is None:
            continue
        due = add_months(revision.effective_from, revision.document.review_interval_months)
        if due < today:
            overdue.append(OverdueReview(revision.document, revision, due, (today - due).days))
    return sorted(overdue, key=lambda item: item.due_on)


def _waiting(session: Session, organization_id: int, status: RevisionStatus) -> list[Revision]:
    return list(
        session.scalars(
            select(Revision)
            .join(Revision.document)
            .where(Document.organization_id == organization_id, Revision.status == status)
            .order_by(Revision.submitted_at, Revision.id)
        )
    )


def for_organization(session: Session, viewer: User, organization_code: str, today: date) -> Dashboard:
    """The control roles of the organisation and inspectors; staff, who see current documents only, see none."""
    organization = session.scalar(select(Organization).where(Organization.code == organization_code))
    if organization is None or not permissions.can_read(viewer, organization.id):
        raise NotFound("Không tìm thấy đơn vị.")
    if not permissions.sees_non_current(viewer):
        raise NotFound("Không tìm thấy đơn vị.")
    return Dashboard(
        organization=organization,
        coverage=coverage.coverage(session, viewer, organization.code),
        open_reviews=legal_reviews.reviews(session, viewer, organization.code, "open", today=today),
        awaiting_review=_waiting(session, organization.id, RevisionStatus.IN_REVIEW),
        awaiting_approval=_waiting(session, organization.id, RevisionStatus.REVIEWED),
        overdue_reviews=overdue_reviews(session, organization.id, today),
        waiting_for_viewer=workspace.for_user(session, viewer, today).count,
        findings=conformity.organization_findings(session, viewer, organization.code),
    )
