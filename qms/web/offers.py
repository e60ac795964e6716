"""Which workflow forms a page offers to whom: a courtesy to the user, the service still decides."""

from __future__ import annotations

from qms.accounts import permissions
from qms.errors import DomainError
from qms.models import Document, DocumentStatus, Revision, RevisionStatus, Role, User

#: The actions offered at each status, and the roles that are offered them.
BY_STATUS: dict[RevisionStatus, tuple[tuple[str, tuple[Role, ...]], ...]] = {
    RevisionStatus.DRAFT: (("submit", (Role.SECRETARY,)),),
    RevisionStatus.IN_REVIEW: (("pass", (Role.REVIEWER,)), ("return", (Role.REVIEWER,))),
    RevisionStatus.REVIEWED: (("approve", (Role.APPROVER,)), ("return", (Role.APPROVER,))),
}


def _holds(user: User, roles: tuple[Role, ...], document: Document) -> bool:
    try:
        permissions.require_role(user, roles, document.organization_id)
    except DomainError:
        return False
    return True


def revision_actions(user: User, document: Document, revision: Revision) -> list[str]:
    """The actions on one revision whose forms this user is shown."""
    if document.status is not DocumentStatus.ACTIVE:
        return []
    return [action for action, roles in BY_STATUS.get(revision.status, ()) if _holds(user, roles, document)]


def may_upload(user: User, document: Document) -> bool:
    return document.status is DocumentStatus.ACTIVE and _holds(user, (Role.SECRETARY,), document)


def may_withdraw(user: User, document: Document) -> bool:
    """Withdrawal is posted against a revision of the document, so one must exist."""
    if not document.revisions or document.status is not DocumentStatus.ACTIVE:
        return False
    return _holds(user, (Role.APPROVER,), document)
