"""Hostile and broken input through the pages and the API: a clear 4xx, and no trace but a log line.

No trace means: no file in the store (not even a temporary one), no revision row, no audit entry,
no stored-file row and no index operation.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from html import unescape
from pathlib import Path

import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select
from support.factories import PASSWORD, make_docx, make_effective
from support.hostile_files import REFUSED_UPLOADS
from support.pages import login

from qms import create_app
from qms.documents import lifecycle
from qms.inspection import register_files, registers
from qms.models import AuditEntry, IndexOperation, Revision, StoredFile

UPLOAD_IDS = [name for name, *_ in REFUSED_UPLOADS]


def traces(session, app) -> dict[str, object]:
    """Everything an upload could leave behind."""
    counts = {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Revision, AuditEntry, StoredFile, IndexOperation)
    }
    stored = sorted(str(p) for p in Path(app.config["FILES_DIR"]).rglob("*") if p.is_file())
    return {**counts, "files": stored}


def refusal_logged(caplog, code: str, filename: str) -> bool:
    return f"upload refused ({code}): {filename!r}" in [r.getMessage() for r in caplog.records]


# --- uploads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "make", "filename", "code"), REFUSED_UPLOADS, ids=UPLOAD_IDS)
def test_a_hostile_upload_to_the_api_is_a_json_422_and_leaves_only_a_log_line(
    app, client, session, bearer, secretary, document, caplog, name, make, filename, code
):
    headers = bearer(secretary)
    before = traces(session, app)
    caplog.set_level(logging.WARNING, logger="qms.files.filetypes")
    data = {"file": (io.BytesIO(make()), filename), "change_summary": f"Thử {name}"}
    response = client.post(f"/api/v1/documents/{document.id}/revisions", data=data, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert traces(session, app) == before
    assert refusal_logged(caplog, code, filename)


@pytest.mark.parametrize(("name", "make", "filename", "code"), REFUSED_UPLOADS, ids=UPLOAD_IDS)
def test_a_hostile_upload_on_the_page_is_refused_in_vietnamese_and_leaves_only_a_log_line(
    app, client, session, secretary, document, caplog, name, make, filename, code
):
    login(client, secretary)
    before = traces(session, app)
    caplog.set_level(logging.WARNING, logger="qms.files.filetypes")
    data = {"file": (io.BytesIO(make()), filename), "change_summary": "Sửa bước 3"}
    response = client.post(f"/documents/{document.id}/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert any(word in page for word in ("Tệp", "tệp")) and "Sửa bước 3</textarea>" in page
    assert "Traceback" not in page
    assert traces(session, app) == before
    assert refusal_logged(caplog, code, filename)


def test_the_refusals_tell_what_is_wrong(client, bearer, secretary, document):
    messages = {}
    for _name, make, filename, code in REFUSED_UPLOADS:
        data = {"file": (io.BytesIO(make()), filename), "change_summary": "Thử"}
        response = client.post(f"/api/v1/documents/{document.id}/revisions", data=data, headers=bearer(secretary))
        messages[code] = response.get_json()["error"]["message"]
    assert "bom nén" in messages["zip_bomb"]
    assert "DOCTYPE/ENTITY" in messages["xml_entities"]
    assert "mật khẩu" in messages["encrypted"]
    assert "bị hỏng hoặc không đầy đủ" in messages["corrupt"]
    assert messages["empty_file"] == "Tệp tải lên rỗng."


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.docx", "passwd.docx"),
        ("quy\x00trinh.docx", "quy_trinh.docx"),
        ("hoso\u202excod.docx", "hosoxcod.docx"),  # right-to-left override: would show as "hosodocx.doc"
        ("\u200fquy-trinh\u2066.docx", "quy-trinh.docx"),
        ("đ" * 300 + ".docx", "đ" * 195 + ".docx"),
        (" quy-trinh.docx. ", "quy-trinh.docx"),
    ],
)
def test_file_names_are_stored_and_shown_safely(app, client, session, bearer, secretary, document, sent, kept):
    content = make_docx(f"Tên tệp {kept}")
    data = {"file": (io.BytesIO(content), sent), "change_summary": "Tên tệp lạ"}
    response = client.post(f"/api/v1/documents/{document.id}/revisions", data=data, headers=bearer(secretary))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    revision = response.get_json()
    assert revision["filename"] == kept
    with client.get(f"/api/v1/revisions/{revision['id']}/file", headers=bearer(secretary)) as download:
        assert download.get_data() == content
        disposition = download.headers["Content-Disposition"]
    assert "/" not in disposition and "\\" not in disposition and "\x00" not in disposition
    assert "\u202e" not in unescape(disposition)
    # In the store a file is named by its hash only; the name a client sent never reaches the disk.
    stored = [p.name for p in Path(app.config["FILES_DIR"]).rglob("*") if p.is_file()]
    assert stored == [revision["sha256"]]
    login(client, secretary)
    page = unescape(client.get(f"/documents/{document.id}").get_data(as_text=True))
    assert kept in page and "etc/passwd" not in page and "\u202e" not in page


# --- text people typed -----------------------------------------------------------------------------

EVIL_TITLE = '<script>alert("tiêu đề")</script> Quy trình <b>đăng ký</b>'
EVIL_SUMMARY = "<img src=x onerror=alert(1)> Sửa & bổ sung <i>bước 2</i>\x07"


@pytest.fixture
def evil_document(session, files, secretary, reviewer, approver, today):
    document = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-XSS", title=EVIL_TITLE, kind="process",
    )
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Quy trình xsskiemtra <script>alert(2)</script> đăng ký"), EVIL_SUMMARY)
    return document


@pytest.mark.parametrize(
    "url",
    ["/", "/documents/{id}", "/documents/{id}/history", "/tasks", "/dashboard", "/search?q=xsskiemtra",
     "/search?q=script", "/search?q=quy trinh dang ky", "/inspect"],
)
def test_html_typed_into_titles_and_descriptions_is_shown_as_text_on_every_page(
    app, client, approver, inspector, evil_document, url
):
    login(client, inspector if url == "/inspect" else approver)
    response = client.get(url.format(id=evil_document.id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for raw in ("<script>alert", "<img src=x", "<b>đăng ký</b>", "<i>bước 2</i>"):
        assert raw not in html, (url, raw)
    if url.startswith("/search"):
        assert "&lt;script&gt;alert(&#34;tiêu đề&#34;)&lt;/script&gt; Quy trình" in html


def test_html_in_search_answers_of_the_api_is_escaped_in_highlights(client, bearer, approver, evil_document):
    hit = client.get("/api/v1/search?q=xsskiemtra", headers=bearer(approver)).get_json()[0]
    assert hit["title"] == EVIL_TITLE  # JSON carries the text as typed; escaping is the reader's job
    assert "<script>" not in hit["highlights"] and "&lt;script&gt;" in hit["highlights"]
    assert "<mark>" in hit["highlights"]


def test_html_and_control_characters_in_the_word_register_are_plain_text(session, inspector, evil_document, today):
    register = registers.register(session, inspector, "XA-LOCBINH", "amendments", as_of=today)
    content = register_files.render(register, "docx", made_on=today)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    word = WordDocument(io.BytesIO(content))
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert any(EVIL_TITLE in text for text in cells)
    assert any(EVIL_SUMMARY.rstrip("\x07") in text for text in cells)


# --- signing in ------------------------------------------------------------------------------------


def test_a_login_flood_is_rate_limited_logged_and_audited_once_per_window(app, secretary, caplog):
    limited = create_app(
        {
            **{key: app.config[key] for key in ("TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "SECRET_KEY")},
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
        }
    )
    caplog.set_level(logging.WARNING, logger="qms.web.auth")
    try:
        client = limited.test_client()
        answers = [
            client.post("/login", data={"username": "thuky", "password": f"doan-{i}"}).status_code for i in range(8)
        ]
        assert answers == [401] * 3 + [429] * 5
        # The right password does not get through the limit either.
        assert client.post("/login", data={"username": "thuky", "password": PASSWORD}).status_code == 429
        with limited.app_context():
            from qms.extensions import db

            entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
            actions = [entry.action for entry in entries if entry.action.startswith("login")]
            flood = [json.loads(entry.details) for entry in entries if entry.action == "login_rate_limited"]
    finally:
        limited.extensions["qms.engine"].dispose()
    assert actions == ["login_failed"] * 3 + ["login_rate_limited"]
    assert flood == [{"username": "thuky", "remote_addr": "127.0.0.1"}]
    assert [r.getMessage() for r in caplog.records].count("sign-in rate limit reached for 127.0.0.1") == 6


# --- identifiers and forms, over every route -------------------------------------------------------

#: The body each API write needs to get past validation, so that only the identifier decides.
API_BODIES = {
    "api_revisions.upload_revision": {"data": {"change_summary": "Thử", "file": (b"", "quy-trinh.docx")}},
    "api_revisions.act": {"json": {"action": "withdraw", "comment": "Thử"}},
    "api_legal.resolve_review": {"json": {"reason": "Thử"}},
    "api_legal.put_basis": {"json": {"numbers": []}},
    "api_legal.decline_proposal": {"json": {"reason": "Thử"}},
    "api_diff.get_diff": {"query_string": {"from": 1, "to": 1}},
    "api_records.create_finding": {"json": {"kind": "observation", "description": "Thử"}},
    "api_records.create_corrective_action": {"json": {"cause": "Thử", "action": "Thử", "responsible": "Thử",
                                                      "due_on": "2026-01-01"}},
    "api_records.verify_corrective_action": {"data": {"file": (b"%PDF-1.4", "bang-chung.pdf")}},
    "api_records.attach_audit_report": {"data": {"report": (b"%PDF-1.4", "bao-cao.pdf")}},
    "api_records.record_result": {"json": {"measured_on": "2026-01-01", "value": "Thử"}},
    "api_periodic_reviews.record_periodic_review": {"json": {"outcome": "no_change", "reason": "Thử"}},
    "api_acknowledgements.set_readers": {"json": {"usernames": []}},
}
MISSING_ID = 2147483647


#: API endpoints for administrators only: they refuse everyone else with 403 whatever the identifier, so nothing leaks.
ADMIN_API = {"api_organizations.cancel_scheduled"}


def routes_with_ids(app, *, api: bool):
    """(endpoint, method, URL pattern) of every route that takes an integer identifier, admin pages aside."""
    for rule in app.url_map.iter_rules():
        if (rule.rule.startswith("/api/") != api or rule.endpoint.startswith("admin.") or rule.endpoint in ADMIN_API
                or "<int" not in rule.rule):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule.rule


def filled(pattern: str, ids: dict[str, int]) -> str:
    import re

    return re.sub(r"<int(?:\([^)]*\))?:(\w+)>", lambda m: str(ids.get(m.group(1), MISSING_ID)), pattern)


def call(client, endpoint: str, method: str, url: str, headers=None):
    body = dict(API_BODIES.get(endpoint, {"json": {}} if url.startswith("/api/") and method != "GET" else {}))
    if "data" in body:
        body["data"] = {
            key: (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
            for key, value in body["data"].items()
        }
    with client.open(url, method=method, headers=headers or {}, **body) as response:
        response.get_data()
    return response


@pytest.fixture
def ours(session, files, secretary, reviewer, approver, document, today):
    """Identifiers of a document and its current revision in XA-LOCBINH."""
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    return {"document_id": document.id, "revision_id": revision.id}


@pytest.mark.parametrize("api", [False, True], ids=["pages", "api"])
def test_identifiers_that_do_not_exist_or_belong_to_another_organisation_are_404(
    app, client, session, bearer, outsider, ours, api
):
    """404 and never 403: whether a thing exists elsewhere must not leak (the outsider holds every role)."""
    headers = bearer(outsider) if api else None
    if not api:
        login(client, outsider)
    answers = []
    for endpoint, method, pattern in routes_with_ids(app, api=api):
        for ids in ({}, ours):
            url = filled(pattern, ids)
            answers.append((method, url, call(client, endpoint, method, url, headers).status_code))
    assert len(answers) >= 16
    assert [answer for answer in answers if answer[2] != 404] == []
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_id == outsider.id)) \
        <= 1  # at most the sign-in


def test_admin_pages_answer_404_for_identifiers_that_do_not_exist(client, admin):
    login(client, admin)
    for url in (f"/admin/users/{MISSING_ID}", f"/admin/organizations/{MISSING_ID}"):
        assert client.get(url).status_code == 404
        assert client.post(url, data={}).status_code == 404


def test_every_form_post_without_a_csrf_token_is_refused_and_changes_nothing(app, client, session, secretary, ours):
    login(client, secretary)
    app.config["WTF_CSRF_ENABLED"] = True
    before = traces(session, app)
    refused = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        url = filled(rule.rule, ours).replace("<path:number>", "61/2018/NĐ-CP")
        response = client.post(url, data={"action": "withdraw", "comment": "Giả mạo", "code": "QT-CSRF"})
        refused.append((url, response.status_code))
        assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ." in unescape(response.get_data(as_text=True))
    assert len(refused) >= 15
    assert [answer for answer in refused if answer[1] != 400] == []
    assert traces(session, app) == before
