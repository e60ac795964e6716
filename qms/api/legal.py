"""The legal register, a revision's legal basis, and the review items legal changes open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import url_for

from qms import clock
from qms.api import rules
from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint, ListPager
from qms.api.schemas.legal import (
    BasisSchema,
    BasisUpdateSchema,
    DeclineSchema,
    LegalCreateSchema,
    LegalDocumentSchema,
    LegalQuerySchema,
    LegalUpdateSchema,
    ProposalCreateSchema,
    ProposalQuerySchema,
    ProposalSchema,
    RegisterRowSchema,
    ResolveSchema,
    ReviewQuerySchema,
    ReviewSchema,
)
from qms.extensions import db
from qms.legal import basis as legal_basis
from qms.legal import listed as legal_listed
from qms.legal import proposals as legal_proposals
from qms.legal import register as legal
from qms.legal import reviews as legal_reviews
from qms.legal.listed import RegisterRow
from qms.legal.register import LegalEntry
from qms.legal.reviews import ReviewItem
from qms.listing import ListPage, ListRequest
from qms.models import LegalProposal

blp = ApiBlueprint(
    "api_legal", __name__, description="Legal documents, legal bases and the reviews their changes need."
)

_NUMBER_PARAMETER = {
    "in": "path",
    "name": "number",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "pattern": rules.SEGMENT},
    "description": "The number, URL-encoded: 61%2F2018%2FN%C4%90-CP (ASCII ND-CP is accepted too).",
}


def _today() -> date:
    return clock.today()


@blp.route("/legal-documents", methods=["GET"])
@blp.arguments(LegalQuerySchema, location="query")
@blp.response(200, RegisterRowSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(422)
def list_legal_documents(query: dict[str, Any]) -> Callable[[int, int], ListPage[RegisterRow]]:
    """A page of the register shared by the installation, newest first (a number typed in ``q`` first), with each
    document's status as of today and the processes in force that cite it."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[RegisterRow]:
        request = ListRequest(number, size, query.get("sort"), query.get("q") or "")
        return legal_listed.register_page(db.session, user, request, status=query.get("status"), today=_today())

    return page


@blp.route("/legal-documents", methods=["POST"])
@blp.arguments(LegalCreateSchema)
@blp.response(201, LegalDocumentSchema)
@blp.error_responses(403, 409, 422)
def create_legal_document(data: dict[str, Any]) -> tuple[LegalEntry, dict[str, str]]:
    """Register a legal document; registrars and administrators do (everyone else proposes it)."""
    today = _today()
    document = legal.create_legal_document(
        db.session,
        current_user(),
        number=data["number"],
        doc_type=data["type"],
        title=data["title"],
        issuer=data["issuer"],
        issued_on=data["issued_on"],
        effective_from=data["effective_from"],
        amends=data["amends"],
        replaces=data["replaces"],
        today=today,
    )
    location = url_for(".get_legal_document", number=document.number)
    return legal.get_legal_document(db.session, document.number, today=today), {"Location": location}


@blp.route("/legal-documents/<path:number>", methods=["GET"])
@blp.response(200, LegalDocumentSchema)
@blp.error_responses(404)
@blp.doc(parameters=[_NUMBER_PARAMETER])
def get_legal_document(number: str) -> LegalEntry:
    """One legal document with its relations and status as of today."""
    return legal.get_legal_document(db.session, number, today=_today())


@blp.route("/legal-documents/<path:number>", methods=["PATCH"])
@blp.arguments(LegalUpdateSchema)
@blp.response(200, LegalDocumentSchema)
@blp.error_responses(403, 404, 422)
@blp.doc(parameters=[_NUMBER_PARAMETER])
def update_legal_document(data: dict[str, Any], number: str) -> LegalEntry:
    """Change the fields sent; `amends` and `replaces` replace the lists. Completes a stub."""
    today = _today()
    document = legal.update_legal_document(db.session, current_user(), number, data, today=today)
    return legal.get_legal_document(db.session, document.number, today=today)


