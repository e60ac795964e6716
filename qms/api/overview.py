"""The province overview for inspectors: every organisation side by side."""

from __future__ import annotations

from typing import Any

from flask import current_app

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.inspection import OverviewQuerySchema, OverviewSchema
from qms.audit import anchors
from qms.extensions import db
from qms.inspection import overview

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
