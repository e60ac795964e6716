"""The caller: who the token belongs to."""

from __future__ import annotations

from qms.api.auth import current_user
from qms.api.blueprint import ApiBlueprint
from qms.api.schemas import MeSchema
from qms.models import User

blp = ApiBlueprint("api_me", __name__, description="The user the token belongs to.")


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@blp.error_responses()
def me() -> User:
    """The caller's name, title, organisation and roles."""
    return current_user()
