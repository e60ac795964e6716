"""Bodies of the inspector's endpoints: the province overview, the difference between revisions, dossier dates."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from qms import clock
from qms.api import rules
from qms.api.schemas.common import ApiSchema, ListQuerySchema, OrganizationSchema, Text
from qms.inspection.overview import SORTS
from qms.models import RevisionStatus


class OverviewQuerySchema(ApiSchema):
    parent = Text(
        validate=validate.Length(max=64), metadata={"description": "Only this organisation and those under it."}
    )
    sort = fields.String(
        load_default="name", validate=validate.OneOf(list(SORTS), error="Giá trị phải là một trong: {choices}.")
    )
    order = fields.String(
        load_default="asc", validate=validate.OneOf(["asc", "desc"], error="Giá trị phải là asc hoặc desc.")
    )
    as_of = fields.Date(
        validate=rules.DayBound(clock.today, latest=True, error="Ngày xem không được sau ngày hôm nay.",
                                code="as_of_future"),
        metadata={"description": "The day the organisation tree and its rows answer for (YYYY-MM-DD), not after "
                                 "today; default today."},
    )


class OverviewRowsQuerySchema(ListQuerySchema):
    parent = Text(
        validate=validate.Length(max=64), metadata={"description": "Only this organisation and those under it."}
    )
    sort = fields.String(
        load_default="name",
        validate=validate.OneOf([v for key in SORTS for v in (key, f"-{key}")],
                                error="Giá trị phải là một trong: {choices}."),
        metadata={"description": f"One of {', '.join(SORTS)}; a leading `-` sorts descending."},
    )


class CoverageCountsSchema(Schema):
    covered = fields.Integer()
    total = fields.Integer()
    percent = fields.Float()


class OverviewRowSchema(Schema):
    organization = fields.Nested(OrganizationSchema)
    parent = fields.Nested(OrganizationSchema, allow_none=True, metadata={"description": "Its parent on that day."})
    documents = fields.Integer(metadata={"description": "Documents not withdrawn."})
    documents_by_kind = fields.Method(
        "_by_kind", metadata={"type": "object", "additionalProperties": {"type": "integer"}}
    )
    effective_processes = fields.Integer(metadata={"description": "Per-TTHC processes in force."})
    coverage = fields.Method("_coverage", metadata={"type": "object"})
    open_legal_reviews = fields.Integer(attribute="open_reviews")
    processes_with_findings = fields.Integer(metadata={"description": "Processes in force with conformity findings."})
    awaiting_approval = fields.Integer()
    overdue_reviews = fields.Integer(metadata={"description": "Documents past their periodic review."})
    acknowledgements = fields.Method("_acknowledgements", metadata={
        "type": "object", "description": "Confirmations «đã đọc và hiểu» of the revisions in force, out of the people "
                                         "asked: {acknowledged, required, percent (null when nobody is asked)}."})
    last_approval = fields.DateTime(allow_none=True)
    chain_ok = fields.Boolean(metadata={"description": "None of the organisation's audit entries is bad."})
    scorecard_gaps = fields.List(fields.String(), metadata={
        "description": "Codes of the scorecard's gaps this year as of today (see /organizations/{code}/scorecard)."})

    def _by_kind(self, row: Any) -> dict[str, int]:
        return {kind.value: count for kind, count in row.documents_by_kind.items()}

    def _acknowledgements(self, row: Any) -> dict[str, Any]:
        return {"acknowledged": row.acknowledged, "required": row.acknowledgement_required,
                "percent": row.acknowledgement_percent}

    def _coverage(self, row: Any) -> dict[str, Any]:
        return {"covered": row.covered, "total": row.listed, "percent": row.coverage_percent}


class AnchorSchema(Schema):
    date = fields.Date(attribute="day")
    seq = fields.Integer()
    hash = fields.String()
    source = fields.String(metadata={"description": "daily, overview:<username>…"})


class ChainSchema(Schema):
    ok = fields.Boolean()
    entries = fields.Integer()
    head_seq = fields.Integer()
    head_hash = fields.String()
    first_bad = fields.String(allow_none=True)
    fully_checked_at = fields.DateTime(allow_none=True, metadata={
        "description": "When the full walk of the chain these figures rest on ran (every hour by the worker, and by "
                       "verify); the entries written after it were checked for this answer."})
    last_anchor = fields.Nested(AnchorSchema, allow_none=True, metadata={
        "description": "The latest head kept outside the database (before this overview recorded the one it saw)."})


class FormerOrganizationSchema(Schema):
    organization = fields.Nested(OrganizationSchema)
    status = fields.String(attribute="status.value", metadata={"enum": ["merged", "split"]})
    ended_on = fields.Date(metadata={"description": "The first day it no longer existed as itself."})
    successors = fields.List(fields.Nested(OrganizationSchema), metadata={"description": "What it became."})
    label = fields.Method("_label", metadata={"type": "string", "description": "«đã sáp nhập vào C từ dd/mm/yyyy»."})

    def _label(self, former: Any) -> str:
        return str(former.label())


class OverviewSchema(Schema):
    as_of = fields.Date(metadata={"description": "The day the rows answer for."})
    rows = fields.List(fields.Nested(OverviewRowSchema))
    former = fields.List(fields.Nested(FormerOrganizationSchema), metadata={
        "description": "The organisations merged or split by that day, with what they became."})
    chain = fields.Nested(ChainSchema)
    conformity_available = fields.Constant(
        True, metadata={"description": "Always true: the conformity reading is part of every installation."}
    )
    parent = fields.Method("_parent", metadata={"type": "string", "nullable": True, "description": "The filter."})
    sort = fields.String()
    order = fields.Method("_order", metadata={"type": "string", "enum": ["asc", "desc"]})

    def _parent(self, overview: Any) -> str | None:
        return overview.parent.code if overview.parent else None

    def _order(self, overview: Any) -> str:
        return "desc" if overview.descending else "asc"


class DiffQuerySchema(ApiSchema):
    from_ = fields.Integer(data_key="from", required=True, metadata={"description": "Revision id (older side)."})
    to = fields.Integer(required=True, metadata={"description": "Revision id (newer side)."})


class DiffRevisionSchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    issue_number = fields.Integer(allow_none=True)
    status = fields.Enum(RevisionStatus, by_value=True)
    has_text = fields.Boolean()


class DiffLineSchema(Schema):
    kind = fields.String(metadata={"enum": ["same", "changed", "removed", "added", "folded"]})
    table_row = fields.Boolean()
    from_line = fields.Integer(attribute="old_number", allow_none=True)
    to_line = fields.Integer(attribute="new_number", allow_none=True)
    from_html = fields.String(
        attribute="old", allow_none=True, metadata={"description": "Escaped; only <del> is markup."}
    )
    to_html = fields.String(
        attribute="new", allow_none=True, metadata={"description": "Escaped; only <ins> is markup."}
    )
    folded = fields.Integer(metadata={"description": "Unchanged lines a folded line stands for."})


class ChangeDescriptionSchema(Schema):
    revision_id = fields.Integer(attribute="id")
    number = fields.Integer()
    issue_number = fields.Integer(allow_none=True)
    change_summary = fields.String()


class RevisionDiffSchema(Schema):
    document_id = fields.Integer(attribute="document.id")
    from_ = fields.Nested(DiffRevisionSchema, attribute="old", data_key="from")
    to = fields.Nested(DiffRevisionSchema, attribute="new")
    has_text = fields.Boolean()
    changes = fields.Integer(metadata={"description": "Lines changed, removed or added."})
    lines = fields.List(fields.Nested(DiffLineSchema))
    change_descriptions = fields.List(fields.Nested(ChangeDescriptionSchema), attribute="described_by")


class AsOfQuerySchema(ApiSchema):
    as_of = fields.Date(
        validate=rules.DayBound(clock.today, latest=True, error="Ngày lập không được sau ngày hôm nay.",
                                code="as_of_future"),
        metadata={"description": "The day whose state is wanted (YYYY-MM-DD), not after today; default today."},
    )
