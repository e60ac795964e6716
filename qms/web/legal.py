"""The legal pages: the register (list, add, edit, CSV import), a revision's legal basis, the organisation's reviews."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from qms import clock
from qms.accounts import organizations, permissions
from qms.documents import reading
from qms.errors import DomainError
from qms.extensions import db
from qms.legal import basis as legal_basis
from qms.legal import csv_import
from qms.legal import listed as legal_listed
from qms.legal import proposals as legal_proposals
from qms.legal import register as legal
from qms.legal import reviews as legal_reviews
from qms.legal.status import CHANGE_LABELS, STATUS_LABELS, LegalStatus
from qms.models import ProposalState, ReviewState, RevisionStatus, Role
from qms.web import errors
from qms.web.forms.common import first_error
from qms.web.forms.legal import (
    BasisForm,
    DeclineForm,
    LegalDocumentForm,
    LegalFilterForm,
    LegalImportForm,
    ProposalFilterForm,
    ProposalForm,
    ResolveForm,
    ReviewFilterForm,
    numbers_of,
)
from qms.web.language import Translated
from qms.web.lists import list_request

bp = Blueprint("legal", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)

#: Badge classes of the shared stylesheet, by legal status.
BADGES = {
    LegalStatus.IN_FORCE: "badge-effective",
    LegalStatus.AMENDED: "badge-in_review",
    LegalStatus.REPLACED: "badge-returned",
    LegalStatus.NOT_YET_IN_FORCE: "badge-approved",
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "LEGAL_STATUS_LABELS": Translated(STATUS_LABELS),
        "LEGAL_BADGES": BADGES,
        "CHANGE_LABELS": Translated(CHANGE_LABELS),
        "RESOLUTION_LABELS": Translated(legal_reviews.RESOLUTION_LABELS),
        "ReviewState": ReviewState,
    }


def _today() -> date:
    return clock.today()


# --- the register ------------------------------------------------------------------------------


@bp.get("/legal-documents")
@login_required
def register() -> ResponseReturnValue:
    form = LegalFilterForm(request.args)
    page = {
        "form": form,
        "may_edit": legal.may_edit_register(current_user),
        "may_propose": not permissions.is_read_only(current_user),
    }
    if not form.validate():
        return render_template("legal/index.html", found=None, **page), 422
    status = LegalStatus(form.status.data) if form.status.data else None
    found = legal_listed.register_page(db.session, current_user, list_request(), status=status, today=_today())
    return render_template("legal/index.html", found=found, **page)


@bp.route("/legal-documents/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    legal.require_register_editor(current_user)
    form = LegalDocumentForm()
    if request.method == "GET":
        return render_template("legal/form.html", form=form, entry=None)
    if not form.validate():
        return render_template("legal/form.html", form=form, entry=None, error=first_error(form)), 422
    try:
        document = legal.create_legal_document(
            db.session,
            current_user,
            number=form.number.data or "",
            doc_type=form.doc_type.data or "",
            title=form.title.data or "",
            issuer=form.issuer.data or "",
            issued_on=form.issued_on.data,
            effective_from=form.effective_from.data,
            amends=numbers_of(form.amends.data),
            replaces=numbers_of(form.replaces.data),
            today=_today(),
        )
    except DomainError as error:
        return render_template("legal/form.html", form=form, entry=None, error=error.message), error.status
    flash(_("Đã thêm văn bản %(number)s vào danh mục.", number=document.number), "success")
    return redirect(url_for(".show", number=document.number))


@bp.route("/legal-documents/import", methods=["GET", "POST"])
@login_required
def import_register() -> ResponseReturnValue:
    legal.require_register_editor(current_user)
    form = LegalImportForm()
    if request.method == "GET":
        return render_template("legal/import.html", form=form)
    if not form.validate():
        return render_template("legal/import.html", form=form, error=first_error(form)), 422
    try:
        report = csv_import.import_csv(db.session, current_user, form.file.data.stream.read(), today=_today())
    except csv_import.ImportRefused as refused:
        return render_template("legal/import.html", form=form, error=refused.message, problems=refused.problems), 422
    except DomainError as error:
        return render_template("legal/import.html", form=form, error=error.message), error.status
    return render_template("legal/import.html", form=LegalImportForm(formdata=None), report=report)


@bp.route("/legal-documents/<path:number>", methods=["GET", "POST"])
@login_required
def show(number: str) -> ResponseReturnValue:
    """One document with its relations; the editors' form to change it."""
    entry = legal.get_legal_document(db.session, number, today=_today())
    may_edit = legal.may_edit_register(current_user)
    if request.method == "GET":
        if may_edit:
            return render_template("legal/show.html", entry=entry, form=_edit_form(entry))
        proposal_form = None if permissions.is_read_only(current_user) else _edit_form(entry, ProposalForm)
        return render_template("legal/show.html", entry=entry, proposal_form=proposal_form)
    legal.require_register_editor(current_user)
    form = LegalDocumentForm()
    if not form.validate():
        return render_template("legal/show.html", entry=entry, form=form, error=first_error(form)), 422
    changes = form.changes()
    try:
        legal.update_legal_document(db.session, current_user, entry.document.number, changes, today=_today())
    except DomainError as error:
        return render_template("legal/show.html", entry=entry, form=form, error=error.message), error.status
    flash(_("Đã lưu văn bản %(number)s.", number=entry.document.number), "success")
    return redirect(url_for(".show", number=entry.document.number))


