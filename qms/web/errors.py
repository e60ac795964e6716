"""Error pages in Vietnamese: the message a person can act on, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from qms import input_rule
from qms.errors import DomainError
from qms.extensions import db
from qms.web.filters import format_filesize
from qms.web.language import translate

TITLES = {
    400: _l("Yêu cầu không hợp lệ"),
    403: _l("Không có quyền"),
    404: _l("Không tìm thấy"),
    405: _l("Thao tác không được hỗ trợ"),
    413: _l("Tệp quá lớn"),
    422: _l("Dữ liệu không hợp lệ"),
    409: _l("Không thực hiện được"),
    429: _l("Quá nhiều lần thử"),
    500: _l("Lỗi hệ thống"),
}

MESSAGES = {
    400: _l("Yêu cầu không hợp lệ. Vui lòng quay lại và thử lại."),
    403: _l("Bạn không có quyền thực hiện thao tác này."),
    404: _l("Không tìm thấy trang hoặc tài liệu bạn yêu cầu."),
    405: _l("Thao tác này không được hỗ trợ tại địa chỉ này."),
    429: _l("Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại."),
    500: _l("Đã xảy ra lỗi trong hệ thống. Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo quản trị hệ thống."),
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    title = TITLES.get(status, _("Lỗi"))
    message = translate(message) if message else MESSAGES.get(status, title)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def http_error_page(error: HTTPException) -> tuple[str, int, list[tuple[str, str]]]:
    """The page for an HTTP error, keeping the headers it needs (Allow on 405, Retry-After on 429)."""
    page, status = render_error(error.code or 500)
    return page, status, [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def domain_error_page(error: DomainError) -> tuple[str, int]:
    """A service refusal that no form on the page can show: its own message on an error page."""
    return render_error(error.status, error.message)


def too_large_message() -> str:
    limit = format_filesize(current_app.config.get("MAX_CONTENT_LENGTH"))
    return _("Tệp tải lên vượt quá dung lượng cho phép (%(limit)s).", limit=limit)


def init_app(app: Flask) -> None:
    # The input rule refuses a page request before any view, so before any blueprint's own handler.
    app.register_error_handler(input_rule.Refused, domain_error_page)

    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")
        )

    @app.errorhandler(413)
    def _too_large_page(_error: HTTPException) -> tuple[str, int]:
        return render_error(413, too_large_message())

    for status in (400, 403, 404, 405, 429):
        app.register_error_handler(status, http_error_page)

    @app.errorhandler(500)
    def _server_error(_error: Exception) -> tuple[str, int]:
        # The failed request may have left the transaction broken; the page must not need it.
        db.session.rollback()
        page = render_template("errors/error.html", status=500, title=TITLES[500], message=MESSAGES[500], bare=True)
        return page, 500
