"""Bodies of the organisation restructure endpoints: the request, the preview or the change, the lineage."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from qms.accounts.restructure_schedule import SORT_KEYS
from qms.api.schemas.common import ApiSchema, ListQuerySchema, Text, sort_field

_CODE = validate.Length(min=1, max=64, error="Từ {min} đến {max} ký tự.")
_NAME = validate.Length(min=1, max=200, error="Từ {min} đến {max} ký tự.")


def _pairs(key: str, key_description: str, value: str, value_description: str, description: str) -> fields.List:
    """Resolutions as a list of objects, not a mapping: what a key holds then has a documented form of its own."""
    item = ApiSchema.from_dict(
        {
            key: Text(required=True, validate=_NAME, metadata={"description": key_description}),
            value: Text(required=True, validate=_NAME, metadata={"description": value_description}),
        },
        name=f"Resolution{key.title()}{value.title()}",
    )
    return fields.List(fields.Nested(item), validate=validate.Length(max=2000), metadata={"description": description},
                       load_default=list)


class TargetSchema(ApiSchema):
    code = Text(required=True, validate=_CODE, metadata={"description": "Organisation code, new or existing."})
    name = Text(validate=validate.Length(max=300), metadata={"description": "The name of a new organisation."})
    parent = Text(allow_none=True, validate=validate.Length(max=64),
                  metadata={"description": "Parent code: of a new organisation, or the new parent in a move."})


class ResolutionsSchema(ApiSchema):
    codes = _pairs("document", "ORG:CODE of a document whose code clashes.", "code", "Its new code.",
                   "New codes for the documents whose codes clash.")
    procedures = _pairs("procedure", "A TTHC code covered twice.", "document", "ORG:CODE of the process that stays "
                        "in force; the others are withdrawn with the reason «sáp nhập».",
                        "The process that stays in force for each TTHC covered twice.")
    documents = _pairs("document", "ORG:CODE of a document.", "organization", "The target organisation's code.",
                       "Split: where each document goes.")
    users = _pairs("username", "A user name.", "organization", "The target organisation's code.",
                   "Split: where each user goes.")
    records = _pairs("record", "KIND:ID of a record of the quality system, as the preview's `records` name it "
                     "(e.g. `internal_audit:12`).", "organization", "The target organisation's code.",
                     "Split: where each record goes (default: the first target).")

    @post_load
    def _as_mappings(self, data: dict[str, Any], **kwargs: Any) -> dict[str, dict[str, str]]:
        """The service takes each resolution as a mapping from the thing to what becomes of it."""
        keys = {"codes": ("document", "code"), "procedures": ("procedure", "document"),
                "documents": ("document", "organization"), "users": ("username", "organization"),
                "records": ("record", "organization")}
        return {name: {item[keys[name][0]]: item[keys[name][1]] for item in items} for name, items in data.items()}


class RestructureSchema(ApiSchema):
    kind = Text(required=True, validate=validate.OneOf(["merge", "split", "move"],
                                                       error="Giá trị phải là một trong: {choices}."))
    sources = fields.List(Text(validate=_CODE), required=True, validate=validate.Length(min=1, max=50))
    targets = fields.List(fields.Nested(TargetSchema), required=True, validate=validate.Length(min=1, max=50))
    effective_on = fields.Date(required=True, metadata={
        "description": "The first day of the new structure; after today, the restructure is kept for that day."})
    resolutions = fields.Nested(ResolutionsSchema, load_default=dict)
    dry_run = fields.Boolean(load_default=False, metadata={"description": "True: the preview only, nothing changes."})


class MoveSchema(Schema):
    document_id = fields.Integer()
    from_ = fields.String(data_key="from", attribute="from")
    code = fields.String()
    to = fields.String()
    new_code = fields.String(allow_none=True)


class RecordMoveSchema(Schema):
    kind = fields.String(metadata={"enum": ["publication", "internal_audit", "management_review", "quality_objective",
                                            "effectiveness_confirmation"]})
    id = fields.Integer()
    key = fields.String(metadata={"description": "KIND:ID, as the `records` resolution names the record."})
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    label = fields.String()


class ClashSchema(Schema):
    kind = fields.String(metadata={"description": "code | procedure"})
    target = fields.String()
    subject = fields.String(metadata={
        "description": "The shared document code, or the TTHC code(s): a national code and its provincial variant "
                       "as `2.000635 / 2.000635.000.00.00.H55`."})
    documents = fields.List(fields.String())
    resolved = fields.Boolean()
    resolution = fields.Dict()
    codes = fields.Dict(
        keys=fields.String(), values=fields.String(),
        metadata={"description": "procedure: each document's TTHC code as it links it (national or provincial)."},
    )
    message = fields.String()


class CoverageAfterSchema(Schema):
    target = fields.String()
    covered = fields.Integer()
    total = fields.Integer()
    percent = fields.Float()
    uncovered = fields.List(fields.String())


class ScheduledQuerySchema(ListQuerySchema):
    """``q`` matches the kind, the state, the organisations' codes and names, and why one failed."""

    sort = sort_field(SORT_KEYS)


