"""“Hồ sơ HTQLCL”: an organisation's records of its quality system, and the forms that add to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from qms import clock, listing
from qms.documents import reading
from qms.errors import DomainError, Invalid
from qms.extensions import db
from qms.files.store import file_store
from qms.models import FindingKind, Role
from qms.records import (
    confirmations,
    corrective_actions,
    internal_audits,
    management_reviews,
    objectives,
    ownership,
    publications,
    summary,
)
from qms.records.evidence import Upload
from qms.records.internal_audits import FINDING_LABELS
from qms.records.management_reviews import INPUT_LABELS
from qms.web import errors
from qms.web.forms.common import first_error
from qms.web.forms.legal import numbers_of
from qms.web.forms.records import (
    AuditReportForm,
    ConfirmationForm,
    CorrectiveActionForm,
    FindingForm,
    InternalAuditForm,
    ManagementReviewForm,
    ObjectiveForm,
    PublicationForm,
    ResultForm,
    VerifyForm,
)
from qms.web.language import Translated

bp = Blueprint("records", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def _today() -> date:
    return clock.today()


def _upload(field: Any) -> Upload | None:
    sent = field.data
    return None if not sent or not getattr(sent, "filename", "") else Upload(sent.stream, sent.filename)


@bp.get("/records")
@login_required
def own() -> ResponseReturnValue:
    return redirect(url_for(".index", code=current_user.organization.code))


@bp.get("/organizations/<code>/records")
@login_required
def index(code: str) -> ResponseReturnValue:
    return _page(code, as_of=_as_of(_today()))


def _as_of(today: date) -> date | None:
    """?as_of=YYYY-MM-DD: the records held on that day (none: those held now)."""
    raw = (request.args.get("as_of") or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise Invalid("Ngày không hợp lệ, cần dạng YYYY-MM-DD.", code="invalid_date") from None
    return ownership.readable_day(day, today)


def _page(code: str, *, error: str | None = None, status: int = 200,
          failed: tuple[str, FlaskForm] | None = None, as_of: date | None = None) -> ResponseReturnValue:
    today = _today()
    found = summary.summary(db.session, current_user, code, today, as_of)
    organization = found.organization
    # Records are added to what is held now, never to a past day's page.
    own_organization = current_user.organization_id == organization.id and as_of is None
    may_write = own_organization and current_user.has_role(Role.SECRETARY, Role.APPROVER)
    may_approve = own_organization and current_user.has_role(Role.APPROVER)
    forms: dict[str, FlaskForm] = {
        "publication": PublicationForm(formdata=None), "audit": InternalAuditForm(formdata=None),
        "review": ManagementReviewForm(formdata=None), "objective": ObjectiveForm(formdata=None, year=today.year),
        "confirmation": ConfirmationForm(formdata=None, year=today.year),
    }
    finding_form = FindingForm(formdata=None)
    finding_form.documents.choices = _document_choices(organization.code)
    if failed is not None:
        forms[failed[0]] = failed[1]
    page = render_template(
        "records/index.html", records=found, organization=organization, today=today, forms=forms,
        finding_form=finding_form, action_form=CorrectiveActionForm(formdata=None),
        verify_form=VerifyForm(formdata=None), result_form=ResultForm(formdata=None),
        report_form=AuditReportForm(formdata=None), may_write=may_write,
        may_approve=may_approve, error=error,
        inputs=Translated(INPUT_LABELS), finding_labels=Translated({k.value: v for k, v in FINDING_LABELS.items()}),
        nonconformity=FindingKind.NONCONFORMITY,
        # A former organisation's last day as itself: its records page on that day shows what it had.
        last_day=organization.ended_on - timedelta(days=1) if organization.ended_on else None,
    )
    return page, status


def _document_choices(code: str) -> list[SelectChoice]:
    """Every document of the organisation a finding may concern, read page by page."""
    choices: list[SelectChoice] = []
    page = 1
    while True:
        found = reading.list_documents(db.session, current_user, listing.ListRequest(page, listing.MAX_PAGE_SIZE),
                                       organization_code=code)
        choices += [SelectChoice(document.id, f"{document.code} — {document.title}") for document in found.rows]
        if page * listing.MAX_PAGE_SIZE >= found.total:
            return choices
        page += 1


def _submit(code: str, name: str, form: FlaskForm, call: Callable[[], Any], done: str, anchor: str
            ) -> ResponseReturnValue:
    """Validate, call the one service, and come back to the page (with the error and the form as sent)."""
    try:
        if not form.validate():
            raise DomainError(first_error(form))
        call()
    except DomainError as error:
        return _page(code, error=error.message, status=error.status if error.status != 400 else 422,
                     failed=(name, form))
    flash(done, "success")
    return redirect(url_for(".index", code=code, _anchor=anchor), code=303)


@bp.post("/organizations/<code>/records/publications")
@login_required
def add_publication(code: str) -> ResponseReturnValue:
    form = PublicationForm()
    return _submit(code, "publication", form, lambda: publications.create(
        db.session, file_store(current_app), current_user, code, number=form.number.data,
        signed_on=form.signed_on.data, signer=form.signer.data, upload=_upload(form.file), today=_today(),
        scope=numbers_of(form.scope.data) or None, posted_office_on=form.posted_office_on.data,
        posted_website_on=form.posted_website_on.data, website_url=form.website_url.data,
        notified_on=form.notified_on.data, notified_to=form.notified_to.data,
    ), _("Đã ghi nhận quyết định công bố."), "publications")


@bp.post("/organizations/<code>/records/internal-audits")
@login_required
def add_audit(code: str) -> ResponseReturnValue:
    form = InternalAuditForm()
    return _submit(code, "audit", form, lambda: internal_audits.create(
        db.session, file_store(current_app), current_user, code, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, auditors=numbers_of(form.auditors.data), processes=numbers_of(form.processes.data),
        report=_upload(form.report), today=_today(),
    ), _("Đã ghi nhận cuộc đánh giá nội bộ."), "audits")


@bp.post("/records/internal-audits/<int:audit_id>/report")
@login_required
def add_report(audit_id: int) -> ResponseReturnValue:
    audit = internal_audits.get(db.session, current_user, audit_id)
    form = AuditReportForm()
    return _submit(audit.organization.code, "report", form, lambda: internal_audits.attach_report(
        db.session, file_store(current_app), current_user, audit_id, _upload(form.report),
    ), _("Đã tải lên báo cáo đánh giá."), f"audit-{audit_id}")


@bp.post("/records/internal-audits/<int:audit_id>/findings")
@login_required
def add_finding(audit_id: int) -> ResponseReturnValue:
    audit = internal_audits.get(db.session, current_user, audit_id)
    code = audit.organization.code
    form = FindingForm()
    form.documents.choices = _document_choices(code)
    return _submit(code, "finding", form, lambda: internal_audits.add_finding(
        db.session, current_user, audit_id, kind=form.kind.data, description=form.description.data,
        document_ids=form.documents.data,
    ), _("Đã thêm phát hiện."), f"audit-{audit_id}")


@bp.post("/records/audit-findings/<int:finding_id>/corrective-action")
@login_required
def add_action(finding_id: int) -> ResponseReturnValue:
    finding = internal_audits.get_finding(db.session, current_user, finding_id)
    code = finding.audit.organization.code
    form = CorrectiveActionForm()
    return _submit(code, "action", form, lambda: corrective_actions.create(
        db.session, current_user, finding_id, cause=form.cause.data, action=form.action.data,
        responsible=form.responsible.data, due_on=form.due_on.data,
    ), _("Đã ghi hành động khắc phục."), f"audit-{finding.audit_id}")


@bp.post("/records/corrective-actions/<int:action_id>/verify")
@login_required
def verify_action(action_id: int) -> ResponseReturnValue:
    action = corrective_actions.get(db.session, current_user, action_id)
    code = action.finding.audit.organization.code
    form = VerifyForm()
    return _submit(code, "verify", form, lambda: corrective_actions.verify(
        db.session, file_store(current_app), current_user, action_id, note=form.note.data,
        evidence_file=_upload(form.file), today=_today(),
    ), _("Đã xác nhận hành động khắc phục."), f"audit-{action.finding.audit_id}")


@bp.post("/organizations/<code>/records/management-reviews")
@login_required
def add_review(code: str) -> ResponseReturnValue:
    form = ManagementReviewForm()
    return _submit(code, "review", form, lambda: management_reviews.create(
        db.session, file_store(current_app), current_user, code, held_on=form.held_on.data, chair=form.chair.data,
        inputs={name: getattr(form, name).data or "" for name in INPUT_LABELS}, decisions=form.decisions.data,
        minutes=_upload(form.minutes), today=_today(),
    ), _("Đã ghi nhận cuộc xem xét của lãnh đạo."), "reviews")


@bp.post("/organizations/<code>/records/objectives")
@login_required
def add_objective(code: str) -> ResponseReturnValue:
    form = ObjectiveForm()
    return _submit(code, "objective", form, lambda: objectives.create(
        db.session, current_user, code, year=form.year.data, title=form.title.data, target=form.target.data,
    ), _("Đã thêm mục tiêu chất lượng."), "objectives")


@bp.post("/records/objectives/<int:objective_id>/approve")
@login_required
def approve_objective(objective_id: int) -> ResponseReturnValue:
    objective = objectives.get(db.session, current_user, objective_id)
    return _submit(objective.organization.code, "approve", FlaskForm(), lambda: objectives.approve(
        db.session, current_user, objective_id), _("Đã phê duyệt mục tiêu chất lượng."), "objectives")


@bp.post("/records/objectives/<int:objective_id>/results")
@login_required
def add_result(objective_id: int) -> ResponseReturnValue:
    objective = objectives.get(db.session, current_user, objective_id)
    form = ResultForm()
    return _submit(objective.organization.code, "result", form, lambda: objectives.record_result(
        db.session, current_user, objective_id, measured_on=form.measured_on.data, value=form.value.data,
        note=form.note.data, today=_today(),
    ), _("Đã ghi kết quả thực hiện mục tiêu."), "objectives")


@bp.post("/organizations/<code>/records/confirmations")
@login_required
def confirm(code: str) -> ResponseReturnValue:
    form = ConfirmationForm()
    return _submit(code, "confirmation", form, lambda: confirmations.confirm(
        db.session, file_store(current_app), current_user, code, year=form.year.data,
        statement=form.statement.data, upload=_upload(form.file), today=_today(),
    ), _("Đã xác nhận hiệu lực của hệ thống."), "confirmations")


@bp.get("/records/<any(publication, confirmation, \"internal-audit\", \"corrective-action\", "
        "\"management-review\"):kind>/<int:record_id>/file")
@login_required
def download(kind: str, record_id: int) -> ResponseReturnValue:
    found = summary.open_record_file(db.session, file_store(current_app), current_user, kind, record_id)
    response = send_file(found.stream, mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename, etag=found.sha256, conditional=True)
    response.cache_control.private = True
    return response
