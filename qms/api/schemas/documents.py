"""Documents and revisions: creating, uploading, the workflow actions and what a revision and a document say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from qms import clock
from qms.api import rules
from qms.api.auth import current_user
from qms.api.schemas.common import (
    ApiSchema,
    Code,
    File,
    ListQuerySchema,
    OrganizationSchema,
    PersonSchema,
    Recorded,
    Text,
    _max_length,
    _one_of,
    sort_field,
)
from qms.documents import reading, workflow
from qms.documents.lifecycle import DOCUMENT_CODE, PROCEDURE_CODE
from qms.models import Document, DocumentKind, DocumentStatus, Revision, RevisionStatus


class DocumentCreateSchema(ApiSchema):
    organization = Text(required=True, validate=_max_length(64), metadata={"description": "Organisation code."})
    code = Code(DOCUMENT_CODE.pattern, "Mã hiệu tài liệu không hợp lệ (ví dụ: QT-HT-04).", "invalid_code",
                required=True, validate=_max_length(64), metadata={"example": "QT-HT-04"})
    title = Text(required=True, blank=False, blank_code="title_required", validate=_max_length(500))
    kind = fields.Enum(DocumentKind, by_value=True, required=True)
    # Blank means none; around the code, white space is dropped.
    procedure_code = Code(
        rf"^{rules.BLANK}(?:{PROCEDURE_CODE.pattern.strip('^$')})?{rules.BLANK}$",
        "Mã thủ tục hành chính không hợp lệ (ví dụ: 1.001193).",
        "invalid_procedure_code",
        load_default=None, allow_none=True, validate=_max_length(64), metadata={"example": "2.000635"},
    )


class DocumentQuerySchema(ListQuerySchema):
    organization = Text(validate=_max_length(64), metadata={
        "description": "Organisation code; the organisations under it are included."})
    sort = sort_field(reading.DOCUMENT_SORTING)
    kind = fields.Enum(DocumentKind, by_value=True)
    status = fields.Enum(RevisionStatus, by_value=True, metadata={"description": "Documents with a revision in it."})


class RevisionUploadSchema(ApiSchema):
    file = File(required=True, metadata={
        "description": "The file: .docx or a PDF with text (read at once); .doc, .odt, .rtf (converted) or a scanned "
                       "PDF, .jpg, .png, .tif (recognised) by the queue's worker: see `processing`."})
    change_summary = Text(required=True, blank=False, blank_code="change_summary_required",
                          metadata={"description": "What changed, where and why."})
    code_mismatch_reason = Text(
        load_default=None, allow_none=True,
        metadata={"description": "Why the file's control block names another document's code (else refused, 409)."},
    )


class StepSchema(ApiSchema):
    """Submit, or pass review; passing a revision with error-level findings takes the reason as ``comment``."""

    action = fields.String(required=True, validate=_one_of(["submit", "pass"]))
    comment = Text(load_default=None, allow_none=True, metadata={
        "description": "The reason, when passing a revision with error-level findings (else 422 reason_required)."})
    effective_from = fields.Date(load_default=None, allow_none=True, metadata={"description": "Ignored."})


class ReturnSchema(ApiSchema):
    """Return, with the comment for the secretary."""

    action = fields.String(required=True, validate=_one_of(["return"]))
    comment = Text(required=True, blank=False, blank_code="comment_required",
                   error_messages={"required": rules.Coded("Cần ghi ý kiến khi trả lại phiên bản.",
                                                           "comment_required")})
    effective_from = fields.Date(load_default=None, allow_none=True, metadata={"description": "Ignored."})


class DiscardSchema(ApiSchema):
    """Discard one's own draft, with the reason."""

    action = fields.String(required=True, validate=_one_of(["discard"]))
    comment = Text(required=True, blank=False, blank_code="reason_required",
                   error_messages={"required": rules.Coded("Cần ghi lý do hủy bản dự thảo.", "reason_required")},
                   metadata={"description": "The reason."})
    effective_from = fields.Date(load_default=None, allow_none=True, metadata={"description": "Ignored."})


