"""Full-text search over the documents the caller may see."""

from __future__ import annotations

from typing import Any

from flask import current_app

from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.search import SearchQuerySchema, SearchResultsSchema
from qms.extensions import db
from qms.search import search_index
from qms.search.query import SearchParams, SearchResults, search

blp = ApiBlueprint("api_search", __name__, description="Full-text search, the way Vietnamese users type.")


@blp.route("/search", methods=["GET"])
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchResultsSchema)
@blp.error_responses(404, 422, 503)
def search_documents(query: dict[str, Any]) -> SearchResults:
    """Current revisions by default; `status=all` or a list for the roles that see others."""
    status = query.get("status")
    params = SearchParams(
        q=query["q"],
        organization_code=query.get("organization"),
        kind=query["kind"].value if query.get("kind") else None,
        category=query.get("category"),
        field=query.get("field"),
        statuses=[s.strip() for s in status.split(",") if s.strip()] if status else None,
        procedure=query.get("procedure"),
        effective_from=query.get("effective_from"),
        effective_to=query.get("effective_to"),
        as_of=query.get("as_of"),
        sort=query["sort"],
        page=query["page"],
        per_page=query["per_page"],
    )
    return search(db.session, search_index(current_app), current_user(), params)
