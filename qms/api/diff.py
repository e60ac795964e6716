"""The difference between two revisions of a document, from their extracted text."""

from __future__ import annotations

from typing import Any

from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint
from qms.api.schemas.inspection import DiffQuerySchema, RevisionDiffSchema
from qms.documents import diff
from qms.extensions import db

blp = ApiBlueprint("api_diff", __name__, description="Differences between revisions, word by word.")


@blp.route(f"/documents/<{ID}:document_id>/diff", methods=["GET"])
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, RevisionDiffSchema)
@blp.error_responses(404, 422)
def get_diff(query: dict[str, Any], document_id: int) -> diff.RevisionDiff:
    """Changed paragraphs and table rows side by side, with the change descriptions; not for staff."""
    return diff.compare(db.session, current_user(), document_id, query["from_"], query["to"])