class WithdrawalSchema(ApiSchema):
    """Withdraw the document, with the reason."""

    action = fields.String(required=True, validate=_one_of(["withdraw"]))
    comment = Text(required=True, blank=False, blank_code="reason_required",
                   error_messages={"required": rules.Coded("Cần ghi lý do thu hồi tài liệu.", "reason_required")},
                   metadata={"description": "The reason."})
    effective_from = fields.Date(load_default=None, allow_none=True, metadata={"description": "Ignored."})


class ApprovalSchema(ApiSchema):
    """Approve, effective on a day not before today (nor before the current revision's effective date)."""

    action = fields.String(required=True, validate=_one_of(["approve"]))
    comment = Text(load_default=None, allow_none=True, metadata={
        "description": "The reason, when approving a revision with error-level findings (else 422 reason_required)."})
    effective_from = fields.Date(
        required=True,
        error_messages={"required": rules.Coded("Cần nhập ngày hiệu lực.", "effective_from_required")},
        validate=rules.DayBound(clock.today, latest=False, error="Ngày hiệu lực không được trước ngày hôm nay.",
                                code="effective_from_past"),
    )


#: The body each action takes; the OpenAPI document offers exactly these (oneOf), and ActionSchema checks them.
ACTION_SCHEMAS: dict[str, type[ApiSchema]] = {
    "submit": StepSchema, "pass": StepSchema, "return": ReturnSchema, "discard": DiscardSchema,
    "withdraw": WithdrawalSchema, "approve": ApprovalSchema,
}


