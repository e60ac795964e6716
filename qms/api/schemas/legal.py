"""Request and response bodies of the legal register, legal bases and review items."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from qms.api import rules
from qms.api.schemas.common import (
    ApiSchema,
    ListQuerySchema,
    OrganizationSchema,
    PersonSchema,
    Recorded,
    Text,
    sort_field,
)
from qms.legal import listed as legal_listed
from qms.legal.proposals import PROPOSAL_SORTING
from qms.legal.register import MAX_NUMBER_LENGTH
from qms.legal.reviews import REVIEW_SORTING, STATES
from qms.legal.status import LegalStatus
from qms.models import ProposalKind, ProposalState, RelationKind, ReviewState
from qms.text.citations import NUMBER_PATTERN

_NUMBER = {"example": "61/2018/NĐ-CP"}


def _length(limit: int) -> validate.Length:
    return validate.Length(max=limit, error="Tối đa {max} ký tự.")


_INVALID_NUMBER = "Số hiệu văn bản không hợp lệ (ví dụ: 61/2018/NĐ-CP, 60/2014/QH13, 101/QĐ-BKHCN)."


def _number(*, blank: bool = False, **kwargs: Any) -> fields.String:
    """A legal document number in the form the register takes (a blank item of a list is skipped)."""
    pattern = rf"^{rules.BLANK}$|{NUMBER_PATTERN}" if blank else NUMBER_PATTERN
    return fields.String(
        validate=[validate.Length(max=MAX_NUMBER_LENGTH, error=rules.Coded("Tối đa {max} ký tự.", "invalid_number")),
                  rules.Pattern(pattern, _INVALID_NUMBER, "invalid_number")],
        **kwargs,
    )


class _Numbers(fields.List):
    """A list of legal document numbers, as typed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Length(max=200, error="Tối đa {max} số hiệu."))
        super().__init__(_number(blank=True), **kwargs)


# --- requests ----------------------------------------------------------------------------------


class LegalQuerySchema(ApiSchema):
    q = Text(
        validate=_length(200),
        metadata={"description": "Part of the number, title or issuer, with or without diacritics."},
    )
    status = fields.Enum(LegalStatus, by_value=True, metadata={"description": "Derived status as of today."})
    sort = sort_field(legal_listed.REGISTER_SORTING)


class LegalCreateSchema(ApiSchema):
    number = _number(required=True, metadata=_NUMBER)
    type = Text(load_default="", validate=_length(100), metadata={"example": "Nghị định"})
    title = Text(required=True, blank=False, blank_code="title_required", validate=_length(5000))
    issuer = Text(load_default="", validate=_length(300), metadata={"example": "Chính phủ"})
    issued_on = fields.Date(load_default=None, allow_none=True)
    effective_from = fields.Date(load_default=None, allow_none=True)
    amends = _Numbers(load_default=list, metadata={"description": "Numbers of the documents this one amends."})
    replaces = _Numbers(load_default=list, metadata={"description": "Numbers of the documents this one replaces."})


class LegalUpdateSchema(ApiSchema):
    """Only the fields sent change; ``amends``/``replaces`` are complete lists."""

    type = Text(validate=_length(100), data_key="type", attribute="doc_type")
    title = Text(blank=False, blank_code="title_required", validate=_length(5000))
    issuer = Text(validate=_length(300))
    issued_on = fields.Date(allow_none=True)
    effective_from = fields.Date(allow_none=True)
    amends = _Numbers()
    replaces = _Numbers()


class BasisUpdateSchema(ApiSchema):
    numbers = _Numbers(required=True, metadata={"description": "The whole legal basis, e.g. [\"118/2025/NĐ-CP\"]."})


class ReviewQuerySchema(ListQuerySchema):
    state = fields.String(
        load_default="open", validate=validate.OneOf(STATES, error="Giá trị phải là một trong: {choices}.")
    )
    sort = sort_field(REVIEW_SORTING)


class ResolveSchema(ApiSchema):
    reason = Text(
        required=True,
        blank=False,
        blank_code="reason_required",
        validate=validate.Length(max=5000, error="Cần ghi lý do (tối đa {max} ký tự)."),
        metadata={"description": "Why the process needs no change."},
    )


# --- responses -----------------------------------------------------------------------------------


class LegalDocumentSchema(Schema):
    """Dumps a qms.legal.register.LegalEntry."""

    number = fields.String(attribute="document.number", metadata=_NUMBER)
    type = fields.String(attribute="document.doc_type")
    title = fields.String(attribute="document.title")
    issuer = fields.String(attribute="document.issuer")
    issued_on = fields.Date(attribute="document.issued_on", allow_none=True)
    effective_from = fields.Date(attribute="document.effective_from", allow_none=True)
    is_stub = fields.Boolean(attribute="document.is_stub", metadata={"description": "Known only from a citation."})
    status = fields.Enum(LegalStatus, by_value=True, metadata={"description": "Derived as of today, never stored."})
    amends = fields.List(fields.String())
    replaces = fields.List(fields.String())
    amended_by = fields.List(fields.String())
    replaced_by = fields.List(fields.String())
    updated_at = fields.DateTime(attribute="document.updated_at")


class CitingSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    organization = fields.String(attribute="organization.code", metadata={"description": "Organisation code."})


class RegisterRowSchema(LegalDocumentSchema):
    """Dumps a qms.legal.listed.RegisterRow: the document, its status, and the processes in force citing it."""

    citing = fields.List(fields.Nested(CitingSchema), metadata={
        "description": "Processes in force the caller may read that cite it: the first few, by organisation, code."})
    citing_count = fields.Integer(metadata={"description": "How many processes in force the caller may read cite it."})


class CitationSchema(Schema):
    """Dumps a qms.legal.basis.BasisEntry."""

    number = fields.String(attribute="citation.legal_document.number", metadata=_NUMBER)
    raw = fields.String(attribute="citation.raw", metadata={"description": "As written in the document."})
    source = fields.String(attribute="citation.source", metadata={"description": "extracted or manual."})
    type = fields.String(attribute="citation.legal_document.doc_type")
    title = fields.String(attribute="citation.legal_document.title")
    is_stub = fields.Boolean(attribute="citation.legal_document.is_stub")
    status = fields.Enum(LegalStatus, by_value=True)
    amended_by = fields.List(fields.String())
    replaced_by = fields.List(fields.String())
    under_review = fields.Boolean(metadata={"description": "An open review item exists for this citation."})


class BasisSchema(Schema):
    revision_id = fields.Integer()
    citations = fields.List(fields.Nested(CitationSchema))


class ReviewDocumentSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()


class ReviewSchema(Schema):
    """Dumps a qms.legal.reviews.ReviewItem."""

    id = fields.Integer(attribute="review.id")
    organization = fields.Nested(OrganizationSchema, attribute="review.document.organization")
    document = fields.Nested(ReviewDocumentSchema, attribute="review.document")
    revision_id = fields.Integer(attribute="review.revision_id")
    issue_number = fields.Integer(attribute="review.revision.issue_number", allow_none=True)
    cited = fields.String(attribute="review.cited.number", metadata=_NUMBER)
    trigger = fields.String(attribute="review.trigger.number", metadata={"example": "118/2025/NĐ-CP"})
    change = fields.Enum(RelationKind, by_value=True, attribute="review.change")
    since = fields.Date(attribute="review.since", allow_none=True, metadata={"description": "When the change applies."})
    age_days = fields.Integer()
    state = fields.Enum(ReviewState, by_value=True, attribute="review.state")
    opened_at = fields.DateTime(attribute="review.opened_at")
    closed_at = fields.DateTime(attribute="review.closed_at", allow_none=True)
    resolution = fields.String(attribute="review.resolution", allow_none=True)
    reason = fields.String(attribute="review.reason", allow_none=True)
    closed_by = Recorded(PersonSchema, "review.closed_by")


# --- proposed changes ----------------------------------------------------------------------------


class ProposalCreateSchema(LegalUpdateSchema):
    """``create`` proposes a new document (``title`` needed), ``update`` the fields sent of a registered one."""

    kind = fields.String(
        required=True, validate=validate.OneOf(["create", "update"], error="Giá trị phải là một trong: {choices}.")
    )
    number = _number(required=True, metadata=_NUMBER)
    note = Text(load_default="", validate=_length(2000), metadata={"description": "Why the change is needed."})


class ProposalQuerySchema(ListQuerySchema):
    """``q`` matches the number, the proposer's name and the note."""

    state = fields.Enum(ProposalState, by_value=True, metadata={"description": "pending, accepted or declined."})
    kind = fields.Enum(ProposalKind, by_value=True, metadata={"description": "create or update."})
    sort = sort_field(PROPOSAL_SORTING)


class DeclineSchema(ApiSchema):
    reason = Text(
        required=True,
        validate=validate.Length(min=1, max=2000, error="Cần ghi lý do (tối đa {max} ký tự)."),
        metadata={"description": "Why the proposal is declined; the proposer reads it."},
    )


class ProposerSchema(Schema):
    username = fields.String()
    name = fields.String(attribute="full_name")
    organization = fields.String(attribute="organization.code")


class ProposalSchema(Schema):
    id = fields.Integer()
    kind = fields.Enum(ProposalKind, by_value=True)
    number = fields.String(metadata=_NUMBER)
    changes = fields.Dict(metadata={"description": "The fields and relations proposed (dates as ISO strings)."})
    note = fields.String()
    state = fields.Enum(ProposalState, by_value=True)
    proposed_by = fields.Nested(ProposerSchema)
    proposed_at = fields.DateTime()
    decided_by = fields.Nested(ProposerSchema, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
