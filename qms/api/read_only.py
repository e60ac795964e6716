"""Inspectors change nothing through the API either: their write requests end in 403 before the body is read."""

from __future__ import annotations

from flask import request

from qms.accounts import permissions
from qms.api.auth import current_user
from qms.errors import Forbidden

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Writes that concern the caller alone: an inspector changes their own password too.
OWN_ACCOUNT = frozenset({"api_me.change_password", "api_me.update_me", "api_notifications.mark_read"})


def refuse_writes() -> None:
    """After authentication, before the view parses anything."""
    if request.endpoint in OWN_ACCOUNT:
        return
    if request.method in WRITE_METHODS and permissions.is_read_only(current_user()):
        raise Forbidden("Đoàn kiểm tra chỉ được xem, không được thay đổi dữ liệu.", code="role_required")
