"""The signed-in person's notices: the bell's count in the header, the list (newest first), marking them read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from qms.errors import DomainError
from qms.extensions import db
from qms.listing import ListRequest
from qms.notices import events, service
from qms.web import errors
from qms.web.auth import local_path
from qms.web.forms.accounts import MarkReadForm

bp = Blueprint("notices", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def unread_count() -> int:
    """The bell's number: the signed-in person's unread notices."""
    if not current_user.is_authenticated:
        return 0
    return service.unread_count(db.session, current_user)


@bp.get("/notices")
@login_required
def index() -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int) or 1
    listing = service.notices_page(db.session, current_user, ListRequest(page, service.PAGE_SIZE))
    lines = {notice.id: events.describe(notice.event, notice.params) for notice in listing.rows}
    return render_template("notices/index.html", listing=listing, lines=lines, form=MarkReadForm(),
                           unread=service.unread_count(db.session, current_user))


@bp.post("/notices/read")
@login_required
def mark_read() -> ResponseReturnValue:
    """One notice (``id``), or all of them (``all``); opening a notice's link (``next``) marks it read too."""
    form = MarkReadForm()
    if not form.validate():
        return errors.render_error(400)
    chosen = request.form.get("id", type=int)
    if chosen is None and not request.form.get("all"):
        return errors.render_error(400)
    marked = service.mark_read(db.session, current_user, None if chosen is None else [chosen])
    target = local_path(request.form.get("next"))
    if target:
        return redirect(target)
    if chosen is None:
        flash(_("Đã đánh dấu %(count)s thông báo là đã đọc.", count=marked), "success")
    return redirect(url_for(".index", page=request.form.get("page", 1, type=int)))
