"""Documents: create one, list and read them as the caller may see them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import url_for

from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint, ListPager
from qms.api.schemas.documents import DocumentCreateSchema, DocumentQuerySchema, DocumentSchema, DocumentView
from qms.documents import lifecycle, reading
from qms.extensions import db
from qms.listing import ListPage, ListRequest
from qms.models import Document, User
from qms.periodic_review import schedule

blp = ApiBlueprint("api_documents", __name__, description="Controlled documents of the organisations.")


def view_of(viewer: User, document: Document, last_reviews: dict[int, date] | None = None) -> DocumentView:
    """The document as the caller sees it, with its next periodic review (``last_reviews`` read for a whole page)."""
    if last_reviews is None:
        last_reviews = schedule.last_reviews(db.session, [document.id])
    return DocumentView(document, reading.visible_revisions(viewer, document),
                        schedule.next_review_on(document, last_reviews.get(document.id)))


@blp.route("/documents", methods=["POST"])
@blp.arguments(DocumentCreateSchema)
@blp.response(201, DocumentSchema)
@blp.error_responses(403, 404, 409)
def create_document(data: dict[str, Any]) -> tuple[DocumentView, dict[str, str]]:
    """Create a document in an organisation; its ISO secretaries do."""
    user = current_user()
    document = lifecycle.create_document(
        db.session,
        user,
        organization_code=data["organization"],
        code=data["code"],
        title=data["title"],
        kind=data["kind"].value,
        procedure_code=data["procedure_code"],
    )
    return view_of(user, document), {"Location": url_for(".get_document", document_id=document.id)}


@blp.route("/documents", methods=["GET"])
@blp.arguments(DocumentQuerySchema, location="query")
@blp.response(200, DocumentSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(404)
def list_documents(query: dict[str, Any]) -> Callable[[int, int], ListPage[DocumentView]]:
    """A page of the documents the caller may see (an organisation includes those under it); staff see only those
    in force."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[DocumentView]:
        found = reading.list_documents(
            db.session,
            user,
            ListRequest(number, size, query.get("sort"), query["q"]),
            organization_code=query.get("organization"),
            kind=query.get("kind"),
            status=query.get("status"),
        )
        last = schedule.last_reviews(db.session, [document.id for document in found.rows])
        return found.map(lambda document: view_of(user, document, last))

    return page


@blp.route(f"/documents/<{ID}:document_id>", methods=["GET"])
@blp.response(200, DocumentSchema)
@blp.error_responses(404)
def get_document(document_id: int) -> DocumentView:
    """One document with its current revision and the revisions the caller may see."""
    user = current_user()
    return view_of(user, reading.get_document(db.session, user, document_id))