@blp.route(f"/revisions/<{ID}:revision_id>/legal-basis", methods=["GET"])
@blp.response(200, BasisSchema)
@blp.error_responses(404)
def get_basis(revision_id: int) -> dict[str, Any]:
    """The legal documents a revision cites, each with its status as of today."""
    entries = legal_basis.basis(db.session, current_user(), revision_id, today=_today())
    return {"revision_id": revision_id, "citations": entries}


@blp.route(f"/revisions/<{ID}:revision_id>/legal-basis", methods=["PUT"])
@blp.arguments(BasisUpdateSchema)
@blp.response(200, BasisSchema)
@blp.error_responses(403, 404, 409, 422)
def put_basis(data: dict[str, Any], revision_id: int) -> dict[str, Any]:
    """Replace the legal basis with these numbers; the organisation's secretary does. Unknown numbers become stubs."""
    user, today = current_user(), _today()
    legal_basis.set_basis(db.session, user, revision_id, data["numbers"], today=today)
    return {"revision_id": revision_id, "citations": legal_basis.basis(db.session, user, revision_id, today=today)}


@blp.route("/organizations/<string:code>/legal-reviews", methods=["GET"])
@blp.arguments(ReviewQuerySchema, location="query")
@blp.response(200, ReviewSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404, 422)
def list_reviews(query: dict[str, Any], code: str) -> Callable[[int, int], ListPage[ReviewItem]]:
    """Processes to review because a legal basis changed: open first, oldest first, with age in days."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[ReviewItem]:
        request = ListRequest(number, size, query.get("sort"), query["q"])
        return legal_reviews.reviews_page(db.session, user, code, request, query["state"], today=_today())

    return page


@blp.route(f"/legal-reviews/<{ID}:review_id>/resolve", methods=["POST"])
@blp.arguments(ResolveSchema)
@blp.response(200, ReviewSchema)
@blp.error_responses(403, 404, 409, 422)
def resolve_review(data: dict[str, Any], review_id: int) -> ReviewItem:
    """Record "reviewed, no change needed" with the reason; approvers of the organisation do."""
    review = legal_reviews.resolve(db.session, current_user(), review_id, data["reason"])
    return ReviewItem(review, legal_reviews.age_days(review, _today()))


@blp.route("/legal-proposals", methods=["POST"])
@blp.arguments(ProposalCreateSchema)
@blp.response(201, ProposalSchema)
@blp.error_responses(404, 409, 422)
def create_proposal(data: dict[str, Any]) -> LegalProposal:
    """Propose a new document or a change of one (fields and relations); a registrar accepts or declines it."""
    kind, number, note = data.pop("kind"), data.pop("number"), data.pop("note")
    return legal_proposals.propose(db.session, current_user(), kind=kind, number=number, changes=data, note=note)


@blp.route("/legal-proposals", methods=["GET"])
@blp.arguments(ProposalQuerySchema, location="query")
@blp.response(200, ProposalSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(422)
def list_proposals(query: dict[str, Any]) -> Callable[[int, int], ListPage[LegalProposal]]:
    """A page of the proposals: registrars see every one, everyone else their own; pending ones first, the oldest
    of them first, then the newest decided."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[LegalProposal]:
        request = ListRequest(number, size, query.get("sort"), query["q"])
        return legal_proposals.proposals_page(
            db.session, user, request, state=query.get("state"), kind=query.get("kind")
        )

    return page


@blp.route(f"/legal-proposals/<{ID}:proposal_id>/accept", methods=["POST"])
@blp.response(200, ProposalSchema)
@blp.error_responses(403, 404, 409, 422)
def accept_proposal(proposal_id: int) -> LegalProposal:
    """Apply the proposal to the register, as the registrar's own edit; registrars and administrators do."""
    return legal_proposals.accept(db.session, current_user(), proposal_id, today=_today())


@blp.route(f"/legal-proposals/<{ID}:proposal_id>/decline", methods=["POST"])
@blp.arguments(DeclineSchema)
@blp.response(200, ProposalSchema)
@blp.error_responses(403, 404, 409, 422)
def decline_proposal(data: dict[str, Any], proposal_id: int) -> LegalProposal:
    """Decline the proposal with a reason; the register does not change."""
    return legal_proposals.decline(db.session, current_user(), proposal_id, data["reason"])
