"""Read-and-acknowledge: a reader confirms the revision in force; who has and has not read a revision."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from qms.acknowledgements import confirmations, requests, status
from qms.acknowledgements.status import AcknowledgementList
from qms.api.auth import current_user
from qms.api.blueprint import ID, ApiBlueprint
from qms.api.schemas.acknowledgements import AcknowledgementConfirmedSchema, AcknowledgementListSchema, ReaderSchema
from qms.api.schemas.common import ApiSchema, Text, _max_length
from qms.extensions import db
from qms.models import AcknowledgementRequest, User

blp = ApiBlueprint("api_acknowledgements", __name__, description="Who must read a revision in force, and who has.")


class ReadersSchema(ApiSchema):
    """The people (usernames of the organisation) to read the document; an empty list: all its staff."""

    usernames = fields.List(Text(validate=_max_length(64)), required=True)


@blp.route(f"/revisions/<{ID}:revision_id>/acknowledge", methods=["POST"])
@blp.response(200, AcknowledgementConfirmedSchema)
@blp.error_responses(403, 404, 409)
def acknowledge(revision_id: int) -> AcknowledgementRequest:
    """«Tôi đã đọc và hiểu»: only the revision in force (409 otherwise), only by a person asked to read it (403).
    Idempotent: confirming again answers the first confirmation."""
    return confirmations.acknowledge(db.session, current_user(), revision_id)


@blp.route(f"/revisions/<{ID}:revision_id>/acknowledgements", methods=["GET"])
@blp.response(200, AcknowledgementListSchema)
@blp.error_responses(404)
def list_acknowledgements(revision_id: int) -> AcknowledgementList:
    """Who was asked to read the revision, who confirmed and when, who has not: for the organisation's secretaries,
    reviewers and approvers, and inspectors."""
    return status.for_revision(db.session, current_user(), revision_id)


@blp.route(f"/documents/<{ID}:document_id>/readers", methods=["PUT"])
@blp.arguments(ReadersSchema)
@blp.response(200, ReaderSchema(many=True))
@blp.error_responses(403, 404, 422)
def set_readers(data: dict[str, Any], document_id: int) -> list[User]:
    """The secretary narrows who must read the document (by person; organisations have no units here)."""
    return requests.set_readers(db.session, current_user(), document_id, data["usernames"])
