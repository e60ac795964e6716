"""The caller's notifications: newest first with the unread count, and marking them read."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.notices import (
    MarkedSchema,
    MarkReadSchema,
    NotificationListSchema,
    NotificationQuerySchema,
)
from qms.extensions import db
from qms.notices import events, service
from qms.notices.mail import language_of

blp = ApiBlueprint("api_notifications", __name__, description="The caller's notices (what happened, and where).")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationListSchema)
@blp.error_responses(422)
def notifications(query: dict[str, Any]) -> dict[str, Any]:
    """The caller's notices, newest first, a page at a time, with how many are unread; texts in their language."""
    user = current_user()
    listing = service.for_user(db.session, user, page=query["page"], per_page=query["per_page"])
    with force_locale(language_of(user.language)):
        rows = [
            {
                "id": n.id, "event": n.event, "text": events.describe(n.event, n.params), "params": n.params,
                "link": n.link, "created_at": n.created_at, "read_at": n.read_at, "mail_state": n.mail_state.value,
            }
            for n in listing.notices
        ]
    return {"unread": listing.unread, "total": listing.total, "page": listing.page, "pages": listing.pages,
            "notifications": rows}


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkedSchema)
@blp.error_responses(422)
def mark_read(data: dict[str, Any]) -> dict[str, int]:
    """Mark the caller's notices read: the ones listed in ``ids``, or all of them with ``all: true``."""
    user = current_user()
    marked = service.mark_read(db.session, user, None if data.get("all") else data["ids"])
    return {"marked": marked, "unread": service.unread_count(db.session, user)}
