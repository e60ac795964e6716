"""The one error shape of the API: ``{"error": {"code", "message", "fields"?}}`` with the HTTP status.

``code`` is stable and meant for programs; ``message`` is Vietnamese and meant for people.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from qms.errors import DomainError

#: Codes and messages of the HTTP errors that do not come from a service.
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ (ví dụ: nội dung JSON không đọc được)."),
    401: ("unauthorized", "Cần mã truy cập hợp lệ (Authorization: Bearer <token>)."),
    403: ("forbidden", "Không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Địa chỉ này không hỗ trợ phương thức {method}."),
    413: ("too_large", "Tệp tải lên vượt quá dung lượng cho phép{limit}."),
    414: ("uri_too_long", "Địa chỉ yêu cầu quá dài (tham số truy vấn vượt quá giới hạn cho phép)."),
    415: ("unsupported_media_type", "Kiểu nội dung gửi lên không được hỗ trợ."),
    422: ("invalid", "Dữ liệu gửi lên không hợp lệ."),
    429: ("too_many_requests", "Quá nhiều yêu cầu, vui lòng thử lại sau."),
    500: ("internal_error", "Lỗi hệ thống, vui lòng thử lại sau."),
}
OTHER_ERROR = "Không thực hiện được yêu cầu."


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable machine code, e.g. not_found, self_approval."})
    message = fields.String(required=True, metadata={"description": "Message in Vietnamese, to show as is."})
    fields_ = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        data_key="fields",
        metadata={"description": "Request validation only: the messages of each rejected field."},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, *, fields: dict[str, Any] | None = None) -> Response:
    """The error response; a 401 always says how to authenticate (RFC 9110 requires WWW-Authenticate)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def from_domain_error(error: DomainError) -> Response:
    return json_error(error.status, error.code, error.message)


def from_http_exception(error: HTTPException) -> Response:
    """An HTTP error raised by Flask, werkzeug or webargs, with webargs' messages as ``fields``."""
    status = error.code or 500
    code, message = HTTP_ERRORS.get(status, (_snake(error.name), OTHER_ERROR))
    message = message.format(method=request.method, limit=_upload_limit())
    data = getattr(error, "data", None) or {}
    flat = _flatten(data["messages"]) if "messages" in data else None
    if flat:
        code, message = _service_code(flat) or (code, message)
    response = json_error(status, code, message, fields=flat)
    for name, value in error.get_headers():  # e.g. Allow on 405
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response


def _service_code(flat: dict[str, list[str]]) -> tuple[str, str] | None:
    """The service's code and message when every refusal is one the service names alike (qms.api.rules.Coded)."""
    found = [message for messages in flat.values() for message in messages]
    codes = {getattr(message, "code", None) for message in found}
    if len(codes) == 1 and None not in codes:
        return str(codes.pop()), found[0]
    return None


def _flatten(messages: dict[str, Any]) -> dict[str, list[str]]:
    """webargs keys its messages by location (json, query …); a client wants them by field.

    Messages about an item of a list or a nested field (``{"replaces": {"0": [...]}}``) are keyed
    by its path (``replaces.0``), so that every field maps to a list of strings as documented.
    """
    flat: dict[str, list[str]] = {}
    for location, by_field in messages.items():
        if isinstance(by_field, dict):
            for field, found in by_field.items():
                _collect(flat, str(field), found)
        else:
            _collect(flat, str(location), by_field)
    return flat


def _collect(flat: dict[str, list[str]], path: str, found: Any) -> None:
    if isinstance(found, dict):
        for key, inner in found.items():
            _collect(flat, f"{path}.{key}", inner)
    elif isinstance(found, list | tuple):
        for item in found:
            _collect(flat, path, item)
    else:
        flat.setdefault(path, []).append(found if isinstance(found, str) else str(found))


def _upload_limit() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return f" ({limit / (1024 * 1024):.0f} MB)" if limit and limit >= 1024 * 1024 else ""


def _snake(name: str) -> str:
    return "_".join(name.lower().replace("-", " ").split())
