"""The document pages: the list, one document with its revision history, upload, workflow actions, download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from qms import clock
from qms.accounts import organizations, permissions
from qms.documents import as_of, lifecycle, processing, reading, workflow
from qms.errors import DomainError
from qms.extensions import db
from qms.files import filetypes
from qms.files.store import file_store
from qms.models import Document, DocumentKind, Revision, RevisionStatus, Role
from qms.web import document_panels, errors
from qms.web.filters import format_date
from qms.web.forms.common import first_error
from qms.web.forms.documents import ActionForm, DocumentFilterForm, DocumentForm, UploadForm
from qms.web.forms.periodic_reviews import PeriodicReviewForm
from qms.web.language import translate_text
from qms.web.lists import list_request

bp = Blueprint("documents", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def _today() -> date:
    return clock.today()


# --- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    document: Document
    #: The newest revision this viewer may see, when it is not the current one (work in progress, returned …).
    pending: Revision | None


def _rows(found: list[Document]) -> list[Row]:
    rows = []
    for document in found:
        visible = reading.visible_revisions(current_user, document)
        newest = visible[-1] if visible else None
        rows.append(Row(document, newest if newest is not None and not newest.is_current else None))
    return rows


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    form = DocumentFilterForm(request.args)
    sees_all = permissions.sees_all_organizations(current_user)
    filters = {"form": form, "sees_all": sees_all, "sees_history": permissions.sees_non_current(current_user)}
    if sees_all:
        form.organization.choices = [SelectChoice("", _("Tất cả đơn vị"))] + [
            SelectChoice(str(organization.id), "\u2003" * depth + organization.name, render_kw={"lang": "vi"})
            for depth, organization in organizations.tree(db.session)
        ]
    if not form.validate():
        return render_template("documents/index.html", page=None, rows=[], **filters), 422
    organization_id = int(form.organization.data) if sees_all and form.organization.data else None
    found = reading.list_documents(
        db.session,
        current_user,
        list_request(),
        organization_id=organization_id,
        kind=DocumentKind(form.kind.data) if form.kind.data else None,
        status=RevisionStatus(form.status.data) if form.status.data else None,
    )
    return render_template("documents/index.html", page=found, rows=_rows(found.rows), **filters)


# --- creating a document -------------------------------------------------------------------------


@bp.route("/documents/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = DocumentForm()
    if request.method == "GET":
        permissions.require_role(current_user, (Role.SECRETARY,), current_user.organization_id)
        # «Tạo quy trình» from the catalogue: the procedure's code and name come prefilled.
        if request.args.get("procedure_code"):
            form.procedure_code.data = request.args["procedure_code"]
            form.title.data = form.title.data or request.args.get("title", "")
            form.kind.data = DocumentKind.PROCESS.value
        return render_template("documents/new.html", form=form)
    if not form.validate():
        return render_template("documents/new.html", form=form, error=first_error(form)), 422
    try:
        document = lifecycle.create_document(
            db.session,
            current_user,
            organization_code=current_user.organization.code,
            code=form.code.data or "",
            title=form.title.data or "",
            kind=form.kind.data or "",
            procedure_code=form.procedure_code.data,
        )
    except DomainError as error:
        return render_template("documents/new.html", form=form, error=error.message), error.status
    flash(_("Đã tạo tài liệu %(code)s. Hãy tải lên bản dự thảo đầu tiên.", code=document.code), "success")
    return redirect(url_for(".show", document_id=document.id))


# --- one document ------------------------------------------------------------------------------


def _show(
    document: Document,
    *,
    status: int = 200,
    error: str | None = None,
    failed: tuple[int, ActionForm] | None = None,
    review_form: PeriodicReviewForm | None = None,
) -> ResponseReturnValue:
    """The document page; after a refused action the form that failed keeps what was typed."""
    today = _today()
    revisions = list(reversed(reading.visible_revisions(current_user, document)))
    forms: dict[int, dict[str, ActionForm]] = {}
    for revision in revisions:
        for action in workflow.offered(current_user, revision):
            forms.setdefault(revision.id, {})[action] = ActionForm(formdata=None, action=action, effective_from=today)
    withdraw = None
    if workflow.may_withdraw(current_user, document):
        withdraw = (document.revisions[-1].id, ActionForm(formdata=None, action="withdraw"))
    if failed is not None:
        revision_id, form = failed
        if form.action.data == "withdraw" and withdraw is not None:
            withdraw = (withdraw[0], form)
        elif form.action.data in forms.get(revision_id, {}):
            forms[revision_id][form.action.data] = form
    page = render_template(
        "documents/show.html",
        document=document,
        revisions=revisions,
        forms=forms,
        withdraw=withdraw,
        may_upload=workflow.may_upload(current_user, document),
        processing={revision.id: processing.describe(revision) for revision in revisions},
        ownership=as_of.ownership_history(db.session, document.id),
        error=error,
        review=document_panels.review_panel(document, today, review_form),
        readers=document_panels.reading_panel(document),
    )
    return page, status


def document_page(
    document: Document, *, status: int, error: str, review_form: PeriodicReviewForm | None = None
) -> ResponseReturnValue:
    """The document page with the message of a form posted from it to another page group, which keeps its input."""
    return _show(document, status=status, error=error, review_form=review_form)


@bp.get("/documents/<int:document_id>")
@login_required
def show(document_id: int) -> ResponseReturnValue:
    return _show(reading.get_document(db.session, current_user, document_id))


DONE = {
    "submit": _l("Đã trình kiểm tra."),
    "pass": _l("Đã kiểm tra đạt, chuyển người phê duyệt."),
    "return": _l("Đã trả lại phiên bản cho người soạn thảo."),
    "withdraw": _l("Đã thu hồi tài liệu."),
    "discard": _l("Đã hủy bản dự thảo; bản dự thảo vẫn được lưu trong lịch sử."),
}


def _done(action: str, revision: Revision) -> str:
    if action != "approve":
        return str(DONE[action])
    when, number = format_date(revision.effective_from), revision.issue_number
    if revision.is_current:
        return _("Đã phê duyệt. Lần ban hành %(issue_number)s có hiệu lực từ %(when)s.", issue_number=number, when=when)
    return _("Đã phê duyệt. Lần ban hành %(issue_number)s sẽ có hiệu lực từ %(when)s.", issue_number=number, when=when)


def apply_action(revision_id: int, form: ActionForm) -> tuple[Revision | None, str, int]:
    """The posted workflow action: the revision when done (with a flash saying so), else the message and status."""
    if not form.validate():
        return None, first_error(form), 422
    action = form.action.data or ""
    try:
        revision = lifecycle.act(
            db.session,
            current_user,
            revision_id,
            action,
            today=_today(),
            comment=form.comment.data,
            effective_from=form.effective_from.data,
        )
    except DomainError as error:
        return None, error.message, error.status
    flash(_done(action, revision), "success")
    return revision, "", 200


@bp.post("/revisions/<int:revision_id>/actions")
@login_required
def act(revision_id: int) -> ResponseReturnValue:
    form = ActionForm()
    revision, message, status = apply_action(revision_id, form)
    if revision is not None:
        return redirect(url_for(".show", document_id=revision.document_id))
    # Back to the page the form was on, if this user may see it at all (else the 404 page).
    revision = reading.get_revision(db.session, current_user, revision_id)
    document = reading.get_document(db.session, current_user, revision.document_id)
    return _show(document, status=status, error=message, failed=(revision_id, form))


# --- files ---------------------------------------------------------------------------------------


@bp.route("/documents/<int:document_id>/upload", methods=["GET", "POST"])
@login_required
def upload(document_id: int) -> ResponseReturnValue:
    form = UploadForm()
    if request.method == "GET":
        return _upload_page(form, lifecycle.upload_target(db.session, current_user, document_id))
    if form.validate():
        try:
            revision = lifecycle.add_revision(
                db.session,
                file_store(current_app),
                current_user,
                document_id,
                stream=form.file.data.stream,
                filename=form.file.data.filename or "",
                change_summary=form.change_summary.data or "",
                code_mismatch_reason=form.code_mismatch_reason.data,
            )
        except DomainError as error:
            message, status = error.message, error.status
        else:
            if reading.processed(revision):
                flash(_("Đã tải lên phiên bản số %(number)s (dự thảo).", number=revision.number), "success")
            else:
                flash(_("Đã tải lên phiên bản số %(number)s (dự thảo); tệp đang được chuyển đổi hoặc nhận dạng chữ, "
                        "trang sẽ tự cập nhật khi xong.", number=revision.number), "success")
            target = url_for(".show", document_id=document_id)
            return jsonify(location=target) if _from_script() else redirect(target)
    else:
        message, status = first_error(form), 422
    if _from_script():
        # The script keeps the chosen file and shows the message next to the form.
        return jsonify(error={"code": "upload_refused", "message": translate_text(message)}), status
    # The form again, with the message, only for a document still open to uploads (else the error page).
    return _upload_page(form, lifecycle.upload_target(db.session, current_user, document_id), message), status


def _from_script() -> bool:
    """static/upload.js sends the form itself, for the progress bar, and reads the answer as JSON."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _upload_page(form: UploadForm, document: Document, error: str | None = None) -> str:
    return render_template("documents/upload.html", form=form, document=document, error=error,
                           too_large=errors.too_large_message())


