"""Reading a revision in the browser: a .docx as HTML, a PDF in the browser's own viewer, and a print view."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.acknowledgements import status as acknowledgement_status
from qms.documents import reading
from qms.errors import DomainError
from qms.extensions import db
from qms.files.docx_html import HtmlCache, with_contents
from qms.files.filetypes import CONTENT_TYPES
from qms.files.store import file_store
from qms.models import Rendition, Revision
from qms.web import errors

bp = Blueprint("reading", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)

#: The inline PDF may be framed by our own read page and nothing else; the viewer needs object-src.
#: A table of contents is offered from this many headings: a short document needs none.
MIN_CONTENTS = 3
PDF_POLICY = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def _html_cache() -> HtmlCache:
    return HtmlCache(Path(current_app.config["STORAGE_DIR"]) / "cache" / "html")


def _body(revision_id: int) -> tuple[Revision, str | None]:
    """The revision and, for a .docx or a file converted into one, its HTML; reading a non-current revision is
    audited as a reading («Xem»)."""
    files = file_store(current_app)
    opened = reading.open_file(db.session, files, current_user, revision_id, purpose="read")
    revision = opened.revision
    with opened.stream as stream:
        rendition = _rendition(revision)
        if rendition is not None and rendition.kind == "docx":  # a .doc, .odt or .rtf is read through its .docx
            with files.open(rendition.sha256) as converted:
                return revision, _html_cache().html_of(rendition.sha256, converted)
        if revision.content_type != CONTENT_TYPES["docx"]:
            return revision, None
        return revision, _html_cache().html_of(revision.file_sha256, stream)


def _rendition(revision: Revision) -> Rendition | None:
    return revision.rendition if reading.processed(revision) else None


def _inline_pdf(revision: Revision) -> tuple[str, str] | None:
    """(SHA-256, name) of the PDF the browser can show: a scan's searchable rendition, else the uploaded PDF."""
    rendition = _rendition(revision)
    if rendition is not None and rendition.kind == "pdf":
        return rendition.sha256, f"{revision.filename.rsplit('.', 1)[0]}.pdf"
    if revision.content_type == CONTENT_TYPES["pdf"]:
        return revision.file_sha256, revision.filename
    return None


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
    html, contents = with_contents(html) if html else (html, [])
    # The reader asked to read the revision in force confirms it here, after reading it.
    asked = acknowledgement_status.request_of(db.session, current_user, revision) if revision.is_current else None
    return render_template("reading/read.html", revision=revision, document=revision.document, html=html,
                           contents=contents if len(contents) >= MIN_CONTENTS else [],
                           inline_pdf=_inline_pdf(revision) is not None, acknowledgement=asked)


@bp.get("/revisions/<int:revision_id>/print")
@login_required
def print_view(revision_id: int) -> ResponseReturnValue:
    revision, html = _body(revision_id)
    today = clock.today()
    return render_template(
        "reading/print.html", revision=revision, document=revision.document, html=html, printed_on=today,
        inline_pdf=_inline_pdf(revision) is not None,
    )


@bp.get("/revisions/<int:revision_id>/inline")
@login_required
def inline(revision_id: int) -> ResponseReturnValue:
    """A PDF as the browser shows it itself: inline, with its own type; a .docx has no inline form here."""
    files = file_store(current_app)
    opened = reading.open_file(db.session, files, current_user, revision_id, purpose="read")
    revision = opened.revision
    shown = _inline_pdf(revision)
    if shown is None:
        opened.stream.close()
        abort(404)
    sha256, name = shown
    stream = opened.stream
    if sha256 != revision.file_sha256:  # a scan is shown with the text layer recognition added
        stream.close()
        stream = files.open(sha256)
    response = send_file(
        stream, mimetype=CONTENT_TYPES["pdf"], as_attachment=False, download_name=name, etag=sha256,
    )
    response.headers["Content-Security-Policy"] = PDF_POLICY
    return response
