"""The audit log: a document's history, and the integrity check of the whole log and the stored files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint, ListPager
from qms.api.schemas.audit import AuditEntrySchema, HistoryQuerySchema, VerifySchema
from qms.audit import anchors, trail
from qms.documents import reading
from qms.extensions import db
from qms.files.store import file_store
from qms.listing import ListPage, ListRequest
from qms.models import AuditEntry

blp = ApiBlueprint("api_audit", __name__, description="The hash-chained audit log.")


@blp.route(f"/documents/<{ID}:document_id>/history", methods=["GET"])
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, AuditEntrySchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404)
def history(query: dict[str, Any], document_id: int) -> Callable[[int, int], ListPage[AuditEntry]]:
    """A page of what was recorded about a document, oldest first (``sort=-seq``: newest first); not for staff, who
    see only current revisions."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[AuditEntry]:
        request = ListRequest(number, size, query.get("sort"), query["q"])
        return reading.history_page(db.session, user, document_id, request, action=query.get("action"))

    return page


@blp.route("/audit/verify", methods=["GET"])
@blp.response(200, VerifySchema)
@blp.error_responses(403)
def verify() -> trail.VerifyReport:
    """Re-check chain and anchors, revisions against their entries, stored files; inspectors and administrators."""
    return trail.verify_for(db.session, file_store(current_app), current_user(), anchors.anchor_file(current_app))