class ScheduledRestructureSchema(Schema):
    id = fields.Integer()
    kind = fields.String(attribute="kind.value")
    effective_on = fields.Date()
    state = fields.String(attribute="state.value", metadata={"enum": ["scheduled", "done", "cancelled", "failed"]})
    sources = fields.Method("_sources", metadata={"type": "array", "items": {"type": "string"}})
    targets = fields.Method("_targets", metadata={"type": "array", "items": {"type": "object"}})
    resolutions = fields.Method("_resolutions", metadata={"type": "object"})
    event_id = fields.Integer(allow_none=True)
    failure = fields.String(allow_none=True, metadata={"description": "Why it could not be carried out on its day."})
    created_at = fields.DateTime()

    def _sources(self, row: Any) -> list[str]:
        return list(row.asked["sources"])

    def _targets(self, row: Any) -> list[dict[str, Any]]:
        return list(row.asked["targets"])

    def _resolutions(self, row: Any) -> dict[str, Any]:
        return dict(row.asked["resolutions"])


class RestructurePlanSchema(Schema):
    done = fields.Boolean(metadata={"description": "False for a preview or a restructure scheduled for a later day, "
                                                   "True when carried out."})
    event_id = fields.Integer(allow_none=True)
    scheduled = fields.Nested(ScheduledRestructureSchema, allow_none=True, metadata={
        "description": "With an ``effective_on`` after today: kept, and carried out by the daily job on that day."})
    kind = fields.String()
    effective_on = fields.String()
    sources = fields.List(fields.String())
    targets = fields.List(fields.Dict())
    new_parent = fields.String(allow_none=True)
    moves = fields.List(fields.Nested(MoveSchema))
    clashes = fields.List(fields.Nested(ClashSchema))
    code_changes = fields.Dict(keys=fields.String(), values=fields.String())
    withdrawals = fields.List(fields.String())
    records = fields.List(fields.Nested(RecordMoveSchema), metadata={
        "description": "The records of the quality system carried, by source; each keeps its id and history."})
    records_rule = fields.String(metadata={"description": "Where the records go unless a resolution says otherwise."})
    users = fields.List(fields.Dict())
    catalogue = fields.Dict()
    children = fields.List(fields.Dict())
    coverage_after = fields.List(fields.Nested(CoverageAfterSchema))


class LineageEventSchema(Schema):
    kind = fields.String()
    effective_on = fields.String()
    sources = fields.List(fields.String())
    targets = fields.List(fields.String())


class LineageSchema(Schema):
    code = fields.String()
    name = fields.String()
    status = fields.String(metadata={"description": "active | merged | split"})
    merged_into = fields.String(allow_none=True)
    formed_on = fields.String(allow_none=True)
    ended_on = fields.String(allow_none=True)
    formed_from = fields.List(fields.Nested(LineageEventSchema))
    became = fields.List(fields.Nested(LineageEventSchema))
    moves = fields.List(fields.Nested(LineageEventSchema))
    renames = fields.List(fields.Dict(), metadata={"description": "Renames, each with its code and name before and "
                                                                  "after."})