class ActionSchema(ApiSchema):
    """Reads any action's body, then holds it to that action's schema (ACTION_SCHEMAS)."""

    action = fields.String(required=True, validate=_one_of(workflow.ACTIONS))
    comment = Text(load_default=None, allow_none=True)
    effective_from = fields.Date(load_default=None, allow_none=True)

    @validates_schema(pass_original=True)
    def _as_its_action_requires(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        errors = ACTION_SCHEMAS[data["action"]]().validate(original)
        if errors:
            raise ValidationError(errors)


class OfferedActions(fields.List):
    """The workflow actions the caller may take on the revision now, read from the one workflow table."""

    def __init__(self) -> None:
        super().__init__(
            fields.String(validate=validate.OneOf(workflow.ACTIONS)),
            dump_only=True,
            metadata={"description": "What the caller may do with this revision now (as the pages offer it)."},
        )

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> list[str]:  # type: ignore[override]  # marshmallow types it list[Any | None]
        return workflow.offered(current_user(), obj)


class ProcessingSchema(Schema):
    state = fields.String(validate=validate.OneOf(["queued", "running", "done", "failed"]))
    detail = fields.String(allow_none=True, metadata={"description": "Why it failed (Vietnamese), or what it awaits."})


class RenditionSchema(Schema):
    sha256 = fields.String()
    kind = fields.String(validate=validate.OneOf(["docx", "pdf"]))
    producer = fields.String(metadata={"description": "The converter and its version, e.g. LibreOffice 7.4.7.2."})


def _described(revision: Revision) -> dict[str, Any]:
    from qms.documents import processing  # the service that says what processing is; one place for it

    return processing.describe(revision)


class ProcessingField(fields.Nested):
    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        described = _described(obj)
        return {"state": described["state"], "detail": described["detail"]}


class RenditionField(fields.Nested):
    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return _described(obj)["rendition"]


class TextSourceField(fields.String):
    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return _described(obj)["text_source"]


class RevisionSchema(Schema):
    id = fields.Integer()
    document_id = fields.Integer()
    number = fields.Integer(metadata={"description": "Upload sequence within the document, drafts included."})
    issue_number = fields.Integer(allow_none=True, metadata={"description": "Issue number, given at approval."})
    status = fields.Enum(RevisionStatus, by_value=True)
    sha256 = fields.String(attribute="file_sha256")
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    change_summary = fields.String()
    drafted_by = Recorded(PersonSchema, "drafted_by", allow_none=False)
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    reviewed_by = Recorded(PersonSchema, "reviewed_by")
    reviewed_at = fields.DateTime(allow_none=True)
    approved_by = Recorded(PersonSchema, "approved_by")
    approved_at = fields.DateTime(allow_none=True)
    effective_from = fields.Date(allow_none=True)
    took_effect_at = fields.DateTime(allow_none=True)
    superseded_at = fields.DateTime(allow_none=True)
    returned_at = fields.DateTime(allow_none=True)
    return_comment = fields.String(allow_none=True)
    base_revision_id = fields.Integer(
        allow_none=True, metadata={"description": "The revision in force when this one was uploaded."}
    )
    stale = fields.Boolean(
        metadata={"description": "Open, but another revision than its base has taken effect: it moves no further."}
    )
    review_reason = fields.String(allow_none=True, metadata={"description": "Why passed despite error findings."})
    approval_reason = fields.String(allow_none=True, metadata={"description": "Why approved despite error findings."})
    discarded_at = fields.DateTime(allow_none=True)
    discard_reason = fields.String(allow_none=True)
    actions = OfferedActions()
    processing = ProcessingField(ProcessingSchema, dump_only=True, metadata={
        "description": "The conversion or recognition of the file after upload: queued, running, done or failed."})
    rendition = RenditionField(RenditionSchema, dump_only=True, allow_none=True, metadata={
        "description": "Once done, the .docx conversion or searchable PDF the text was read from; null when the file "
                       "was read as uploaded."})
    text_source = TextSourceField(
        dump_only=True, allow_none=True, validate=validate.OneOf(["file", "conversion", "ocr"]),
        metadata={"description": "Where the text comes from: the file, its conversion, or character recognition; "
                                 "null until processed, or when the file has no text."},
    )


@dataclass(frozen=True)
class DocumentView:
    """A document as one caller sees it: ``revisions`` holds only the revisions visible to them."""

    document: Document
    revisions: list[Revision]
    #: The next periodic review (``periodic_review.schedule``), None when nothing is in force.
    next_review_on: date | None = None


class DocumentSchema(Schema):
    """Dumps a DocumentView."""

    id = fields.Integer(attribute="document.id")
    organization = fields.Nested(OrganizationSchema, attribute="document.organization")
    code = fields.String(attribute="document.code")
    title = fields.String(attribute="document.title")
    kind = fields.Enum(DocumentKind, by_value=True, attribute="document.kind")
    procedure_code = fields.String(attribute="document.procedure_code", allow_none=True)
    status = fields.Enum(DocumentStatus, by_value=True, attribute="document.status")
    created_at = fields.DateTime(attribute="document.created_at")
    withdrawn_at = fields.DateTime(attribute="document.withdrawn_at", allow_none=True)
    withdrawn_by = Recorded(PersonSchema, "document.withdrawn_by")
    withdraw_reason = fields.String(attribute="document.withdraw_reason", allow_none=True)
    review_interval_months = fields.Integer(attribute="document.review_interval_months", metadata={
        "description": "Months between periodic reviews: the organisation's for the kind, else the kind's default."})
    next_review_on = fields.Date(allow_none=True, metadata={
        "description": "The interval counted from the later of the effective date of the issue in force and the last "
                       "periodic review; null when nothing is in force."})
    current_revision = fields.Nested(RevisionSchema, attribute="document.current_revision", allow_none=True)
    revisions = fields.List(fields.Nested(RevisionSchema), metadata={"description": "Those visible to the caller."})


class AwaitingQuerySchema(ListQuerySchema):
    status = fields.Enum(RevisionStatus, by_value=True, metadata={"description": "Only revisions in this status."})
    sort = sort_field(reading.AWAITING_SORTING)


class DocumentBriefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()


class AwaitingRevisionSchema(RevisionSchema):
    """A revision waiting for the caller, with the document it belongs to."""

    document = fields.Nested(DocumentBriefSchema)
