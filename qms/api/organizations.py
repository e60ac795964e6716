"""Organisations restructured: merge, split and move with a preview, and what each was formed from and became."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qms import clock
from qms.accounts import restructure, restructure_schedule
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint, ListPager
from qms.api.schemas.organizations import (
    LineageSchema,
    RestructurePlanSchema,
    RestructureSchema,
    ScheduledQuerySchema,
    ScheduledRestructureSchema,
)
from qms.extensions import db
from qms.listing import ListPage, ListRequest
from qms.models import ScheduledRestructure

blp = ApiBlueprint("api_organizations", __name__, description="Organisations merged, split and moved, as of a day.")


@blp.route("/organizations/restructure", methods=["POST"])
@blp.arguments(RestructureSchema)
@blp.response(200, RestructurePlanSchema)
@blp.error_responses(403, 404, 409, 422)
def restructure_organizations(data: dict[str, Any]) -> dict[str, Any]:
    """With ``dry_run`` the preview (moves, clashes, coverage_after); without, the change (kept as ``scheduled`` for
    an ``effective_on`` after today), or 409 naming the clashes left unresolved. Administrators only."""
    arguments = {
        "kind": data["kind"], "sources": data["sources"], "targets": data["targets"],
        "effective_on": data["effective_on"], "resolutions": data["resolutions"],
    }
    if data["dry_run"]:
        plan = restructure.preview(db.session, current_user(), **arguments)
        return {"done": False, "event_id": None, **plan.as_dict()}
    submitted = restructure_schedule.submit(db.session, current_user(), **arguments, today=clock.today())
    return {"done": submitted.event is not None, "event_id": submitted.event.id if submitted.event else None,
            "scheduled": submitted.scheduled, **submitted.plan.as_dict()}


@blp.route("/organizations/restructure/scheduled", methods=["GET"])
@blp.arguments(ScheduledQuerySchema, location="query")
@blp.response(200, ScheduledRestructureSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(403, 422)
def list_scheduled(query: dict[str, Any]) -> Callable[[int, int], ListPage[ScheduledRestructure]]:
    """A page of the restructures kept for a day: those still waiting first, then those done, cancelled or failed;
    by day within each unless ``sort`` says otherwise. Administrators only."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[ScheduledRestructure]:
        request = ListRequest(number, size, query.get("sort"), query["q"])
        return restructure_schedule.scheduled_page(db.session, user, request)

    return page


@blp.route("/organizations/restructure/scheduled/<int:scheduled_id>/cancel", methods=["POST"])
@blp.response(200, ScheduledRestructureSchema)
@blp.error_responses(403, 404, 409)
def cancel_scheduled(scheduled_id: int) -> Any:
    """Cancel a restructure whose day has not come (409 once it is carried out, cancelled or failed)."""
    return restructure_schedule.cancel(db.session, current_user(), scheduled_id)


@blp.route("/organizations/<code>/lineage", methods=["GET"])
@blp.response(200, LineageSchema)
@blp.error_responses(404)
def get_lineage(code: str) -> dict[str, Any]:
    """What the organisation was formed from and what it became, with dates."""
    return restructure.lineage(db.session, code)
