"""Periodic review: the approver's outcome, a document's reviews, and the organisation's intervals per kind."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from qms.api import rules
from qms.api.schemas.common import ApiSchema, ListQuerySchema, PersonSchema, Recorded, Text, sort_field
from qms.models import DocumentKind, ReviewOutcome
from qms.periodic_review import outcomes
from qms.periodic_review.intervals import MAX_MONTHS, MIN_MONTHS, SORT_KEYS


class PeriodicReviewCreateSchema(ApiSchema):
    """«còn phù hợp, không cần sửa đổi» (no_change: the clock restarts) or «cần sửa đổi» (revise: a task for the
    secretaries until a new revision takes effect), with the reason either way."""

    outcome = fields.Enum(ReviewOutcome, by_value=True, required=True)
    reason = Text(required=True, blank=False, blank_code="reason_required",
                  error_messages={"required": rules.Coded("Cần ghi lý do (nhận xét) của kết quả xem xét định kỳ.",
                                                          "reason_required")})


class PeriodicReviewSchema(Schema):
    id = fields.Integer()
    document_id = fields.Integer()
    revision_id = fields.Integer(metadata={"description": "The revision in force that was reviewed."})
    outcome = fields.Enum(ReviewOutcome, by_value=True)
    reason = fields.String()
    reviewed_on = fields.Date()
    reviewed_by = Recorded(PersonSchema, "reviewed_by", allow_none=False)
    open = fields.Boolean(attribute="is_open_task", metadata={
        "description": "A «cần sửa đổi» still waiting for a new revision to take effect."})
    closed_at = fields.DateTime(allow_none=True)
    closed_by_revision_id = fields.Integer(allow_none=True)


class PeriodicReviewQuerySchema(ListQuerySchema):
    """``q`` matches the reason and who reviewed."""

    sort = sort_field(outcomes.SORTING)


class IntervalQuerySchema(ListQuerySchema):
    """``q`` matches the kind (process, policy …)."""

    sort = sort_field(SORT_KEYS)


class IntervalSchema(Schema):
    kind = fields.Enum(DocumentKind, by_value=True)
    months = fields.Integer()
    own = fields.Boolean(metadata={"description": "The organisation's own interval (false: the kind's default)."})


class IntervalSetSchema(ApiSchema):
    """Set the organisation's interval for a kind; null months: back to the kind's default."""

    kind = fields.Enum(DocumentKind, by_value=True, required=True)
    months = fields.Integer(required=True, allow_none=True, validate=validate.Range(
        min=MIN_MONTHS, max=MAX_MONTHS, error="Chu kỳ xem xét phải từ {min} đến {max} tháng."))


def intervals_view(intervals: dict[DocumentKind, tuple[int, bool]]) -> list[dict[str, Any]]:
    return [{"kind": kind, "months": months, "own": own} for kind, (months, own) in intervals.items()]
