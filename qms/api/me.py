"""The caller: who the token belongs to."""

from __future__ import annotations

from typing import Any

from qms.accounts import users
from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas.accounts import MeSchema, NoticeSettingsSchema, PasswordChangeSchema
from qms.extensions import db
from qms.models import User

blp = ApiBlueprint("api_me", __name__, description="The user the token belongs to.")


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@blp.error_responses()
def me() -> User:
    """The caller's name, title, organisation and roles."""
    return current_user()


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(200, MeSchema)
@blp.error_responses(422)
def change_password(data: dict[str, Any]) -> User:
    """Change one's own password, giving the current one (at least 10 characters, not the user name, not common)."""
    return users.change_own_password(
        db.session, current_user(), current_password=data["current_password"], new_password=data["new_password"]
    )


@blp.route("/me", methods=["PATCH"])
@blp.arguments(NoticeSettingsSchema, required=False)  # every field may be left out, so may the body
@blp.response(200, MeSchema)
@blp.error_responses(409, 422)
def update_me(data: dict[str, Any]) -> User:
    """Change one's own e-mail address and notice preference (each, daily, off)."""
    user = current_user()
    preference = data.get("notice_preference", user.notice_preference)
    return users.change_own_notices(
        db.session, user, email=data.get("email", user.email), preference=preference.value
    )
