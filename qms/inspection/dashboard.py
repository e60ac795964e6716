"""What an organisation's document control needs next, on one page: the secretary's and approver's view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import conformity
from qms.accounts import permissions
from qms.acknowledgements import status as acknowledgement_status
from qms.catalogue import coverage
from qms.catalogue.coverage import Coverage
from qms.errors import NotFound
from qms.inspection import workspace
from qms.legal import reviews as legal_reviews
from qms.legal.reviews import ReviewItem
from qms.models import Document, Organization, Revision, RevisionStatus, User
from qms.periodic_review import schedule
from qms.periodic_review.schedule import ReviewDue, add_months

__all__ = ["Dashboard", "add_months", "for_organization", "overdue_reviews"]


@dataclass
class Dashboard:
    organization: Organization
    coverage: Coverage
    #: Open legal review items, oldest change first.
    open_reviews: list[ReviewItem] = field(default_factory=list)
    awaiting_review: list[Revision] = field(default_factory=list)
    awaiting_approval: list[Revision] = field(default_factory=list)
    overdue_reviews: list[ReviewDue] = field(default_factory=list)
    #: Reviews falling due within ``schedule.DUE_SOON_DAYS``, not yet overdue.
    reviews_due_soon: list[ReviewDue] = field(default_factory=list)
    #: Documents in force whose readers have not all confirmed «đã đọc và hiểu», with their rate.
    unread: list[tuple[Document, acknowledgement_status.Rate]] = field(default_factory=list)
    #: What waits for the viewer, counted as the header and the workspace count it (``Workspace.count``).
    waiting_for_viewer: int = 0
    #: Processes in force whose current revision has conformity findings, by code.
    findings: list[conformity.ProcessFindings] = field(default_factory=list)


def overdue_reviews(session: Session, organization_id: int, today: date) -> list[ReviewDue]:
    """Documents in force past their periodic review day (qms.periodic_review.schedule)."""
    return schedule.schedule(session, on=today, organization_id=organization_id, until=today - timedelta(days=1))


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
    planned = schedule.schedule(session, on=today, organization_id=organization.id,
                                until=today + timedelta(days=schedule.DUE_SOON_DAYS))
    rates = acknowledgement_status.pending_by_document(session, organization.id)
    unread_ids = [document_id for document_id, rate in rates.items() if rate.acknowledged < rate.required]
    unread = [(document, rates[document.id]) for document in session.scalars(
        select(Document).where(Document.id.in_(unread_ids)).order_by(Document.code))] if unread_ids else []
    return Dashboard(
        organization=organization,
        coverage=coverage.coverage(session, viewer, organization.code),
        open_reviews=legal_reviews.reviews(session, viewer, organization.code, "open", today=today),
        awaiting_review=_waiting(session, organization.id, RevisionStatus.IN_REVIEW),
        awaiting_approval=_waiting(session, organization.id, RevisionStatus.REVIEWED),
        overdue_reviews=[item for item in planned if item.overdue],
        reviews_due_soon=[item for item in planned if not item.overdue and item.days_left <= schedule.DUE_SOON_DAYS],
        unread=unread,
        waiting_for_viewer=workspace.for_user(session, viewer, today).count,
        findings=conformity.organization_findings(session, viewer, organization.code),
    )
