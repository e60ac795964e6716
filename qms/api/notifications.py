"""The caller's notifications: a page of them (newest first), how many are unread, and marking them read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import force_locale

from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint, ListPager
from qms.api.schemas.notices import (
    MarkedSchema,
    MarkReadSchema,
    NotificationQuerySchema,
    NotificationSchema,
    UnreadSchema,
)
from qms.extensions import db
from qms.listing import ListPage, ListRequest
from qms.notices import events, service
from qms.notices.mail import language_of

blp = ApiBlueprint("api_notifications", __name__, description="The caller's notices (what happened, and where).")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(422)
def notifications(query: dict[str, Any]) -> Callable[[int, int], ListPage[dict[str, Any]]]:
    """A page of the caller's notices, newest first (``sort=created_at``: oldest first); texts in their language.
    How many are unread: ``GET /notifications/unread``."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[dict[str, Any]]:
        request = ListRequest(number, size, query.get("sort"), query["q"])
        found = service.notices_page(db.session, user, request, unread=query.get("unread"), event=query.get("event"))
        with force_locale(language_of(user.language)):
            return found.map(lambda n: {
                "id": n.id, "event": n.event, "text": events.describe(n.event, n.params), "params": n.params,
                "link": n.link, "created_at": n.created_at, "read_at": n.read_at, "mail_state": n.mail_state.value,
            })

    return page


@blp.route("/notifications/unread", methods=["GET"])
@blp.response(200, UnreadSchema)
@blp.error_responses()
def unread() -> dict[str, int]:
    """How many of the caller's notices are unread: the bell's number."""
    return {"unread": service.unread_count(db.session, current_user())}


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200, MarkedSchema)
@blp.error_responses(422)
def mark_read(data: dict[str, Any]) -> dict[str, int]:
    """Mark the caller's notices read: the ones listed in ``ids``, or all of them with ``all: true``."""
    user = current_user()
    marked = service.mark_read(db.session, user, None if data.get("all") else data["ids"])
    return {"marked": marked, "unread": service.unread_count(db.session, user)}
