"""The inspector's scorecard of an organisation, the inspection minutes and the annual report."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.records import ScorecardQuerySchema, ScorecardSchema
from qms.extensions import db
from qms.inspection import scorecard
from qms.inspection.scorecard import Link

blp = ApiBlueprint("api_scorecard", __name__, description="The scorecard, the inspection minutes, the annual report.")


def _today() -> date:
    return clock.today()


def link_href(link: Link) -> str:
    return url_for(link.endpoint, **link.args)


@blp.route("/organizations/<code>/scorecard", methods=["GET"])
@blp.arguments(ScorecardQuerySchema, location="query")
@blp.response(200, ScorecardSchema)
@blp.error_responses(404, 422)
def get_scorecard(query: dict[str, Any], code: str) -> dict[str, Any]:
    """Items with stable codes, each `ok` (None: not tracked), a detail phrased as inspection reports phrase a gap,
    and links to the evidence; as of a day (default today, or 31 December of a past year)."""
    found = scorecard.scorecard(db.session, current_user(), code, today=_today(), year=query.get("year"),
                                as_of_day=query.get("as_of"))
    return {
        "organization": found.organization, "year": found.year, "as_of": found.as_of,
        "items": [{"code": item.code, "ok": item.ok, "detail": item.detail,
                   "links": [{"label": link.label, "href": link_href(link)} for link in item.links]}
                  for item in found.items],
    }
