"""Bodies of the quality system's records: publications, internal audits and their findings, corrective actions,
management reviews, objectives and their results, the yearly confirmation, and the scorecard."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields, validate

from qms import clock
from qms.api import rules
from qms.api.schemas.common import ApiSchema, File, ListQuerySchema, OrganizationSchema, Text, sort_field
from qms.models import FindingKind
from qms.records import confirmations, management_reviews, objectives, publications, summary
from qms.records.management_reviews import INPUT_LABELS
from qms.records.objectives import FIRST_YEAR, LAST_YEAR

_SEPARATORS = re.compile(r"[\n;,]+")


def _max(limit: int) -> validate.Length:
    return validate.Length(max=limit, error="Tối đa {max} ký tự.")


def lines_of(text: str | None) -> list[str]:
    """Names or codes one per line (or separated by ; or ,), as forms and multipart bodies send them."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


_YEAR = validate.Range(min=FIRST_YEAR, max=LAST_YEAR, error="Năm phải từ {min} đến {max}.")


class PublicationCreateSchema(ApiSchema):
    number = Text(required=True, blank=False, validate=_max(100), metadata={"example": "45/QĐ-UBND"})
    signed_on = fields.Date(required=True)
    signer = Text(required=True, blank=False, validate=_max(200))
    file = File(required=True, metadata={"description": "The signed decision (.pdf, .docx, a scan …)."})
    scope = Text(load_default=None, allow_none=False, metadata={
        "description": "TTHC codes published, one per line or separated by ; or , — default: the catalogue on "
                       "`signed_on`."})
    posted_office_on = fields.Date(load_default=None, allow_none=False)
    posted_website_on = fields.Date(load_default=None, allow_none=False)
    website_url = Text(load_default=None, allow_none=False, validate=_max(500))
    notified_on = fields.Date(load_default=None, allow_none=False,
                              metadata={"description": "Notified to the provincial coordinating body."})
    notified_to = Text(load_default=None, allow_none=False, validate=_max(300))


class PublicationSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    signed_on = fields.Date()
    signer = fields.String()
    scope = fields.List(fields.String(), metadata={"description": "TTHC codes as published (a snapshot)."})
    filename = fields.String()
    file_sha256 = fields.String()
    posted_office_on = fields.Date(allow_none=True)
    posted_website_on = fields.Date(allow_none=True)
    website_url = fields.String()
    notified_on = fields.Date(allow_none=True)
    notified_to = fields.String()
    created_at = fields.DateTime()
    created_by_name = fields.String()


class InternalAuditCreateSchema(ApiSchema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, allow_none=False, metadata={"description": "Default: starts_on."})
    auditors = Text(required=True, blank=False, metadata={"description": "One name per line (or ; ,)."})
    processes = Text(required=True, blank=False,
                     metadata={"description": "The processes audited, one per line (or ; ,)."})
    report = File(load_default=None, metadata={"description": "The audit report, when written."})


class AuditReportSchema(ApiSchema):
    report = File(required=True, metadata={"description": "The audit report."})


class CorrectiveActionCreateSchema(ApiSchema):
    cause = Text(required=True, blank=False)
    action = Text(required=True, blank=False)
    responsible = Text(required=True, blank=False, validate=_max(200))
    due_on = fields.Date(required=True)


class ActionVerifySchema(ApiSchema):
    note = Text(load_default=None, allow_none=True)
    file = File(required=True, metadata={"description": "The evidence that the action was carried out."})


class ActionStateSchema(Schema):
    id = fields.Integer(attribute="action.id")
    cause = fields.String(attribute="action.cause")
    action = fields.String(attribute="action.action")
    responsible = fields.String(attribute="action.responsible")
    due_on = fields.Date(attribute="action.due_on")
    created_at = fields.DateTime(attribute="action.created_at")
    closed = fields.Method("_closed", metadata={"type": "boolean"})
    closed_on = fields.Date(allow_none=True)
    closed_by = fields.String(allow_none=True, metadata={"description": "revision or verified"})
    closing_revision_id = fields.Integer(attribute="revision.id", allow_none=True)
    overdue = fields.Boolean()
    verified_by = fields.String(attribute="action.verified_by_name", allow_none=True)
    evidence_filename = fields.String(attribute="action.evidence_filename", allow_none=True)

    def _closed(self, state: Any) -> bool:
        return state.closed_on is not None


class AuditFindingCreateSchema(ApiSchema):
    kind = fields.Enum(FindingKind, by_value=True, required=True)
    description = Text(required=True, blank=False)
    document_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2147483647)), load_default=list)


class FindingDocumentSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()


class AuditFindingSchema(Schema):
    id = fields.Integer(attribute="finding.id")
    kind = fields.String(attribute="finding.kind.value")
    description = fields.String(attribute="finding.description")
    documents = fields.List(fields.Nested(FindingDocumentSchema), attribute="finding.documents")
    corrective_action = fields.Nested(ActionStateSchema, attribute="state", allow_none=True)


class InternalAuditSchema(Schema):
    id = fields.Integer(attribute="audit.id")
    starts_on = fields.Date(attribute="audit.starts_on")
    ends_on = fields.Date(attribute="audit.ends_on")
    auditors = fields.List(fields.String(), attribute="audit.auditors")
    processes = fields.List(fields.String(), attribute="audit.processes")
    report_filename = fields.String(attribute="audit.report_filename", allow_none=True)
    findings = fields.List(fields.Nested(AuditFindingSchema))


