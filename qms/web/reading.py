"""Reading a revision in the browser: a .docx as HTML, a PDF in the browser's own viewer, and a print view."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.documents import reading
from qms.errors import DomainError
from qms.extensions import db
from qms.files.docx_html import HtmlCache
from qms.files.filetypes import CONTENT_TYPES
from qms.files.store import file_store
from qms.models import Revision
from qms.web import errors

bp = Blueprint("reading", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)

#: The inline PDF may be framed by our own read page and nothing else; the viewer needs object-src.
PDF_POLICY = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _html_cache() -> HtmlCache:
    return HtmlCache(Path(current_app.config["STORAGE_DIR"]) / "cache" / "html")


def _body(revision_id: int) -> tuple[Revision, str | None]:
    """The revision and, for a .docx, its HTML; reading a non-current revision is audited as a reading («Xem»)."""
    opened = reading.open_file(db.session, file_store(current_app), current_user, revision_id, purpose="read")
    with opened.stream as stream:
        if opened.revision.content_type != CONTENT_TYPES["docx"]:
            return opened.revision, None
        return opened.revision, _html_cache().html_of(opened.revision.file_sha256, stream)


@bp.get("/documents/<int:document_id>/read")
@login_required
def current(document_id: int) -> ResponseReturnValue:
    """The revision in force; without one, the newest revision this viewer may see."""
    document = reading.get_document(db.session, current_user, document_id)
    revision = document.current_revision
    if revision is None:
        visible = reading.visible_revisions(current_user, document)
        if not visible:
            abort(404)
        revision = visible[-1]
    return redirect(url_for(".read", revision_id=revision.id))


@bp.get("/revisions/<int:revision_id>/read")
@login_required
def read(revision_id: int) -> ResponseReturnValue:
    revision, html = _body(revision_id)
    return render_template("reading/read.html", revision=revision, document=revision.document, html=html)


@bp.get("/revisions/<int:revision_id>/print")
@login_required
def print_view(revision_id: int) -> ResponseReturnValue:
    revision, html = _body(revision_id)
    today = clock.today(current_app.config["TIMEZONE"])
    return render_template(
        "reading/print.html", revision=revision, document=revision.document, html=html, printed_on=today
    )


@bp.get("/revisions/<int:revision_id>/inline")
@login_required
def inline(revision_id: int) -> ResponseReturnValue:
    """A PDF as the browser shows it itself: inline, with its own type; a .docx has no inline form here."""
    opened = reading.open_file(db.session, file_store(current_app), current_user, revision_id, purpose="read")
    revision = opened.revision
    if revision.content_type != CONTENT_TYPES["pdf"]:
        opened.stream.close()
        abort(404)
    response = send_file(
        opened.stream, mimetype=CONTENT_TYPES["pdf"], as_attachment=False, download_name=revision.filename,
        etag=revision.file_sha256,
    )
    response.headers["Content-Security-Policy"] = PDF_POLICY
    return response
