"""“Việc chờ tôi xử lý”: each person's workspace. The secretary's drafts, returns, legal reviews and processes with
findings; the reviewer's and approver's revisions, decided on the page itself."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.conformity.checks import CODE_LABELS, SEVERITY_LABELS
from qms.documents import reading, workflow
from qms.errors import DomainError, Invalid
from qms.extensions import db
from qms.inspection import workspace
from qms.models import RevisionStatus
from qms.web import errors
from qms.web.documents import apply_action
from qms.web.forms.documents import ActionForm
from qms.web.language import Translated
from qms.web.lists import list_request

bp = Blueprint("workspace", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)

def awaiting_count() -> int:
    """How many items wait for the signed-in user, counted as the workspace counts them."""
    if not current_user.is_authenticated:
        return 0
    return workspace.for_user(db.session, current_user, clock.today()).count


def _page(
    status: int = 200, error: tuple[int, str] | None = None, failed: ActionForm | None = None
) -> ResponseReturnValue:
    """The workspace; after a refused decision the form that failed keeps what was typed, its message beside it."""
    today = clock.today()
    space = workspace.for_user(db.session, current_user, today)
    forms: dict[int, dict[str, ActionForm]] = {}
    waiting = [*space.drafts, *(pending.revision for pending in (*space.to_review, *space.to_approve))]
    for revision in waiting:
        forms[revision.id] = {
            action: ActionForm(formdata=None, action=action, effective_from=today)
            for action in workflow.offered(current_user, revision)
        }
    if error is not None and failed is not None and failed.action.data in forms.get(error[0], {}):
        forms[error[0]][failed.action.data] = failed
    page = render_template(
        "workspace/index.html", space=space, forms=forms, error=error,
        CODE_LABELS=Translated(CODE_LABELS), SEVERITY_LABELS=Translated(SEVERITY_LABELS),
    )
    return page, status


@bp.get("/tasks")
@login_required
def index() -> ResponseReturnValue:
    return _page()


@bp.get("/tasks/revisions")
@login_required
def revisions() -> ResponseReturnValue:
    """Every revision waiting for this user as one paged list, sortable and filterable."""
    raw = (request.args.get("status") or "").strip()
    if raw and raw not in {status.value for status in RevisionStatus}:
        raise Invalid("Trạng thái không hợp lệ.", code="invalid_status")
    found = reading.awaiting_page(db.session, current_user, list_request(), status=RevisionStatus(raw) if raw else None)
    return render_template("workspace/revisions.html", page=found)


@bp.post("/tasks/revisions/<int:revision_id>/actions")
@login_required
def act(revision_id: int) -> ResponseReturnValue:
    """A decision taken from the workspace comes back to it, with the same services as the document page."""
    form = ActionForm()
    revision, message, status = apply_action(revision_id, form)
    if revision is not None:
        return redirect(url_for(".index"))
    reading.get_revision(db.session, current_user, revision_id)  # one this user cannot see is a 404, not a form error
    return _page(status, (revision_id, message), form)
