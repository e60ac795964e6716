"""“Việc chờ tôi xử lý”: the revisions waiting for this user's review, approval or rework."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import documents
from qms.errors import DomainError
from qms.extensions import db
from qms.web import errors

bp = Blueprint("tasks", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def awaiting_count() -> int:
    """How many items wait for the signed-in user, for the link in the navigation."""
    if not current_user.is_authenticated:
        return 0
    return len(documents.awaiting_action(db.session, current_user))


@bp.get("/tasks")
@login_required
def index() -> ResponseReturnValue:
    return render_template("tasks/index.html", revisions=documents.awaiting_action(db.session, current_user))
