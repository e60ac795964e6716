"""The users of the installation, for administrators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qms.accounts import users
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint, ListPager
from qms.api.schemas.accounts import UserQuerySchema, UserSchema
from qms.extensions import db
from qms.listing import ListPage, ListRequest
from qms.models import User

blp = ApiBlueprint("api_users", __name__, description="The users, with their organisation and roles.")


@blp.route("/users", methods=["GET"])
@blp.arguments(UserQuerySchema, location="query")
@blp.response(200, UserSchema(many=True))
@blp.paginate(ListPager)
@blp.error_responses(403, 404)
def list_users(query: dict[str, Any]) -> Callable[[int, int], ListPage[User]]:
    """A page of the users; administrators only."""
    user = current_user()

    def page(number: int, size: int) -> ListPage[User]:
        return users.users_page(
            db.session,
            user,
            ListRequest(number, size, query.get("sort"), query["q"]),
            organization_code=query.get("organization"),
            role=query.get("role"),
            active=query.get("active"),
        )

    return page
