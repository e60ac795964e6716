"""An organisation's registers and its inspection dossier: the page with the download links, and the downloads."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from qms import clock
from qms.audit import anchors
from qms.errors import DomainError, Invalid
from qms.extensions import db
from qms.files.store import file_store
from qms.inspection import dossier, register_files, registers
from qms.web import errors
from qms.web.language import Translated

bp = Blueprint("registers", __name__)
bp.register_error_handler(DomainError, errors.domain_error_page)


def _today() -> date:
    return clock.today()


def _as_of(today: date) -> date:
    """?as_of=YYYY-MM-DD (the date input's format), default today."""
    raw = (request.args.get("as_of") or "").strip()
    if not raw:
        return today
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("Ngày không hợp lệ, cần dạng YYYY-MM-DD.", code="invalid_date") from None


@bp.get("/registers")
@login_required
def own() -> ResponseReturnValue:
    return index(current_user.organization.code)


@bp.get("/organizations/<code>/registers")
@login_required
def index(code: str) -> ResponseReturnValue:
    organization = registers.readable_organization(db.session, current_user, code)
    return render_template(
        "registers/index.html", organization=organization, today=_today(), kinds=registers.KINDS,
        labels=Translated(registers.LABELS), formats=register_files.FORMATS,
    )


@bp.get("/organizations/<code>/registers/<any(internal, external, amendments):kind>.<any(docx, xlsx):file_format>")
@login_required
def download(code: str, kind: str, file_format: str) -> ResponseReturnValue:
    today = _today()
    found = registers.register(db.session, current_user, code, kind, as_of=_as_of(today))
    return send_file(
        io.BytesIO(register_files.render(found, file_format, made_on=today)),
        mimetype=register_files.CONTENT_TYPES[file_format],
        as_attachment=True,
        download_name=register_files.filename(found, file_format),
    )


@bp.get("/organizations/<code>/dossier.zip")
@login_required
def dossier_download(code: str) -> ResponseReturnValue:
    """Built into an anonymous temporary file that is streamed, then closed, which removes it."""
    today = _today()
    spool, size, name = dossier.build_to_temporary_file(
        db.session, file_store(current_app), current_user, code, as_of=_as_of(today), today=today,
        directory=Path(current_app.config["STORAGE_DIR"]) / "tmp", anchor_file=anchors.anchor_file(current_app),
    )
    response = send_file(spool, mimetype=dossier.CONTENT_TYPE, as_attachment=True, download_name=name)
    response.content_length = size
    return response
