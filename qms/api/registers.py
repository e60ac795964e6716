"""The registers of an organisation (.docx, .xlsx) and its inspection dossier (.zip), generated from the data."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from flask import Response, current_app, send_file

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.inspection import AsOfQuerySchema
from qms.audit import anchors
from qms.extensions import db
from qms.files.store import file_store
from qms.inspection import dossier, register_files, registers

blp = ApiBlueprint(
    "api_registers", __name__, description="Registers an ISO secretary keeps, and the inspection dossier."
)

_KINDS = ", ".join(registers.KINDS)
_FORMATS = ", ".join(register_files.FORMATS)


def _today() -> date:
    return clock.today()


def _binary(description: str, *content_types: str) -> dict[str, Any]:
    """A file response in each of its real media types."""
    return {
        "description": description,
        "content": {content_type: {"schema": {"type": "string", "format": "binary"}} for content_type in content_types},
        "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
    }


@blp.route(f"/organizations/<code>/registers/<any({_KINDS}):register>.<any({_FORMATS}):file_format>", methods=["GET"])
@blp.arguments(AsOfQuerySchema, location="query")
@blp.doc(responses={"200": _binary("The register as .docx or .xlsx.", *register_files.CONTENT_TYPES.values())})
@blp.error_responses(404, 422)
def get_register(query: dict[str, Any], code: str, register: str, file_format: str) -> Response:
    """internal, external or amendments as of a day (default today); the organisation's control roles, inspectors."""
    today = _today()
    found = registers.register(db.session, current_user(), code, register, as_of=query.get("as_of") or today)
    content = register_files.render(found, file_format, made_on=today)
    return send_file(
        io.BytesIO(content),
        mimetype=register_files.CONTENT_TYPES[file_format],
        as_attachment=True,
        download_name=register_files.filename(found, file_format),
    )


@blp.route("/organizations/<code>/dossier.zip", methods=["GET"])
@blp.arguments(AsOfQuerySchema, location="query")
@blp.doc(responses={"200": _binary("The dossier, with manifest.json.", dossier.CONTENT_TYPE)})
@blp.error_responses(404, 422)
def get_dossier(query: dict[str, Any], code: str) -> Response:
    """Registers, files in force, histories, coverage, legal reviews, findings and a manifest of SHA-256 hashes.

    Built into an anonymous temporary file that is streamed, then closed, which removes it.
    """
    today = _today()
    spool, size, name = dossier.build_to_temporary_file(
        db.session, file_store(current_app), current_user(), code, as_of=query.get("as_of") or today, today=today,
        directory=Path(current_app.config["STORAGE_DIR"]) / "tmp", anchor_file=anchors.anchor_file(current_app),
    )
    response = send_file(spool, mimetype=dossier.CONTENT_TYPE, as_attachment=True, download_name=name)
    response.content_length = size
    return response
