"""Revisions: upload one, move it through review and approval, read it and download its file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app, send_file, url_for

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint, ListPager
from qms.api.schemas.documents import (
    ACTION_SCHEMAS,
    ActionSchema,
    AwaitingQuerySchema,
    AwaitingRevisionSchema,
    RevisionSchema,
    RevisionUploadSchema,
)
from qms.documents import lifecycle, processing, reading
from qms.extensions import db
from qms.files import filetypes
from qms.files.store import file_store
from qms.listing import ListPage, ListRequest
from qms.models import Revision

blp = ApiBlueprint("api_revisions", __name__, description="Revisions of a document and their workflow.")


@blp.route("/revisions/awaiting", methods=["GET"])
@blp.arguments(AwaitingQuerySchema, location="query")
@blp.response(200, AwaitingRevisionSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses()
def list_awaiting(query: dict[str, Any]) -> Callable[[int, int], ListPage[Revision]]:
    """A page of the revisions waiting for the caller: reviews, approvals, and a secretary's drafts and returns,
    oldest first."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[Revision]:
        request = ListRequest(number, size, query.get("sort"), query["q"])
        return reading.awaiting_page(db.session, user, request, status=query.get("status"))

    return page

_BINARY = {"type": "string", "format": "binary"}
#: The component name of each action body in the OpenAPI document (registered in qms.api.init_app).
ACTION_BODIES = {schema.__name__.removesuffix("Schema") + "Action": schema
                 for schema in dict.fromkeys(ACTION_SCHEMAS.values())}


@blp.route(f"/documents/<{ID}:document_id>/revisions", methods=["POST"])
@blp.arguments(RevisionUploadSchema, location="form_and_files")
@blp.doc(requestBody={"content": {"multipart/form-data": {"encoding": {"file": {
    "contentType": ", ".join(filetypes.CONTENT_TYPES.values()),
    "headers": {"Content-Disposition": {"schema": {"type": "string"},
                                        "example": 'form-data; name="file"; filename="quy-trinh.docx"'}},
}}}}})
@blp.response(201, RevisionSchema)
@blp.error_responses(403, 404, 409, 413)
def upload_revision(data: dict[str, Any], document_id: int) -> tuple[Revision, dict[str, str]]:
    """Upload a new draft revision; the ISO secretaries of the organisation do. It answers at once: a file that needs
    conversion or recognition is `processing.state` `queued` until the worker has done it."""
    upload = data["file"]
    revision = lifecycle.add_revision(
        db.session,
        file_store(current_app),
        current_user(),
        document_id,
        stream=upload.stream,
        filename=upload.filename or "",
        change_summary=data["change_summary"],
        code_mismatch_reason=data["code_mismatch_reason"],
    )
    return revision, {"Location": url_for(".get_revision", revision_id=revision.id)}


@blp.route(f"/revisions/<{ID}:revision_id>", methods=["GET"])
@blp.response(200, RevisionSchema)
@blp.error_responses(404)
def get_revision(revision_id: int) -> Revision:
    """One revision; staff see only the current one."""
    return reading.get_revision(db.session, current_user(), revision_id)


@blp.route(f"/revisions/<{ID}:revision_id>/actions", methods=["POST"])
@blp.arguments(ActionSchema)
@blp.doc(requestBody={"content": {"application/json": {"schema": {
    "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in ACTION_BODIES]}}}})
@blp.response(200, RevisionSchema)
@blp.error_responses(403, 404, 409)
def act(data: dict[str, Any], revision_id: int) -> Revision:
    """Submit, pass (review), return, approve, discard or withdraw; each needs its role and the revision's state."""
    return lifecycle.act(
        db.session,
        current_user(),
        revision_id,
        data["action"],
        today=clock.today(),
        comment=data["comment"],
        effective_from=data["effective_from"],
    )


@blp.route(f"/revisions/<{ID}:revision_id>/file", methods=["GET"])
@blp.alt_response(304, description="Not modified: If-None-Match names the file's SHA-256.", success=True)
@blp.error_responses(404)
@blp.doc(
    parameters=[{"in": "header", "name": "If-None-Match", "schema": {"type": "string"}, "required": False}],
    responses={
        "200": {
            "description": "The file; Content-Type is the revision's (.docx or .pdf), the strong ETag its SHA-256.",
            "headers": {"ETag": {"schema": {"type": "string"}}, "Content-Disposition": {"schema": {"type": "string"}}},
            "content": {content_type: {"schema": _BINARY} for content_type in filetypes.CONTENT_TYPES.values()},
        }
    },
)
def download(revision_id: int) -> Response:
    """The revision's file as stored; the download of a non-current revision is recorded in the audit log."""
    download = reading.open_file(db.session, file_store(current_app), current_user(), revision_id)
    revision = download.revision
    response = send_file(
        download.stream,
        mimetype=revision.content_type,
        as_attachment=True,
        download_name=revision.filename,
        etag=revision.file_sha256,
        conditional=True,
    )
    response.cache_control.private = True  # it needs a token: no shared cache may keep it
    return response


@blp.route(f"/revisions/<{ID}:revision_id>/rendition", methods=["GET"])
@blp.error_responses(404, 409)
@blp.doc(
    responses={
        "200": {
            "description": "The .docx conversion (of a .doc, .odt, .rtf) or the searchable PDF (of a scan) the text "
                           "was read from; the strong ETag is its SHA-256. 404 when the file was read as uploaded.",
            "headers": {"ETag": {"schema": {"type": "string"}}, "Content-Disposition": {"schema": {"type": "string"}}},
            "content": {filetypes.CONTENT_TYPES[kind]: {"schema": _BINARY} for kind in ("docx", "pdf")},
        }
    },
)
def rendition(revision_id: int) -> Response:
    """The revision's rendition; 409 `processing` until it is made. The file as uploaded stays at /file."""
    revision, stream = processing.open_rendition(db.session, file_store(current_app), current_user(), revision_id)
    assert revision.rendition is not None
    response = send_file(
        stream,
        mimetype=filetypes.CONTENT_TYPES[revision.rendition.kind],
        as_attachment=True,
        download_name=f"{revision.filename.rsplit('.', 1)[0]}.{revision.rendition.kind}",
        etag=revision.rendition.sha256,
        conditional=True,
    )
    response.cache_control.private = True
    return response
