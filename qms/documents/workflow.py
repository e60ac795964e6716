"""The workflow table: which action a revision in each status takes, and which roles take it.

The lifecycle enforces this table and the pages and the API read it, so what a person is offered is what the
service accepts. Withdrawal ends a whole document, so it is offered on any of its revisions while it is active.
"""

from __future__ import annotations

from qms.accounts import permissions
from qms.documents import reading
from qms.documents.reading import STATUS_LABELS
from qms.errors import Conflict, DomainError
from qms.models import Document, DocumentStatus, Revision, RevisionStatus, Role, User

#: status → action → the roles that take it there. The order of the actions is the order pages show them.
TABLE: dict[RevisionStatus, dict[str, tuple[Role, ...]]] = {
    RevisionStatus.DRAFT: {"submit": (Role.SECRETARY,)},
    # The reviewer returns what is in review; the approver may send it back before it reaches them too.
    RevisionStatus.IN_REVIEW: {"pass": (Role.REVIEWER,), "return": (Role.REVIEWER, Role.APPROVER)},
    RevisionStatus.REVIEWED: {"approve": (Role.APPROVER,), "return": (Role.APPROVER,)},
}

#: Actions on the whole document, taken through any of its revisions while the document is active.
DOCUMENT_ACTIONS: dict[str, tuple[Role, ...]] = {"withdraw": (Role.APPROVER,)}

#: Who uploads a new revision of an active document.
UPLOAD_ROLES = (Role.SECRETARY,)

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
    reading.require_processed(revision)  # a file still being converted cannot be reviewed


def _holds(user: User, roles: tuple[Role, ...], document: Document) -> bool:
    try:
        permissions.require_role(user, roles, document.organization_id)
    except DomainError:
        return False
    return True


def offered(user: User, revision: Revision) -> list[str]:
    """The status actions this user may take on this revision now, in the table's order."""
    document = revision.document
    if document.status is not DocumentStatus.ACTIVE or not reading.processed(revision):
        return []
    return [action for action, roles in TABLE.get(revision.status, {}).items() if _holds(user, roles, document)]


def may_upload(user: User, document: Document) -> bool:
    return document.status is DocumentStatus.ACTIVE and _holds(user, UPLOAD_ROLES, document)


def may_withdraw(user: User, document: Document) -> bool:
    """Withdrawal is posted against a revision of the document, so one must exist."""
    if not document.revisions or document.status is not DocumentStatus.ACTIVE:
        return False
    return _holds(user, DOCUMENT_ACTIONS["withdraw"], document)