@bp.get("/revisions/<int:revision_id>/processing")
@login_required
def processing_status(revision_id: int) -> ResponseReturnValue:
    """The processing state as JSON, for static/processing.js on the document page; texts in the page's language."""
    state = processing.processing_status(db.session, current_user, revision_id)
    texts = {key: translate_text(state[key]) if state[key] else state[key]
             for key in ("label", "detail", "text_source_label")}
    return jsonify({key: state[key] for key in ("state", "text_source", "ocr_confidence")} | texts)


@bp.get("/revisions/<int:revision_id>/rendition")
@login_required
def rendition(revision_id: int) -> ResponseReturnValue:
    """The .docx conversion or the searchable PDF the text was read from (the upload stays the record)."""
    revision, stream = processing.open_rendition(db.session, file_store(current_app), current_user, revision_id)
    assert revision.rendition is not None
    stem = revision.filename.rsplit(".", 1)[0]
    return send_file(
        stream,
        mimetype=filetypes.CONTENT_TYPES[revision.rendition.kind],
        as_attachment=True,
        download_name=f"{stem} (bản chuyển đổi).{revision.rendition.kind}",
        etag=revision.rendition.sha256,
    )


@bp.get("/revisions/<int:revision_id>/download")
@login_required
def download(revision_id: int) -> ResponseReturnValue:
    opened = reading.open_file(db.session, file_store(current_app), current_user, revision_id)
    revision = opened.revision
    return send_file(
        opened.stream,
        mimetype=revision.content_type,
        as_attachment=True,
        download_name=revision.filename,
        etag=revision.file_sha256,
    )
