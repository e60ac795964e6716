"""Records of the quality system: publications, internal audits, findings, corrective actions, management reviews,
objectives and the yearly confirmation of effectiveness. Nothing here deletes anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Response, current_app, send_file

from qms import clock
from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint, ListPager
from qms.api.schemas.records import (
    ActionVerifySchema,
    AuditFindingCreateSchema,
    AuditFindingSchema,
    AuditReportSchema,
    ConfirmationCreateSchema,
    ConfirmationQuerySchema,
    ConfirmationSchema,
    CorrectiveActionCreateSchema,
    InternalAuditCreateSchema,
    InternalAuditQuerySchema,
    InternalAuditSchema,
    ManagementReviewCreateSchema,
    ManagementReviewQuerySchema,
    ManagementReviewSchema,
    ObjectiveCreateSchema,
    ObjectiveQuerySchema,
    ObjectiveSchema,
    PublicationCreateSchema,
    PublicationQuerySchema,
    PublicationSchema,
    ResultCreateSchema,
    ResultSchema,
    lines_of,
)
from qms.extensions import db
from qms.files import filetypes
from qms.files.store import file_store
from qms.listing import ListPage, ListRequest
from qms.models import EffectivenessConfirmation, ManagementReview, ObjectiveResult, Publication, QualityObjective
from qms.records import (
    confirmations,
    corrective_actions,
    internal_audits,
    management_reviews,
    objectives,
    publications,
    summary,
)
from qms.records.evidence import Upload
from qms.records.management_reviews import INPUT_LABELS
from qms.records.summary import AuditView, FindingView

blp = ApiBlueprint("api_records", __name__, description="Records of the quality system (hồ sơ), kept as evidence.")

_FILE_KINDS = ", ".join(f'"{kind}"' for kind in summary.FILE_KINDS)
_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _today() -> date:
    return clock.today()


def _upload(data: dict[str, Any], name: str) -> Upload | None:
    sent = data.get(name)
    return None if sent is None else Upload(sent.stream, sent.filename or "")


@blp.route("/organizations/<code>/publications", methods=["POST"])
@blp.arguments(PublicationCreateSchema, location="form_and_files")
@blp.response(201, PublicationSchema)
@blp.error_responses(403, 404, 413, 422)
def create_publication(data: dict[str, Any], code: str) -> Publication:
    """Record a publication (công bố) or re-publication decision; its secretaries and approvers do."""
    return publications.create(
        db.session, file_store(current_app), current_user(), code, number=data["number"],
        signed_on=data["signed_on"], signer=data["signer"], upload=_upload(data, "file"), today=_today(),
        scope=lines_of(data.get("scope")) or None, posted_office_on=data.get("posted_office_on"),
        posted_website_on=data.get("posted_website_on"), website_url=data.get("website_url"),
        notified_on=data.get("notified_on"), notified_to=data.get("notified_to"),
    )


def _list_request(query: dict[str, Any], number: int, size: int) -> ListRequest:
    return ListRequest(number, size, query.get("sort"), query["q"])


@blp.route("/organizations/<code>/publications", methods=["GET"])
@blp.arguments(PublicationQuerySchema, location="query")
@blp.response(200, PublicationSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_publications(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[Publication]]:
    """A page of the organisation's publications (held now, or on ``as_of``), latest signed first."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[Publication]:
        return publications.publications_page(db.session, user, code, _list_request(query, number, size),
                                              today=_today(), as_of=query["as_of"])

    return page


@blp.route("/organizations/<code>/internal-audits", methods=["POST"])
@blp.arguments(InternalAuditCreateSchema, location="form_and_files")
@blp.response(201, InternalAuditSchema)
@blp.error_responses(403, 404, 413, 422)
def create_internal_audit(data: dict[str, Any], code: str) -> AuditView:
    """Record an internal audit's plan, and its report when there is one."""
    user, today = current_user(), _today()
    audit = internal_audits.create(
        db.session, file_store(current_app), user, code, starts_on=data["starts_on"], ends_on=data.get("ends_on"),
        auditors=lines_of(data["auditors"]), processes=lines_of(data["processes"]),
        report=_upload(data, "report"), today=today,
    )
    return summary.audit_view(db.session, user, audit.id, today)


