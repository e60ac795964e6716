"""Bearer-token authentication, the API's only way in: no session cookie is read, so CSRF cannot reach it."""

from __future__ import annotations

from flask import g, request

from qms.accounts import users
from qms.errors import DomainError
from qms.extensions import db
from qms.models import User

_USER = "qms_api_user"


class Unauthorized(DomainError):
    """No valid token: the caller is nobody."""

    status = 401
    code = "unauthorized"


def authenticate() -> None:
    """Before every API view: the caller is the active user the bearer token belongs to, or the request ends in 401."""
    g.pop(_USER, None)  # g outlives a request when a test keeps the app context
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Cần gửi mã truy cập trong tiêu đề Authorization: Bearer <token>.")
    user = users.user_for_token(db.session, token)
    if user is None:
        raise Unauthorized("Mã truy cập không hợp lệ, đã hết hạn, đã bị thu hồi, hoặc tài khoản đã bị khoá.")
    setattr(g, _USER, user)


def current_user() -> User:
    user: User = getattr(g, _USER)
    return user
