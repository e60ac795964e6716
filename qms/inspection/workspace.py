"""What waits for one person, by role: the secretary's drafts, returns, legal reviews and processes with findings;
the reviewer's and approver's revisions with their change description, findings and the revision in force."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from qms.acknowledgements import status as acknowledgement_status
from qms.conformity import Finding, ProcessFindings, organization_findings
from qms.conformity.store import stored_checks
from qms.documents import reading, workflow
from qms.legal import reviews as legal_reviews
from qms.legal.reviews import ReviewItem
from qms.models import AcknowledgementRequest, PeriodicReview, Revision, RevisionStatus, Role, User
from qms.periodic_review import outcomes, schedule
from qms.periodic_review.schedule import ReviewDue
from qms.records import corrective_actions
from qms.records.corrective_actions import ActionState


@dataclass(frozen=True)
class Pending:
    """A revision waiting for a decision, with what the decision needs."""

    revision: Revision
    #: The revision in force the new one would replace, for the difference; None for a first issue.
    current: Revision | None
    #: None when the revision was never checked (uploaded before the checks existed).
    findings: list[Finding] | None


@dataclass
class Workspace:
    drafts: list[Revision] = field(default_factory=list)
    returned: list[Revision] = field(default_factory=list)
    legal_reviews: list[ReviewItem] = field(default_factory=list)
    findings: list[ProcessFindings] = field(default_factory=list)
    to_review: list[Pending] = field(default_factory=list)
    to_approve: list[Pending] = field(default_factory=list)
    #: Corrective actions of the organisation past their due date, for its secretaries and approvers.
    overdue_actions: list[ActionState] = field(default_factory=list)
    #: Revisions in force this person is asked to read and confirm («Tôi đã đọc và hiểu»).
    to_acknowledge: list[AcknowledgementRequest] = field(default_factory=list)
    #: The approver's periodic reviews due within ``schedule.DUE_SOON_DAYS`` or overdue.
    reviews_due: list[ReviewDue] = field(default_factory=list)
    #: The secretary's documents a periodic review found «cần sửa đổi», until a new revision takes effect.
    revision_tasks: list[PeriodicReview] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Every item waiting, as the header, the workspace and the dashboard all show it."""
        lists = (self.drafts, self.returned, self.legal_reviews, self.findings, self.to_review, self.to_approve,
                 self.overdue_actions, self.to_acknowledge, self.reviews_due, self.revision_tasks)
        return sum(len(items) for items in lists)


def _pending(session: Session, revisions: list[Revision]) -> list[Pending]:
    checks = stored_checks(session, [revision.id for revision in revisions])
    return [
        Pending(
            revision,
            revision.document.current_revision,
            checks[revision.id].findings if revision.id in checks else None,
        )
        for revision in revisions
    ]


def for_user(session: Session, user: User, today: date) -> Workspace:
    """Only what the user's roles act on; drafts are the user's own, everything else the organisation's."""
    waiting = reading.awaiting_action(session, user)
    space = Workspace(to_acknowledge=acknowledgement_status.pending_for(session, user))
    if user.has_role(*workflow.PERIODIC_REVIEW_ROLES):
        space.reviews_due = schedule.reviews_due(session, within_days=schedule.DUE_SOON_DAYS, on=today,
                                                 organization_id=user.organization_id)
    if user.has_role(Role.SECRETARY):
        space.revision_tasks = outcomes.open_tasks(session, user.organization_id)
        code = user.organization.code
        space.drafts = [r for r in waiting if r.status is RevisionStatus.DRAFT and r.drafted_by_id == user.id]
        space.returned = [r for r in waiting if r.status is RevisionStatus.RETURNED]
        space.legal_reviews = legal_reviews.reviews(session, user, code, "open", today=today)
        space.findings = organization_findings(session, user, code)
    if user.has_role(Role.REVIEWER):
        space.to_review = _pending(session, [r for r in waiting if r.status is RevisionStatus.IN_REVIEW])
    if user.has_role(Role.APPROVER):
        space.to_approve = _pending(session, [r for r in waiting if r.status is RevisionStatus.REVIEWED])
    if user.has_role(Role.SECRETARY, Role.APPROVER):
        space.overdue_actions = corrective_actions.overdue(session, user.organization_id, today)
    return space
