"""The audit log's entries and the integrity check."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump

from qms.api.schemas.common import ActorSchema, JsonObject, ListQuerySchema, Recorded, Text, _max_length, sort_field
from qms.documents import reading


class HistoryQuerySchema(ListQuerySchema):
    action = Text(validate=_max_length(40), metadata={"description": "Only entries of this action (upload, approve)."})
    sort = sort_field(reading.HISTORY_SORTING)


class AuditEntrySchema(Schema):
    seq = fields.Integer()
    occurred_at = fields.DateTime()
    action = fields.String()
    actor = Recorded(ActorSchema, "actor", metadata={"description": "Null for what the system did by itself."})
    revision_id = fields.Integer(allow_none=True)
    details = JsonObject()
    file_sha256 = fields.String(allow_none=True)
    hash = fields.String()
    prev_hash = fields.String()


class VerifySchema(Schema):
    ok = fields.Boolean()
    entries = fields.Integer()
    files = fields.Integer()
    head_hash = fields.String()
    first_bad = fields.String(metadata={"description": "The first problem found; absent when ok."})

    @post_dump
    def _omit_first_bad_when_ok(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("first_bad") is None:
            data.pop("first_bad", None)
        return data
