"""Periodic review pages: the approver's outcome posted from the document page, and the organisation's intervals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from qms import clock
from qms.documents import reading, workflow
from qms.errors import DomainError, Forbidden
from qms.extensions import db
from qms.models import DocumentKind, ReviewOutcome
from qms.periodic_review import intervals, outcomes, schedule
from qms.web import errors
from qms.web.documents import document_page
from qms.web.forms.common import first_error
from qms.web.forms.periodic_reviews import IntervalForm, PeriodicReviewForm

bp = Blueprint("periodic_reviews", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)



@bp.post("/documents/<int:document_id>/periodic-review")
@login_required
def record(document_id: int) -> ResponseReturnValue:
    document = reading.get_document(db.session, current_user, document_id)
    # The service checks the role before the input, so someone without it is refused whatever they posted.
    form = PeriodicReviewForm()
    today = clock.today()
    try:
        outcomes.record(db.session, current_user, document.id, outcome=form.outcome.data or "",
                        reason=form.reason.data, today=today)
    except Forbidden:
        raise  # the error page: there is no form of theirs to show it beside
    except DomainError as error:
        return document_page(document, status=error.status, error=error.message, review_form=form)
    due = schedule.for_document(db.session, document, today)
    if form.outcome.data == ReviewOutcome.NO_CHANGE.value:
        flash(_("Đã ghi kết quả xem xét: còn phù hợp. Lần xem xét tiếp theo trước ngày %(day)s.",
                day=due.due_on.strftime("%d/%m/%Y") if due else "—"), "success")
    else:
        flash(_("Đã ghi kết quả xem xét: cần sửa đổi. Thư ký ISO sẽ thấy yêu cầu trong «Việc chờ tôi xử lý» cho đến "
                "khi lần ban hành mới có hiệu lực."), "success")
    return redirect(url_for("documents.show", document_id=document.id) + "#periodic-review")


@bp.route("/review-intervals", methods=["GET", "POST"])
@login_required
def review_intervals() -> ResponseReturnValue:
    """The organisation's intervals per kind; its secretaries and approvers change them."""
    code = request.values.get("organization") or current_user.organization.code
    status, message = 200, None
    if request.method == "POST":
        form = IntervalForm()
        try:
            kind = DocumentKind(request.form.get("kind", ""))
        except ValueError:
            kind = None
        if kind is None or not form.validate():
            status, message = 422, (first_error(form) if form.errors else _("Loại tài liệu không hợp lệ."))
        else:
            try:
                months = intervals.set_interval(db.session, current_user, code, kind, form.months.data)
            except Forbidden:
                raise
            except DomainError as error:
                status, message = error.status, error.message
            else:
                flash(_("Đã đặt chu kỳ xem xét: %(months)s tháng.", months=months), "success")
                return redirect(url_for(".review_intervals", organization=code))
    current = intervals.for_organization(db.session, current_user, code)
    may_change = any(current_user.has_role(role) for role in workflow.REVIEW_INTERVAL_ROLES) \
        and current_user.organization.code == code
    page = render_template("periodic_reviews/intervals.html", intervals=current, code=code, may_change=may_change,
                           error=message)
    return page, status


__all__ = ["bp"]
