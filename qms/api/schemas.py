"""Request and response bodies: the same marshmallow schemas validate requests and write the OpenAPI document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema
from marshmallow.utils import get_value
from werkzeug.datastructures import FileStorage

from qms import clock
from qms.api import rules
from qms.api.auth import current_user
from qms.documents import workflow
from qms.documents.lifecycle import DOCUMENT_CODE, PROCEDURE_CODE
from qms.models import Document, DocumentKind, DocumentStatus, Revision, RevisionStatus, Role, User

# --- validation, in Vietnamese ---------------------------------------------------------------

_FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {"required": "Trường này là bắt buộc.", "null": "Trường này không được để trống."},
    fields.String: {"invalid": "Cần một chuỗi ký tự."},
    fields.Date: {"invalid": "Ngày không hợp lệ, cần dạng YYYY-MM-DD."},
    fields.Enum: {"unknown": "Giá trị phải là một trong: {choices}."},
}


def _max_length(limit: int) -> validate.Length:
    return validate.Length(max=limit, error="Tối đa {max} ký tự.")


class ApiSchema(Schema):
    """Base of the request schemas: validation messages in Vietnamese."""

    error_messages = {"unknown": "Trường không được chấp nhận.", "type": "Cần một đối tượng JSON."}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        for field_class, messages in _FIELD_MESSAGES.items():
            if isinstance(field_obj, field_class):
                for key, message in messages.items():
                    if not isinstance(field_obj.error_messages.get(key), rules.Coded):  # a field's own, with its code
                        field_obj.error_messages[key] = message


class Text(fields.String):
    """A string the database can store; ``blank=False``: it must also hold something besides white space, as the
    services require of it. The OpenAPI pattern says both; control characters (NUL included) are refused for every
    request by ``qms.input_rule``."""

    def __init__(self, *args: Any, blank: bool = True, blank_code: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators.append(
            rules.Pattern(rules.TEXT, "Không được chứa ký tự NUL.") if blank
            else rules.Pattern(rules.NON_BLANK, "Không được để trống.", blank_code)
        )


class File(Upload):
    """An uploaded file part; a plain form value under the same name is not a file."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise ValidationError("Cần gửi một tệp (multipart/form-data).")
        return value


