"""Helpers of the notice tests: people with an address, a preference and a language; the base URL of mail links."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qms.accounts import users
from qms.models import User

BASE_URL = "https://qms.langson.gov.vn"


def with_address(
    session: Session, user: User, email: str, preference: str = "each", language: str | None = None
) -> User:
    """Give a test user an address, a notice preference and (as the language switch does) a language."""
    users.change_own_notices(session, user, email=email, preference=preference)
    if language:
        users.set_language(session, user, language)
    session.refresh(user)
    return user
