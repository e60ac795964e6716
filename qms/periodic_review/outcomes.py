"""The approver's periodic review of a document in force: «còn phù hợp» restarts the clock, «cần sửa đổi» opens a
task for the secretaries that closes when a new revision of the document takes effect."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock, listing
from qms.accounts import permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.documents import locks, workflow
from qms.documents.reading import get_document
from qms.errors import Conflict, Invalid
from qms.models import Document, DocumentStatus, PeriodicReview, ReviewOutcome, Revision, User
from qms.periodic_review import schedule

OUTCOME_LABELS = {
    ReviewOutcome.NO_CHANGE: "Còn phù hợp, không cần sửa đổi",
    ReviewOutcome.REVISE: "Cần sửa đổi",
}


def record(session: Session, actor: User, document_id: int, *, outcome: str, reason: str | None,
           today: date) -> PeriodicReview:
    """Record the outcome, with its reason, of the review of the revision in force; at any time, due or not."""
    document = get_document(session, actor, document_id)
    permissions.require_role(actor, workflow.PERIODIC_REVIEW_ROLES, document.organization_id)
    try:
        chosen = ReviewOutcome(outcome)
    except ValueError:
        raise Invalid("Kết quả xem xét phải là «còn phù hợp» hoặc «cần sửa đổi».", code="invalid_outcome") from None
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("Cần ghi lý do (nhận xét) của kết quả xem xét định kỳ.", code="reason_required")
    with unit_of_work(session):
        document = locks.lock_document(session, document.id)
        current = document.current_revision
        if document.status is not DocumentStatus.ACTIVE or current is None:
            raise Conflict("Tài liệu không có lần ban hành nào đang hiệu lực để xem xét.", code="nothing_in_force")
        if chosen is ReviewOutcome.REVISE and open_task(session, document.id) is not None:
            raise Conflict("Tài liệu đã có yêu cầu sửa đổi đang chờ một lần ban hành mới.", code="revision_pending")
        due_before = schedule.for_document(session, document, today)
        review = PeriodicReview(
            document_id=document.id, revision_id=current.id, outcome=chosen, reason=reason, reviewed_on=today,
            recorded_at=clock.now(), reviewed_by_id=actor.id, reviewed_by_name=actor.full_name,
            reviewed_by_title=actor.title,
        )
        session.add(review)
        session.flush()
        trail.record(session, "periodic_review", actor=actor, revision=current, details={
            "outcome": chosen.value, "reason": reason, "issue_number": current.issue_number,
            "due_on": due_before.due_on.isoformat() if due_before else None,
            "next_review_on": schedule.add_months(today, document.review_interval_months).isoformat(),
        })
    return review


def open_task(session: Session, document_id: int) -> PeriodicReview | None:
    """The document's «cần sửa đổi» still waiting for a new revision to take effect."""
    return session.scalar(
        select(PeriodicReview).where(PeriodicReview.document_id == document_id,
                                     PeriodicReview.outcome == ReviewOutcome.REVISE,
                                     PeriodicReview.closed_at.is_(None))
    )


def open_tasks(session: Session, organization_id: int) -> list[PeriodicReview]:
    """The organisation's revision tasks, for its secretaries' workspace, oldest first."""
    return list(session.scalars(
        select(PeriodicReview).join(PeriodicReview.document)
        .where(Document.organization_id == organization_id, PeriodicReview.outcome == ReviewOutcome.REVISE,
               PeriodicReview.closed_at.is_(None), Document.status == DocumentStatus.ACTIVE)
        .order_by(PeriodicReview.reviewed_on, PeriodicReview.id)
    ))


def history(session: Session, document_id: int) -> list[PeriodicReview]:
    """The document's periodic reviews, newest first."""
    return list(session.scalars(
        select(PeriodicReview).where(PeriodicReview.document_id == document_id)
        .order_by(PeriodicReview.reviewed_on.desc(), PeriodicReview.id.desc())
    ))


#: Newest reviewed first unless asked otherwise.
SORTING = listing.Sorting(
    columns={"reviewed_on": (PeriodicReview.reviewed_on,), "outcome": (PeriodicReview.outcome,)},
    default="reviewed_on",
    tiebreak=(PeriodicReview.id.desc(),),
    descending_first=frozenset({"reviewed_on"}),
)


def history_page(
    session: Session, viewer: User, document_id: int, request: listing.ListRequest
) -> listing.ListPage[PeriodicReview]:
    """A page of the periodic reviews of a document the viewer reads, newest first; the text matches the reason and
    who reviewed."""
    document = get_document(session, viewer, document_id)
    query = select(PeriodicReview).where(PeriodicReview.document_id == document.id)
    return listing.page_of(session, query, request, SORTING,
                           text=(PeriodicReview.reason, PeriodicReview.reviewed_by_name))


def close_on_take_effect(session: Session, revision: Revision) -> None:
    """Inside the lifecycle's unit of work: a new revision in force answers the document's revision task."""
    task = open_task(session, revision.document_id)
    if task is not None:
        task.closed_at = clock.now()
        task.closed_by_revision_id = revision.id
