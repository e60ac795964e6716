"""Search: what people type, the hits and their facets."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from qms import clock
from qms.api import rules
from qms.api.schemas.common import ApiSchema, Text, _max_length
from qms.models import DocumentKind, RevisionStatus
from qms.search.record_entries import RecordKind

#: What ``status`` of a search takes: ``all``, or statuses separated by commas (the search checks the same).
_STATUS = "|".join(status.value for status in RevisionStatus)


_BLANK = rules.BLANK
SEARCH_STATUSES = rf"^{_BLANK}(?:all|(?:{_STATUS})(?:{_BLANK},{_BLANK}(?:{_STATUS}))*){_BLANK}$"


class SearchFacetsQuerySchema(ApiSchema):
    """What a search reads besides its page; lengths are bounded so that the longest query the API accepts fits the
    request line (MAX_QUERY_BYTES)."""

    q = Text(load_default="", validate=_max_length(200), metadata={"description": "What the user typed."})
    organization = Text(validate=_max_length(64), metadata={"description": "Organisation code, with its children."})
    kind = fields.Enum(DocumentKind, by_value=True)
    category = fields.String(
        validate=validate.OneOf(["document", "record"]),
        metadata={"description": "`document`: revisions of documents only; `record`: records of the quality system "
                                 "only (publications, internal audits, corrective actions, management reviews, "
                                 "quality objectives, confirmations of effectiveness); default both."},
    )
    field = Text(validate=_max_length(200), metadata={"description": "Field (lĩnh vực)."})
    status = fields.String(
        validate=[_max_length(200), rules.Pattern(SEARCH_STATUSES, "Trạng thái không hợp lệ.", "invalid_status")],
        metadata={"description": "`all` or comma-separated statuses; default: current (effective) revisions."},
    )
    procedure = Text(validate=_max_length(64), metadata={"description": "TTHC code."})
    effective_from = fields.Date(metadata={"description": "Effective on or after."})
    effective_to = fields.Date(metadata={"description": "Effective on or before."})
    as_of = fields.Date(
        validate=rules.DayBound(clock.today, latest=True, error="Ngày không được sau ngày hôm nay.",
                                code="as_of_future"),
        metadata={"description": "With `organization`: the documents it, and those under it, owned on that day "
                                 "(the tree of that day); default today's tree."},
    )


class SearchQuerySchema(SearchFacetsQuerySchema):
    sort = fields.String(
        load_default="relevance", validate=validate.OneOf(["relevance", "date"]),
        metadata={"description": "`relevance`, or `date`: newest effective date first (the order when nothing "
                                 "is typed)."},
    )


class SearchHitSchema(Schema):
    """A revision of a document, or a record of the quality system (``category: record``)."""

    category = fields.String(
        validate=validate.OneOf(["document", "record"]),
        metadata={"description": "`document` (a revision) or `record` (a record of the quality system)."},
    )
    document_id = fields.Integer(allow_none=True, metadata={"description": "Null for a record."})
    revision_id = fields.Integer(allow_none=True, metadata={"description": "Null for a record."})
    record_kind = fields.String(
        allow_none=True,
        metadata={"description": "The kind of record, one of: " + ", ".join(f"`{kind.value}`" for kind in RecordKind)
                                 + "; null for a document."},
    )
    record_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The record's id among its kind (as the records endpoints name it); null for a "
                                 "document."},
    )
    code = fields.String()
    title = fields.String()
    organization = fields.String()
    organization_code = fields.String()
    kind = fields.String(metadata={"description": "The document's kind, or the record's kind for a record."})
    status = fields.String(metadata={"description": "The revision's status; empty for a record."})
    number = fields.Integer(metadata={"description": "The revision's number; 0 for a record."})
    issue_number = fields.Integer(allow_none=True)
    effective_from = fields.Date(
        allow_none=True, metadata={"description": "For a record, its date (signed, held, due, confirmed)."},
    )
    score = fields.Float()
    highlights = fields.String(metadata={"description": "Escaped text; only <mark> is markup."})
    has_text = fields.Boolean()


class SearchFacetsSchema(Schema):
    total = fields.Integer(metadata={"description": "How many hits the search finds (the list's total)."})
    facets = fields.Dict(
        keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "Counts per kind (`kind`), per organisation code (`organization`) and of documents "
                                 "against records (`category`) for the whole query."},
    )
    suggestion = fields.String(allow_none=True, metadata={"description": "Did you mean; only when it finds something."})
    relaxed = fields.Boolean(metadata={"description": "No document had every word; these have some."})
