"""The inspector's scorecard of an organisation, the inspection minutes and the annual report."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Response, send_file, url_for

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.records import AnnualReportQuerySchema, MinutesQuerySchema, ScorecardQuerySchema, ScorecardSchema
from qms.extensions import db
from qms.inspection import annual_report, minutes, scorecard
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


def _docx(content: bytes, name: str) -> Response:
    return send_file(io.BytesIO(content), mimetype=annual_report.CONTENT_TYPE, as_attachment=True,
                     download_name=name)


_DOCX = {"description": "A Word file in the administrative format.",
         "content": {annual_report.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}}


@blp.route("/organizations/<code>/reports/annual.docx", methods=["GET"])
@blp.arguments(AnnualReportQuerySchema, location="query")
@blp.doc(responses={"200": _DOCX})
@blp.error_responses(404, 422)
def get_annual_report(query: dict[str, Any], code: str) -> Response:
    """The annual report to the Department of Science and Technology, as of a day; the same data, the same bytes."""
    content, name = annual_report.report(db.session, current_user(), code, today=_today(), year=query.get("year"),
                                         as_of_day=query.get("as_of"))
    return _docx(content, name)


@blp.route("/inspection-minutes.docx", methods=["GET"])
@blp.arguments(MinutesQuerySchema, location="query")
@blp.doc(responses={"200": _DOCX})
@blp.error_responses(403, 404, 422)
def get_minutes(query: dict[str, Any]) -> Response:
    """The inspection minutes for the organisations chosen, each with its gaps as of the day; inspectors only."""
    today = _today()
    day = query.get("date") or today
    content = minutes.minutes(db.session, current_user(), query["organizations"].split(","), day=day, today=today)
    return _docx(content, minutes.filename(day))
