"""Read-and-acknowledge: a confirmation, and a revision's list of who has and has not read it."""

from __future__ import annotations

from marshmallow import Schema, fields


class ReaderSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String(attribute="full_name")


class AcknowledgementSchema(Schema):
    """One confirmation «Tôi đã đọc và hiểu»."""

    user = fields.Nested(ReaderSchema)
    at = fields.DateTime(attribute="acknowledged_at")


class AcknowledgementConfirmedSchema(AcknowledgementSchema):
    revision_id = fields.Integer()


class AcknowledgementListSchema(Schema):
    revision_id = fields.Integer(attribute="revision.id")
    required = fields.Integer(metadata={"description": "The people asked to read the revision."})
    acknowledged = fields.List(fields.Nested(AcknowledgementSchema), metadata={
        "description": "Who confirmed, and when, earliest first."})
    pending = fields.List(fields.Nested(ReaderSchema), attribute="pending_users",
                          metadata={"description": "Who has not confirmed yet."})