def _edit_form(entry: legal.LegalEntry, form_class: type[LegalDocumentForm] = LegalDocumentForm) -> LegalDocumentForm:
    document = entry.document
    return form_class(
        formdata=None,
        data={
            "kind": "update",
            "number": document.number,
            "doc_type": document.doc_type,
            "title": document.title,
            "issuer": document.issuer,
            "issued_on": document.issued_on,
            "effective_from": document.effective_from,
            "amends": "\n".join(entry.amends),
            "replaces": "\n".join(entry.replaces),
        },
    )


# --- proposed changes -----------------------------------------------------------------------------


@bp.route("/legal-proposals/new", methods=["GET", "POST"])
@login_required
def propose() -> ResponseReturnValue:
    """Anyone signed in proposes a new document (this page) or an edit (the form on a document's page)."""
    form = ProposalForm()
    if request.method == "GET":
        return render_template("legal/propose.html", form=ProposalForm(formdata=None))
    kind = "update" if form.kind.data == "update" else "create"

    def refused(message: str, status: int) -> ResponseReturnValue:
        if kind == "update":
            entry = legal.get_legal_document(db.session, form.number.data or "", today=_today())
            return render_template("legal/show.html", entry=entry, proposal_form=form, error=message), status
        return render_template("legal/propose.html", form=form, error=message), status

    if not form.validate():
        return refused(first_error(form), 422)
    changes = form.changes()
    try:
        legal_proposals.propose(
            db.session, current_user, kind=kind, number=form.number.data or "", changes=changes, note=form.note.data
        )
    except DomainError as error:
        return refused(error.message, error.status)
    flash(_("Đã gửi đề xuất; người quản lý danh mục văn bản sẽ xem xét."), "success")
    return redirect(url_for(".proposals"))


@bp.get("/legal-proposals")
@login_required
def proposals() -> ResponseReturnValue:
    return _proposals_page()


@bp.post("/legal-proposals/<int:proposal_id>/accept")
@login_required
def accept_proposal(proposal_id: int) -> ResponseReturnValue:
    form = FlaskForm()
    try:
        if not form.validate():
            raise DomainError(first_error(form))
        proposal = legal_proposals.accept(db.session, current_user, proposal_id, today=_today())
    except DomainError as error:
        return _proposals_page(error=error.message, status=error.status)
    flash(_("Đã chấp nhận đề xuất và cập nhật văn bản %(number)s.", number=proposal.number), "success")
    return redirect(url_for(".proposals"))


@bp.post("/legal-proposals/<int:proposal_id>/decline")
@login_required
def decline_proposal(proposal_id: int) -> ResponseReturnValue:
    form = DeclineForm()
    try:
        if not form.validate():
            raise DomainError(first_error(form))
        legal_proposals.decline(db.session, current_user, proposal_id, form.reason.data)
    except DomainError as error:
        return _proposals_page(error=error.message, status=error.status, failed=(proposal_id, form))
    flash(_("Đã ghi nhận: không chấp nhận đề xuất."), "success")
    return redirect(url_for(".proposals"))