class ManagementReviewCreateSchema(ApiSchema):
    held_on = fields.Date(required=True)
    chair = Text(required=True, blank=False, validate=_max(200))
    decisions = Text(required=True, blank=False)
    minutes = File(load_default=None, metadata={"description": "The minutes (biên bản họp)."})
    # The inputs of clause 9.2.2 (qms.records.management_reviews.INPUT_LABELS), at least one.
    audit_results = Text(load_default=None, allow_none=True, metadata={"description": INPUT_LABELS["audit_results"]})
    objectives = Text(load_default=None, allow_none=True, metadata={"description": INPUT_LABELS["objectives"]})
    customer_feedback = Text(load_default=None, allow_none=True,
                             metadata={"description": INPUT_LABELS["customer_feedback"]})
    corrective_actions = Text(load_default=None, allow_none=True,
                              metadata={"description": INPUT_LABELS["corrective_actions"]})
    legal_changes = Text(load_default=None, allow_none=True, metadata={"description": INPUT_LABELS["legal_changes"]})
    risks = Text(load_default=None, allow_none=True, metadata={"description": INPUT_LABELS["risks"]})


class ManagementReviewSchema(Schema):
    id = fields.Integer()
    held_on = fields.Date()
    chair = fields.String()
    inputs = fields.Dict(keys=fields.String(), values=fields.String())
    decisions = fields.String()
    minutes_filename = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ObjectiveCreateSchema(ApiSchema):
    year = fields.Integer(required=True, validate=_YEAR)
    title = Text(required=True, blank=False)
    target = Text(required=True, blank=False, validate=_max(300))


def _as_of() -> fields.Date:
    return fields.Date(load_default=None, metadata={
        "description": "The records the organisation held on that day (YYYY-MM-DD, not after today), as its records "
                       "page shows them: a former organisation's before it was merged, a merged one's with those "
                       "carried to it. Default: those it holds now."})


class RecordsQuerySchema(ListQuerySchema):
    as_of = _as_of()


class PublicationQuerySchema(RecordsQuerySchema):
    """``q`` matches the number and the signer."""

    sort = sort_field(publications.SORTING)


class InternalAuditQuerySchema(RecordsQuerySchema):
    """``q`` matches the auditors and the processes audited."""

    sort = sort_field(summary.AUDIT_SORT_KEYS)


class ManagementReviewQuerySchema(RecordsQuerySchema):
    """``q`` matches the chair and the decisions."""

    sort = sort_field(management_reviews.SORTING)


class ObjectiveQuerySchema(RecordsQuerySchema):
    """``q`` matches the title and the target."""

    year = fields.Integer(load_default=None, validate=_YEAR)
    sort = sort_field(objectives.SORTING)


class ConfirmationQuerySchema(RecordsQuerySchema):
    """``q`` matches the statement and who confirmed it."""

    sort = sort_field(confirmations.SORTING)


class ResultCreateSchema(ApiSchema):
    measured_on = fields.Date(required=True)
    value = Text(required=True, blank=False, validate=_max(300))
    note = Text(load_default=None, allow_none=True)


class ResultSchema(Schema):
    id = fields.Integer()
    measured_on = fields.Date()
    value = fields.String()
    note = fields.String()


class ObjectiveSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    title = fields.String()
    target = fields.String()
    approved = fields.Method("_approved", metadata={"type": "boolean"})
    approved_at = fields.DateTime(allow_none=True)
    approved_by_name = fields.String(allow_none=True)
    results = fields.List(fields.Nested(ResultSchema))

    def _approved(self, objective: Any) -> bool:
        return objective.approved_at is not None


class ConfirmationCreateSchema(ApiSchema):
    year = fields.Integer(required=True, validate=_YEAR)
    statement = Text(load_default=None, allow_none=True)
    file = File(load_default=None)


class ConfirmationSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    confirmed_on = fields.Date()
    statement = fields.String()
    confirmed_by_name = fields.String()
    confirmed_by_title = fields.String()
    filename = fields.String(allow_none=True)


class ScorecardQuerySchema(ApiSchema):
    year = fields.Integer(load_default=None, validate=_YEAR, metadata={"description": "Default: the year of as_of."})
    as_of = fields.Date(load_default=None, metadata={"description": "Default: today, or 31 December of a past year."})


class LinkSchema(Schema):
    label = fields.String()
    href = fields.String()


class ScorecardItemSchema(Schema):
    code = fields.String()
    ok = fields.Boolean(allow_none=True, metadata={"description": "None: not tracked."})
    detail = fields.String()
    links = fields.List(fields.Nested(LinkSchema))


class ScorecardSchema(Schema):
    organization = fields.Nested(OrganizationSchema)
    year = fields.Integer()
    as_of = fields.Date()
    items = fields.List(fields.Nested(ScorecardItemSchema))


class AnnualReportQuerySchema(ApiSchema):
    year = fields.Integer(load_default=None, validate=_YEAR, metadata={"description": "Default: the year of as_of."})
    as_of = fields.Date(load_default=None, metadata={"description": "Default: 31 December of the year (or today)."})


class MinutesQuerySchema(ApiSchema):
    # Bounded so that the longest list, percent-encoded, fits the request line (MAX_QUERY_BYTES).
    organizations = Text(required=True, blank=False, validate=_max(500), metadata={
        "description": "Organisation codes, separated by commas, in the order the minutes list them.",
        "example": "XA-LOCBINH,XA-DONGDANG"})
    date = fields.Date(
        load_default=None,
        validate=rules.DayBound(clock.today, latest=True, error="Ngày kiểm tra không được sau hôm nay.",
                                code="invalid_date"),
        metadata={"description": "The day of the inspection (default today), not after today."})
