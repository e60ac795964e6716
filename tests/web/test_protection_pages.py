"""CSRF, rate limiting and the error pages: refusals in Vietnamese that change nothing."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from factories import PASSWORD, login
from sqlalchemy import func, select

from qms import create_app
from qms.documents import reading
from qms.models import AuditEntry, Document


def text_of(response) -> str:
    """What a reader sees: block tags become spaces, inline tags vanish, whitespace collapses."""
    html = re.sub(r"<(title|script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    html = re.sub(
        r"</?(p|div|li|td|th|dt|dd|h\d|br|option|label|legend|nav|header|footer|form|button|caption)\b[^>]*>", " ", html
    )
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def test_a_form_post_without_csrf_token_is_refused_and_changes_nothing(app, client, session, secretary):
    login(client, secretary)
    app.config["WTF_CSRF_ENABLED"] = True
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    data = {"code": "QT-CSRF", "title": "Giả mạo", "kind": "process", "procedure_code": ""}
    refused = client.post("/documents/new", data=data)
    assert refused.status_code == 400
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ." in text_of(refused)
    assert session.scalar(select(func.count()).select_from(Document)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert client.post("/logout").status_code == 400
    # The page's own form carries the token, and with it the same post goes through.
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/documents/new").get_data(as_text=True)).group(
        1
    )
    assert client.post("/documents/new", data={**data, "csrf_token": token}).status_code == 302
    assert session.scalar(select(func.count()).select_from(Document)) == 1


def test_login_posts_are_rate_limited(app, secretary):
    limited = create_app(
        {
            **{key: app.config[key] for key in ("TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "SECRET_KEY")},
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "2 per minute",
        }
    )
    try:
        client = limited.test_client()
        assert client.get("/login").status_code == 200  # the limit is on posts only
        for _ in range(2):
            assert client.post("/login", data={"username": "thuky", "password": "sai"}).status_code == 401
        blocked = client.post("/login", data={"username": "thuky", "password": PASSWORD})
        assert blocked.status_code == 429
        assert "Bạn đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại." in text_of(blocked)
    finally:
        limited.extensions["qms.engine"].dispose()


def test_unknown_address_gets_a_vietnamese_404(client, secretary):
    login(client, secretary)
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang hoặc tài liệu bạn yêu cầu." in text_of(response)


def test_a_too_large_upload_gets_a_vietnamese_413(app, client, secretary, document):
    login(client, secretary)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    data = {"file": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "lon.pdf"), "change_summary": "Tệp lớn"}
    response = client.post(f"/documents/{document.id}/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Tệp tải lên vượt quá dung lượng cho phép (2,0 MB)." in text_of(response)
    assert document.revisions == []


def test_an_unexpected_failure_shows_a_vietnamese_page_without_a_trace(app, client, secretary, monkeypatch):
    login(client, secretary)

    def broken(*args, **kwargs):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(reading, "list_documents", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/")
    assert response.status_code == 500
    page = text_of(response)
    assert "Đã xảy ra lỗi trong hệ thống." in page
    assert "secret detail" not in page and "Traceback" not in page


@pytest.mark.parametrize("url", ["/", "/tasks", "/documents/new", "/admin/users"])
def test_every_page_needs_a_session(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
