"""The workflow table: which action a revision in each status takes, and which roles take it.

The lifecycle enforces this table and the pages and the API read it, so what a person is offered is what the
service accepts. Withdrawal ends a whole document, so it is offered on any of its revisions while it is active.
Beyond roles and status, two rules decide too, in ``refusal``: a stale revision moves no further, and the drafter,
the reviewer and the approver of one revision are three different people (a draft is discarded by its drafter).
"""

from __future__ import annotations

from qms.accounts import permissions
from qms.documents import reading
from qms.documents.reading import STATUS_LABELS
from qms.errors import Conflict, DomainError, Forbidden
from qms.models import Document, DocumentStatus, Revision, RevisionStatus, Role, User

#: status → action → the roles that take it there. The order of the actions is the order pages show them.
TABLE: dict[RevisionStatus, dict[str, tuple[Role, ...]]] = {
    RevisionStatus.DRAFT: {"submit": (Role.SECRETARY,), "discard": (Role.SECRETARY,)},
    # The reviewer returns what is in review; the approver may send it back before it reaches them too.
    RevisionStatus.IN_REVIEW: {"pass": (Role.REVIEWER,), "return": (Role.REVIEWER, Role.APPROVER)},
    RevisionStatus.REVIEWED: {"approve": (Role.APPROVER,), "return": (Role.APPROVER,)},
}

#: Actions on the whole document, taken through any of its revisions while the document is active.
DOCUMENT_ACTIONS: dict[str, tuple[Role, ...]] = {"withdraw": (Role.APPROVER,)}

#: Who uploads a new revision of an active document.
UPLOAD_ROLES = (Role.SECRETARY,)

#: Who records a periodic review's outcome («còn phù hợp» / «cần sửa đổi») of a document in force.
PERIODIC_REVIEW_ROLES = (Role.APPROVER,)

#: Who sets the organisation's own review interval for a kind of document.
REVIEW_INTERVAL_ROLES = (Role.SECRETARY, Role.APPROVER)

#: Who narrows the readers asked to acknowledge a document, and sees who has and has not read it (inspectors read
#: the lists of every organisation too).
READER_ROLES = (Role.SECRETARY,)
ACKNOWLEDGEMENT_LIST_ROLES = (Role.SECRETARY, Role.REVIEWER, Role.APPROVER)

#: Actions that move a revision towards effect: a stale revision takes none of them.
FORWARD_ACTIONS = ("submit", "pass", "approve")

#: Every action the lifecycle knows, as the API and the pages name them.
ACTIONS = tuple(dict.fromkeys([*(a for actions in TABLE.values() for a in actions), *DOCUMENT_ACTIONS]))


def roles_for(action: str, status: RevisionStatus) -> tuple[Role, ...]:
    """The roles that take ``action`` on a revision in ``status``; outside the table, every role named for it."""
    if action in DOCUMENT_ACTIONS:
        return DOCUMENT_ACTIONS[action]
    if action in TABLE.get(status, {}):
        return TABLE[status][action]
    named = [role for actions in TABLE.values() for role in actions.get(action, ())]
    return tuple(dict.fromkeys(named))


def require(actor: User, revision: Revision, action: str) -> None:
    """The actor holds a role for the action (403), and the revision is in a status that takes it (409)."""
    permissions.require_role(actor, roles_for(action, revision.status), revision.document.organization_id)
    if action in DOCUMENT_ACTIONS:
        return
    if action not in TABLE.get(revision.status, {}):
        raise Conflict(
            f"Phiên bản đang ở trạng thái «{STATUS_LABELS[revision.status]}», không thực hiện được thao tác này.",
            code="wrong_state",
        )
    refused = refusal(actor, revision, action)
    if refused is not None:
        raise refused


def refusal(actor: User, revision: Revision, action: str) -> DomainError | None:
    """Why this actor may not take this action on this revision beyond role and status, or None when they may."""
    if action in FORWARD_ACTIONS and not reading.processed(revision):
        # A file still being converted or recognised cannot be reviewed; its draft can still be discarded.
        return Conflict(reading.PROCESSING_MESSAGE, code="processing")
    if action in FORWARD_ACTIONS:
        in_force = revision.stale_against
        if in_force is not None:
            return Conflict(stale_message(in_force), code="stale_revision")
    if action == "discard" and revision.drafted_by_id != actor.id:
        return Forbidden("Chỉ người soạn thảo được hủy bản dự thảo của mình.", code="not_drafter")
    if action == "pass" and revision.drafted_by_id == actor.id:
        return Forbidden("Người soạn thảo không được tự kiểm tra phiên bản của mình.", code="self_review")
    if action == "approve":
        if revision.drafted_by_id == actor.id:
            return Forbidden("Người soạn thảo không được tự phê duyệt phiên bản của mình.", code="self_approval")
        if revision.reviewed_by_id == actor.id:
            return Forbidden(
                "Người đã kiểm tra phiên bản không được đồng thời phê duyệt: soạn thảo, kiểm tra và phê duyệt "
                "phải là ba người khác nhau.",
                code="separation_of_duties",
            )
    return None


def stale_message(in_force: Revision) -> str:
    """What a stale revision's author and approvers are told: which issue is in force and what to do."""
    return (
        f"Phiên bản này đã lỗi thời: lần ban hành {in_force.issue_number} (phiên bản {in_force.number}) đang có "
        "hiệu lực và phiên bản này không dựa trên lần ban hành đó. Hãy tải lên phiên bản mới dựa trên bản hiện hành."
    )


def _holds(user: User, roles: tuple[Role, ...], document: Document) -> bool:
    try:
        permissions.require_role(user, roles, document.organization_id)
    except DomainError:
        return False
    return True


def offered(user: User, revision: Revision) -> list[str]:
    """The status actions this user may take on this revision now, in the table's order."""
    document = revision.document
    if document.status is not DocumentStatus.ACTIVE:
        return []
    return [
        action
        for action, roles in TABLE.get(revision.status, {}).items()
        if _holds(user, roles, document) and refusal(user, revision, action) is None
    ]


def may_upload(user: User, document: Document) -> bool:
    return document.status is DocumentStatus.ACTIVE and _holds(user, UPLOAD_ROLES, document)


def may_withdraw(user: User, document: Document) -> bool:
    """Withdrawal is posted against a revision of the document, so one must exist."""
    if not document.revisions or document.status is not DocumentStatus.ACTIVE:
        return False
    return _holds(user, DOCUMENT_ACTIONS["withdraw"], document)


def may_record_review(user: User, document: Document) -> bool:
    """A periodic review needs the approver's role and a document in force."""
    return (document.status is DocumentStatus.ACTIVE and document.current_revision is not None
            and _holds(user, PERIODIC_REVIEW_ROLES, document))


def may_set_readers(user: User, document: Document) -> bool:
    return document.status is DocumentStatus.ACTIVE and _holds(user, READER_ROLES, document)


def may_see_acknowledgements(user: User, document: Document) -> bool:
    """The organisation's control roles and inspectors see who has read a document."""
    return permissions.sees_all_organizations(user) or _holds(user, ACKNOWLEDGEMENT_LIST_ROLES, document)
