"""Read-and-acknowledge pages: the reader's «Tôi đã đọc và hiểu», and who has and has not read a document."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from qms.acknowledgements import confirmations, requests, status
from qms.documents import reading, workflow
from qms.errors import DomainError
from qms.extensions import db
from qms.models import Document, Revision, RevisionStatus
from qms.web import errors
from qms.web.filters import format_date
from qms.web.forms.acknowledgements import ReadersForm
from qms.web.forms.common import first_error

bp = Blueprint("acknowledgements", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


@bp.post("/revisions/<int:revision_id>/acknowledge")
@login_required
def acknowledge(revision_id: int) -> ResponseReturnValue:
    confirmed = confirmations.acknowledge(db.session, current_user, revision_id)
    assert confirmed.acknowledged_at is not None
    flash(_("Đã ghi nhận: bạn đã đọc và hiểu tài liệu (%(when)s).", when=format_date(confirmed.acknowledged_at)),
          "success")
    return redirect(url_for("reading.read", revision_id=revision_id))


def _page(document: Document, revision: Revision, form: ReadersForm | None = None, *, status_code: int = 200,
          error: str | None = None) -> ResponseReturnValue:
    if not workflow.may_see_acknowledgements(current_user, document):
        abort(404)
    listed = status.list_of(db.session, revision)
    may_narrow = workflow.may_set_readers(current_user, document)
    if may_narrow and form is None:
        chosen = [user.username for user in requests.readers(db.session, document)] \
            if requests.narrowed(db.session, document.id) else []
        form = ReadersForm(formdata=None, usernames=chosen)
    if form is not None:
        form.usernames.choices = _member_choices(document)
    in_force = [r for r in document.revisions if r.status in (RevisionStatus.EFFECTIVE, RevisionStatus.SUPERSEDED)
                and r.issue_number]
    page = render_template("acknowledgements/document.html", document=document, revision=revision, listed=listed,
                           form=form if may_narrow else None, narrowed=requests.narrowed(db.session, document.id),
                           issues=list(reversed(in_force)), error=error)
    return page, status_code


def _member_choices(document: Document) -> list[SelectChoice]:
    members = requests.members(db.session, document.organization_id)
    return [SelectChoice(user.username, f"{user.full_name} ({user.username})") for user in members]


def _revision_of(document: Document) -> Revision:
    wanted = request.args.get("revision", type=int)
    if wanted is not None:
        revision = next((r for r in document.revisions if r.id == wanted and r.issue_number), None)
    else:
        revision = document.current_revision
    if revision is None:
        abort(404)
    return revision


@bp.get("/documents/<int:document_id>/acknowledgements")
@login_required
def document_list(document_id: int) -> ResponseReturnValue:
    """Who has and has not read the revision in force (or an earlier issue, ``?revision=``)."""
    document = reading.get_document(db.session, current_user, document_id)
    return _page(document, _revision_of(document))


@bp.post("/documents/<int:document_id>/readers")
@login_required
def set_readers(document_id: int) -> ResponseReturnValue:
    document = reading.get_document(db.session, current_user, document_id)
    form = ReadersForm()
    form.usernames.choices = _member_choices(document)
    revision = document.current_revision
    if not form.validate():
        if revision is None:
            abort(422)
        return _page(document, revision, form, status_code=422, error=first_error(form))
    chosen = requests.set_readers(db.session, current_user, document.id, form.usernames.data or [])
    if form.usernames.data:
        flash(_("Đã chọn %(count)s người cần đọc tài liệu.", count=len(chosen)), "success")
    else:
        flash(_("Mọi cán bộ, công chức của đơn vị cần đọc tài liệu."), "success")
    return redirect(url_for(".document_list", document_id=document.id))