def _proposals_page(
    *, error: str | None = None, status: int = 200, failed: tuple[int, DeclineForm] | None = None
) -> ResponseReturnValue:
    filters = ProposalFilterForm(request.args)
    if not filters.validate():
        return render_template("legal/proposals.html", found=None, filters=filters, error=first_error(filters)), 422
    found = legal_proposals.proposals_page(
        db.session, current_user, list_request(), state=filters.state.data or None, kind=filters.kind.data or None
    )
    may_decide = legal_proposals.may_decide(current_user)
    pending = [p for p in found.rows if p.state is ProposalState.PENDING]
    forms = {p.id: DeclineForm(formdata=None) for p in pending} if may_decide else {}
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    page = render_template(
        "legal/proposals.html", found=found, filters=filters, forms=forms, may_decide=may_decide, error=error,
        PROPOSAL_STATES=Translated(legal_proposals.STATE_LABELS), ProposalState=ProposalState,
    )
    return page, status


# --- a revision's legal basis --------------------------------------------------------------------


@bp.route("/revisions/<int:revision_id>/legal-basis", methods=["GET", "POST"])
@login_required
def basis(revision_id: int) -> ResponseReturnValue:
    revision = reading.get_revision(db.session, current_user, revision_id)
    may_edit = _may_edit_basis(revision)
    if request.method == "GET":
        entries = legal_basis.basis(db.session, current_user, revision_id, today=_today())
        form = BasisForm(formdata=None, data={"numbers": "\n".join(e.citation.legal_document.number for e in entries)})
        return render_template("legal/basis.html", revision=revision, entries=entries, form=form if may_edit else None)
    form = BasisForm()
    try:
        if not form.validate():
            raise DomainError(first_error(form))
        legal_basis.set_basis(db.session, current_user, revision_id, numbers_of(form.numbers.data), today=_today())
    except DomainError as error:
        entries = legal_basis.basis(db.session, current_user, revision_id, today=_today())
        page = render_template("legal/basis.html", revision=revision, entries=entries, form=form, error=error.message)
        return page, error.status
    flash(_("Đã lưu căn cứ pháp lý của phiên bản."), "success")
    return redirect(url_for(".basis", revision_id=revision_id))


def _may_edit_basis(revision: Any) -> bool:
    if revision.status in (RevisionStatus.SUPERSEDED, RevisionStatus.OBSOLETE):
        return False
    return current_user.organization_id == revision.document.organization_id and current_user.has_role(Role.SECRETARY)


# --- the organisation's reviews ------------------------------------------------------------------


@bp.get("/legal-reviews")
@login_required
def my_reviews() -> ResponseReturnValue:
    args: dict[str, Any] = request.args.to_dict()  # the first value of each, as ** on the MultiDict gives
    return redirect(url_for(".reviews", code=current_user.organization.code, **args))


@bp.get("/organizations/<string:code>/legal-reviews")
@login_required
def reviews(code: str) -> ResponseReturnValue:
    return _reviews_page(code)


@bp.post("/legal-reviews/<int:review_id>/resolve")
@login_required
def resolve(review_id: int) -> ResponseReturnValue:
    review = legal_reviews.get_review(db.session, current_user, review_id)
    code = review.document.organization.code
    form = ResolveForm()
    try:
        if not form.validate():
            raise DomainError(first_error(form))
        legal_reviews.resolve(db.session, current_user, review_id, form.reason.data)
    except DomainError as error:
        return _reviews_page(code, error=error.message, status=error.status, failed=(review_id, form))
    flash(_("Đã ghi nhận: quy trình đã được rà soát, không cần sửa đổi."), "success")
    return redirect(url_for(".reviews", code=code))


def _reviews_page(
    code: str, *, error: str | None = None, status: int = 200, failed: tuple[int, ResolveForm] | None = None
) -> ResponseReturnValue:
    filters = ReviewFilterForm(request.args)
    state = filters.state.data if filters.validate() else "open"
    found = legal_reviews.reviews_page(db.session, current_user, code, list_request(), state or "open", today=_today())
    items = found.rows
    organization = items[0].review.document.organization if items else _organization(code)
    may_resolve = current_user.organization_id == organization.id and current_user.has_role(Role.APPROVER)
    forms = {item.review.id: ResolveForm(formdata=None) for item in items if item.review.state is ReviewState.OPEN}
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
    page = render_template(
        "legal/reviews.html",
        organization=organization,
        items=items,
        found=found,
        filters=filters,
        forms=forms if may_resolve else {},
        error=error,
    )
    return page, status


def _organization(code: str) -> Any:
    organization = organizations.by_code(db.session, code)
    permissions.require_read(current_user, organization.id)
    return organization
