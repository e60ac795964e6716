"""A document's past for the control roles and inspectors: its control history and the difference between revisions."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms.accounts import permissions
from qms.documents import diff, reading
from qms.errors import DomainError, NotFound
from qms.extensions import db
from qms.inspection import control_history
from qms.web import errors
from qms.web.lists import list_request

bp = Blueprint("history", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


@bp.get("/documents/<int:document_id>/history")
@login_required
def show(document_id: int) -> ResponseReturnValue:
    timeline = control_history.timeline_page(
        db.session, current_user, document_id, list_request(), action=(request.args.get("action") or "").strip() or None
    )
    return render_template("history/show.html", timeline=timeline, document=timeline.document)


def _revision_id(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10:
        abort(404)
    return int(raw)


@bp.get("/documents/<int:document_id>/diff")
@login_required
def compare(document_id: int) -> ResponseReturnValue:
    """?from=&to= (revision ids); without them the newest revision against the one before it."""
    document = reading.get_document(db.session, current_user, document_id)
    if not permissions.sees_non_current(current_user):
        raise NotFound("Không tìm thấy tài liệu.")
    old_id, new_id = _revision_id("from"), _revision_id("to")
    if old_id is None or new_id is None:
        pair = diff.default_pair(document, current_user)
        if pair is None:
            return render_template("history/diff.html", document=document, result=None, choices=document.revisions)
        old_id, new_id = old_id or pair[0].id, new_id or pair[1].id
    result = diff.compare(db.session, current_user, document_id, old_id, new_id)
    return render_template("history/diff.html", document=document, result=result, choices=document.revisions)
