"""Periodic review: the approver records the outcome; a document's reviews; the organisation's intervals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint, ListPager
from qms.api.schemas.periodic_reviews import (
    IntervalQuerySchema,
    IntervalSchema,
    IntervalSetSchema,
    PeriodicReviewCreateSchema,
    PeriodicReviewQuerySchema,
    PeriodicReviewSchema,
    intervals_view,
)
from qms.extensions import db
from qms.listing import ListPage, ListRequest
from qms.models import PeriodicReview
from qms.periodic_review import intervals, outcomes
from qms.periodic_review.intervals import KindInterval

blp = ApiBlueprint("api_periodic_reviews", __name__, description="Periodic review of the documents in force.")


@blp.route(f"/documents/<{ID}:document_id>/periodic-review", methods=["POST"])
@blp.arguments(PeriodicReviewCreateSchema)
@blp.response(201, PeriodicReviewSchema)
@blp.error_responses(403, 404, 409, 422)
def record_periodic_review(data: dict[str, Any], document_id: int) -> PeriodicReview:
    """The approver's outcome of reviewing the revision in force, due or earlier; 409 when nothing is in force, or
    when a «cần sửa đổi» already waits for a new revision."""
    return outcomes.record(db.session, current_user(), document_id, outcome=data["outcome"].value,
                           reason=data["reason"], today=clock.today())


def _list_request(query: dict[str, Any], number: int, size: int) -> ListRequest:
    return ListRequest(number, size, query.get("sort"), query["q"])


@blp.route(f"/documents/<{ID}:document_id>/periodic-reviews", methods=["GET"])
@blp.arguments(PeriodicReviewQuerySchema, location="query")
@blp.response(200, PeriodicReviewSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_periodic_reviews(query: dict[str, Any], document_id: int) -> Callable[[int, int], ListPage[PeriodicReview]]:
    """A page of the document's periodic reviews, newest first."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[PeriodicReview]:
        return outcomes.history_page(db.session, user, document_id, _list_request(query, number, size))

    return page


@blp.route("/organizations/<code>/review-intervals", methods=["GET"])
@blp.arguments(IntervalQuerySchema, location="query")
@blp.response(200, IntervalSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def get_review_intervals(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[KindInterval]]:
    """Months between periodic reviews for each kind of document, the organisation's own or the default, as a page
    (every kind fits on the first)."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[KindInterval]:
        return intervals.intervals_page(db.session, user, code, _list_request(query, number, size))

    return page


@blp.route("/organizations/<code>/review-intervals", methods=["PUT"])
@blp.arguments(IntervalSetSchema)
@blp.response(200, IntervalSchema(many=True))
@blp.error_responses(403, 404, 422)
def set_review_interval(data: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """Set one kind's interval (the organisation's secretaries and approvers); its documents follow at once."""
    user = current_user()
    intervals.set_interval(db.session, user, code, data["kind"], data["months"])
    return intervals_view(intervals.for_organization(db.session, user, code))