class Code(fields.String):
    """A code with the form the service requires (the same regular expression); documented as its pattern."""

    def __init__(self, regex: str, error: str, code: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(rules.Pattern(regex, error, code))


class DocumentCreateSchema(ApiSchema):
    organization = Text(required=True, validate=_max_length(64), metadata={"description": "Organisation code."})
    code = Code(DOCUMENT_CODE.pattern, "Mã hiệu tài liệu không hợp lệ (ví dụ: QT-HT-04).", "invalid_code",
                required=True, validate=_max_length(64), metadata={"example": "QT-HT-04"})
    title = Text(required=True, blank=False, blank_code="title_required", validate=_max_length(500))
    kind = fields.Enum(DocumentKind, by_value=True, required=True)
    # Blank means none; around the code, white space is dropped.
    procedure_code = Code(
        rf"^\s*(?:{PROCEDURE_CODE.pattern.strip('^$')})?\s*$",
        "Mã thủ tục hành chính không hợp lệ (ví dụ: 1.001193).",
        "invalid_procedure_code",
        load_default=None, allow_none=True, validate=_max_length(64), metadata={"example": "2.000635"},
    )


class DocumentQuerySchema(ApiSchema):
    organization = Text(validate=_max_length(64), metadata={"description": "Organisation code."})
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


def _one_of(choices: tuple[str, ...] | list[str]) -> validate.OneOf:
    return validate.OneOf(choices, error="Giá trị phải là một trong: {choices}.")


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


class PasswordChangeSchema(ApiSchema):
    current_password = fields.String(required=True, validate=validate.Length(max=200))
    new_password = fields.String(required=True, validate=validate.Length(max=200))


# --- responses -------------------------------------------------------------------------------


class PersonSchema(Schema):
    name = fields.String()
    title = fields.String()


class ActorSchema(Schema):
    username = fields.String()
    name = fields.String()
    title = fields.String()


class Recorded(fields.Nested):
    """A person as recorded at the time, from the ``<prefix>_<field>`` columns; null when nobody was recorded."""

    def __init__(self, nested: type[Schema], prefix: str, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        super().__init__(nested, **kwargs)
        self.prefix = prefix

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> dict[str, Any] | None:
        values = {key: get_value(obj, f"{self.prefix}_{key}") for key in self.schema.fields}
        return values if any(v is not None for v in values.values()) else None


class JsonObject(fields.Dict):
    """A JSON object kept as text in the database (so its hash can be recomputed), given back parsed."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> dict[str, Any] | None:
        return super()._serialize(json.loads(value) if isinstance(value, str) else value, attr, obj, **kwargs)


class OrganizationSchema(Schema):
    code = fields.String()
    name = fields.String()


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
    current_revision = fields.Nested(RevisionSchema, attribute="document.current_revision", allow_none=True)
    revisions = fields.List(fields.Nested(RevisionSchema), metadata={"description": "Those visible to the caller."})


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


class MeSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    title = fields.String()
    organization = fields.Nested(OrganizationSchema)
    roles = fields.Method(
        "_roles", metadata={"type": "array", "items": {"type": "string", "enum": [role.value for role in Role]}}
    )

    def _roles(self, user: User) -> list[str]:
        return sorted(role.value for role in user.roles)


# --- search ----------------------------------------------------------------------------------


#: What ``status`` of a search takes: ``all``, or statuses separated by commas (the search checks the same).
_STATUS = "|".join(status.value for status in RevisionStatus)
SEARCH_STATUSES = rf"^\s*(?:all|(?:{_STATUS})(?:\s*,\s*(?:{_STATUS}))*)\s*$"


class SearchQuerySchema(ApiSchema):
    """Lengths are bounded so that the longest query the API accepts fits the request line (MAX_QUERY_BYTES)."""

    q = Text(load_default="", validate=_max_length(200), metadata={"description": "What the user typed."})
    organization = Text(validate=_max_length(64), metadata={"description": "Organisation code, with its children."})
    kind = fields.Enum(DocumentKind, by_value=True)
    field = Text(validate=_max_length(200), metadata={"description": "Field (lĩnh vực)."})
    status = fields.String(
        validate=[_max_length(200), rules.Pattern(SEARCH_STATUSES, "Trạng thái không hợp lệ.", "invalid_status")],
        metadata={"description": "`all` or comma-separated statuses; default: current (effective) revisions."},
    )
    procedure = Text(validate=_max_length(64), metadata={"description": "TTHC code."})
    effective_from = fields.Date(metadata={"description": "Effective on or after."})
    effective_to = fields.Date(metadata={"description": "Effective on or before."})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(["relevance", "date"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SearchHitSchema(Schema):
    document_id = fields.Integer()
    revision_id = fields.Integer()
    code = fields.String()
    title = fields.String()
    organization = fields.String()
    organization_code = fields.String()
    kind = fields.String()
    status = fields.String()
    number = fields.Integer()
    issue_number = fields.Integer(allow_none=True)
    effective_from = fields.Date(allow_none=True)
    score = fields.Float()
    highlights = fields.String(metadata={"description": "Escaped text; only <mark> is markup."})
    has_text = fields.Boolean()


class SearchResultsSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    hits = fields.List(fields.Nested(SearchHitSchema))
    facets = fields.Dict(
        keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "Counts per kind and per organisation code for the whole query."},
    )
    suggestion = fields.String(allow_none=True, metadata={"description": "Did you mean; only when it finds something."})
    relaxed = fields.Boolean(metadata={"description": "No document had every word; these have some."})
