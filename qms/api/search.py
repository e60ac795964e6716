"""Full-text search over the documents the caller may see: the hits a page at a time, and the facets apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint, ListPager
from qms.api.schemas.search import SearchFacetsQuerySchema, SearchFacetsSchema, SearchHitSchema, SearchQuerySchema
from qms.extensions import db
from qms.listing import ListPage, ListRequest
from qms.search import search_index
from qms.search.query import MAX_PER_PAGE, PER_PAGE, Hit, SearchParams, SearchResults, search

blp = ApiBlueprint("api_search", __name__, description="Full-text search, the way Vietnamese users type.")


def _params(query: dict[str, Any], **reading: Any) -> SearchParams:
    status = query.get("status")
    return SearchParams(
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
        **reading,
    )


@blp.route("/search", methods=["GET"])
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchHitSchema(many=True))
@blp.paginate(ListPager, page_size=PER_PAGE, max_page_size=MAX_PER_PAGE)
@blp.error_responses(404, 422, 503)
def search_documents(query: dict[str, Any]) -> Callable[[int, int], ListPage[Hit]]:
    """A page of the hits: current revisions by default; `status=all` or a list for the roles that see others.
    Pages past 10,000 are empty. The facets, the did-you-mean suggestion and `relaxed`: `GET /search/facets`."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[Hit]:
        found = search(db.session, search_index(current_app), user,
                       _params(query, sort=query["sort"], page=number, per_page=size))
        return ListPage(found.hits, found.total, ListRequest(number, size))

    return page


@blp.route("/search/facets", methods=["GET"])
@blp.arguments(SearchFacetsQuerySchema, location="query")
@blp.response(200, SearchFacetsSchema)
@blp.error_responses(404, 422, 503)
def search_facets(query: dict[str, Any]) -> SearchResults:
    """What the same search finds in all: its total, counts per kind, organisation and category, the did-you-mean
    suggestion, and whether no document had every word (`relaxed`)."""
    return search(db.session, search_index(current_app), current_user(), _params(query, hits=False))
