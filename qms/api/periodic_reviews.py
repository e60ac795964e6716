"""Periodic review: the approver records the outcome; a document's reviews; the organisation's intervals."""

from __future__ import annotations

from typing import Any

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint
from qms.api.schemas.periodic_reviews import (
    IntervalSchema,
    IntervalSetSchema,
    PeriodicReviewCreateSchema,
    PeriodicReviewSchema,
    intervals_view,
)
from qms.documents import reading
from qms.extensions import db
from qms.models import PeriodicReview
from qms.periodic_review import intervals, outcomes

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


@blp.route(f"/documents/<{ID}:document_id>/periodic-reviews", methods=["GET"])
@blp.response(200, PeriodicReviewSchema(many=True))
@blp.error_responses(404)
def list_periodic_reviews(document_id: int) -> list[PeriodicReview]:
    """The document's periodic reviews, newest first."""
    document = reading.get_document(db.session, current_user(), document_id)
    return outcomes.history(db.session, document.id)


@blp.route("/organizations/<code>/review-intervals", methods=["GET"])
@blp.response(200, IntervalSchema(many=True))
@blp.error_responses(404)
def get_review_intervals(code: str) -> list[dict[str, Any]]:
    """Months between periodic reviews for each kind of document: the organisation's own or the default."""
    return intervals_view(intervals.for_organization(db.session, current_user(), code))


@blp.route("/organizations/<code>/review-intervals", methods=["PUT"])
@blp.arguments(IntervalSetSchema)
@blp.response(200, IntervalSchema(many=True))
@blp.error_responses(403, 404, 422)
def set_review_interval(data: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """Set one kind's interval (the organisation's secretaries and approvers); its documents follow at once."""
    user = current_user()
    intervals.set_interval(db.session, user, code, data["kind"], data["months"])
    return intervals_view(intervals.for_organization(db.session, user, code))
