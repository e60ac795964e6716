"""The organisation's dashboard: coverage, open legal reviews, what waits for review or approval, overdue reviews."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.accounts import organizations, permissions
from qms.catalogue import coverage
from qms.conformity.checks import CODE_LABELS
from qms.errors import DomainError
from qms.extensions import db
from qms.inspection import dashboard
from qms.web import charts, errors
from qms.web.language import Translated

bp = Blueprint("dashboard", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


@bp.get("/dashboard")
@login_required
def index() -> ResponseReturnValue:
    code = request.args.get("organization") or current_user.organization.code
    today = clock.today()
    board = dashboard.for_organization(db.session, current_user, code, today)
    choices = organizations.tree(db.session) if permissions.sees_all_organizations(current_user) else []
    return render_template(
        "dashboard/index.html",
        board=board,
        choices=choices,
        today=today,
        coverage_chart=charts.coverage_by_field(coverage.by_field(board.coverage)),
        age_chart=charts.reviews_by_age(board.open_reviews),
        CODE_LABELS=Translated(CODE_LABELS),
    )
