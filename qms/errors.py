"""Domain errors: services raise them, the web and API layers turn them into responses.

Each error carries a stable machine code (used by the API) and a message in
Vietnamese (shown to people as is).
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    """The thing does not exist or is not visible to the actor (existence must not leak)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The actor may see the thing but has no right to do this to it."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The thing is not in a state that allows the action."""

    status = 409
    code = "conflict"


class Invalid(DomainError):
    """The input is malformed or incomplete."""

    status = 422
    code = "invalid"


class StorageFull(DomainError):
    """The disk holding the files is full: nothing was stored, and the operator must free space."""

    status = 507
    code = "storage_full"


class Damaged(DomainError):
    """A stored file no longer hashes to its name: it is not served, and the operator must restore it."""

    status = 500
    code = "file_damaged"