@blp.route("/organizations/<code>/internal-audits", methods=["GET"])
@blp.arguments(InternalAuditQuerySchema, location="query")
@blp.response(200, InternalAuditSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_internal_audits(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[AuditView]]:
    """A page of the audits (held now, or on ``as_of``), latest begun first, with their findings and each corrective
    action's state that day."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[AuditView]:
        return summary.audits_page(db.session, user, code, _list_request(query, number, size), today=_today(),
                                   as_of=query["as_of"])

    return page


@blp.route(f"/internal-audits/<{ID}:audit_id>/report", methods=["POST"])
@blp.arguments(AuditReportSchema, location="form_and_files")
@blp.response(200, InternalAuditSchema)
@blp.error_responses(403, 404, 409, 413, 422)
def attach_audit_report(data: dict[str, Any], audit_id: int) -> AuditView:
    """The report of an audit recorded before it was written; once attached it stays."""
    user, today = current_user(), _today()
    internal_audits.attach_report(db.session, file_store(current_app), user, audit_id, _upload(data, "report"))
    return summary.audit_view(db.session, user, audit_id, today)


@blp.route(f"/internal-audits/<{ID}:audit_id>/findings", methods=["POST"])
@blp.arguments(AuditFindingCreateSchema)
@blp.response(201, AuditFindingSchema)
@blp.error_responses(403, 404, 422)
def create_finding(data: dict[str, Any], audit_id: int) -> FindingView:
    """A nonconformity (linked to at least one document) or an observation."""
    finding = internal_audits.add_finding(
        db.session, current_user(), audit_id, kind=data["kind"].value, description=data["description"],
        document_ids=data["document_ids"],
    )
    return FindingView(finding, None)


@blp.route(f"/audit-findings/<{ID}:finding_id>/corrective-action", methods=["POST"])
@blp.arguments(CorrectiveActionCreateSchema)
@blp.response(201, AuditFindingSchema)
@blp.error_responses(403, 404, 409, 422)
def create_corrective_action(data: dict[str, Any], finding_id: int) -> FindingView:
    """The corrective action of a nonconformity: cause, action, person responsible, due date."""
    user = current_user()
    action = corrective_actions.create(
        db.session, user, finding_id, cause=data["cause"], action=data["action"], responsible=data["responsible"],
        due_on=data["due_on"],
    )
    return FindingView(action.finding, corrective_actions.state_on(action, _today()))


@blp.route(f"/corrective-actions/<{ID}:action_id>/verify", methods=["POST"])
@blp.arguments(ActionVerifySchema, location="form_and_files")
@blp.response(200, AuditFindingSchema)
@blp.error_responses(403, 404, 409, 413, 422)
def verify_corrective_action(data: dict[str, Any], action_id: int) -> FindingView:
    """An approver records the action verified, with a file as evidence; that closes it."""
    today = _today()
    action = corrective_actions.verify(
        db.session, file_store(current_app), current_user(), action_id, note=data.get("note"),
        evidence_file=_upload(data, "file"), today=today,
    )
    return FindingView(action.finding, corrective_actions.state_on(action, today))


@blp.route("/organizations/<code>/management-reviews", methods=["POST"])
@blp.arguments(ManagementReviewCreateSchema, location="form_and_files")
@blp.response(201, ManagementReviewSchema)
@blp.error_responses(403, 404, 413, 422)
def create_management_review(data: dict[str, Any], code: str) -> ManagementReview:
    """Record a management review: date, chair, inputs (at least one), decisions, the minutes file."""
    return management_reviews.create(
        db.session, file_store(current_app), current_user(), code, held_on=data["held_on"], chair=data["chair"],
        inputs={name: data.get(name) or "" for name in INPUT_LABELS}, decisions=data["decisions"],
        minutes=_upload(data, "minutes"), today=_today(),
    )


@blp.route("/organizations/<code>/management-reviews", methods=["GET"])
@blp.arguments(ManagementReviewQuerySchema, location="query")
@blp.response(200, ManagementReviewSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_management_reviews(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[ManagementReview]]:
    """A page of the management reviews (held now, or on ``as_of``), latest held first."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[ManagementReview]:
        return management_reviews.reviews_page(db.session, user, code, _list_request(query, number, size),
                                               today=_today(), as_of=query["as_of"])

    return page


@blp.route("/organizations/<code>/objectives", methods=["POST"])
@blp.arguments(ObjectiveCreateSchema)
@blp.response(201, ObjectiveSchema)
@blp.error_responses(403, 404, 422)
def create_objective(data: dict[str, Any], code: str) -> QualityObjective:
    """An objective of a year with its target; it counts once approved."""
    return objectives.create(db.session, current_user(), code, year=data["year"], title=data["title"],
                             target=data["target"])


@blp.route("/organizations/<code>/objectives", methods=["GET"])
@blp.arguments(ObjectiveQuerySchema, location="query")
@blp.response(200, ObjectiveSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_objectives(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[QualityObjective]]:
    """A page of the quality objectives (held now, or on ``as_of``; of one ``year`` when given), latest year
    first, then as they were set."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[QualityObjective]:
        return objectives.objectives_page(db.session, user, code, _list_request(query, number, size),
                                          today=_today(), year=query["year"], as_of=query["as_of"])

    return page


@blp.route(f"/objectives/<{ID}:objective_id>/approve", methods=["POST"])
@blp.response(200, ObjectiveSchema)
@blp.error_responses(403, 404, 409)
def approve_objective(objective_id: int) -> QualityObjective:
    """An approver of the organisation approves the objective (audited)."""
    return objectives.approve(db.session, current_user(), objective_id)


@blp.route(f"/objectives/<{ID}:objective_id>/results", methods=["POST"])
@blp.arguments(ResultCreateSchema)
@blp.response(201, ResultSchema)
@blp.error_responses(403, 404, 422)
def record_result(data: dict[str, Any], objective_id: int) -> ObjectiveResult:
    """A result measured during the objective's year."""
    return objectives.record_result(db.session, current_user(), objective_id, measured_on=data["measured_on"],
                                    value=data["value"], note=data.get("note"), today=_today())


@blp.route("/organizations/<code>/effectiveness-confirmations", methods=["POST"])
@blp.arguments(ConfirmationCreateSchema, location="form_and_files")
@blp.response(201, ConfirmationSchema)
@blp.error_responses(403, 404, 409, 413, 422)
def confirm_effectiveness(data: dict[str, Any], code: str) -> EffectivenessConfirmation:
    """The head of the agency (an approver) confirms the system effective for a year, once."""
    return confirmations.confirm(db.session, file_store(current_app), current_user(), code, year=data["year"],
                                 statement=data.get("statement"), upload=_upload(data, "file"), today=_today())


@blp.route("/organizations/<code>/effectiveness-confirmations", methods=["GET"])
@blp.arguments(ConfirmationQuerySchema, location="query")
@blp.response(200, ConfirmationSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_confirmations(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[EffectivenessConfirmation]]:
    """A page of the yearly confirmations of effectiveness (held now, or on ``as_of``), latest year first."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[EffectivenessConfirmation]:
        return confirmations.confirmations_page(db.session, user, code, _list_request(query, number, size),
                                                today=_today(), as_of=query["as_of"])

    return page


@blp.route(f"/records/<any({_FILE_KINDS}):kind>/<{ID}:record_id>/file", methods=["GET"])
@blp.doc(responses={"200": {"description": "The record's file as stored, in the media type of what it is.",
                            "content": {content_type: _BINARY for content_type in filetypes.CONTENT_TYPES.values()}}})
@blp.error_responses(404)
def download(kind: str, record_id: int) -> Response:
    """The file of a publication, an audit report, a corrective action's evidence, minutes or a confirmation."""
    found = summary.open_record_file(db.session, file_store(current_app), current_user(), kind, record_id)
    response = send_file(found.stream, mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename, etag=found.sha256, conditional=True)
    response.cache_control.private = True
    return response
