"""The province overview for inspectors: every organisation side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint, ListPager
from qms.api.schemas.inspection import OverviewQuerySchema, OverviewRowSchema, OverviewRowsQuerySchema, OverviewSchema
from qms.audit import anchors
from qms.extensions import db
from qms.inspection import overview
from qms.listing import ListPage, ListRequest

blp = ApiBlueprint("api_overview", __name__, description="The province overview for inspectors.")


@blp.route("/overview", methods=["GET"])
@blp.arguments(OverviewQuerySchema, location="query")
@blp.response(200, OverviewSchema)
@blp.error_responses(403, 404, 422)
def get_overview(query: dict[str, Any]) -> overview.Overview:
    """One row per organisation that existed on the day asked (``as_of``, default today): documents, coverage,
    reviews, findings, approvals, audit chain; those merged or split by then under ``former``; inspectors only."""
    return overview.overview(
        db.session,
        current_user(),
        today=clock.today(),
        parent_code=query.get("parent"),
        sort=query["sort"],
        descending=query["order"] == "desc",
        anchor_file=anchors.anchor_file(current_app),
        as_of=query.get("as_of"),
    )


@blp.route("/overview/rows", methods=["GET"])
@blp.arguments(OverviewRowsQuerySchema, location="query")
@blp.response(200, OverviewRowSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(403, 404, 422)
def list_overview_rows(query: dict[str, Any]) -> Callable[[int, int], ListPage[overview.OverviewRow]]:
    """The overview's rows as a paged list (one per organisation), sorted and filtered by name or code; the audit
    chain's health is in ``GET /overview``; inspectors only."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[overview.OverviewRow]:
        _found, rows = overview.overview_page(
            db.session,
            user,
            ListRequest(number, size, query.get("sort"), query["q"]),
            today=clock.today(),
            parent_code=query.get("parent"),
            anchor_file=anchors.anchor_file(current_app),
        )
        return rows

    return page
