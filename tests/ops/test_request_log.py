"""One JSON line per request with its request id; nothing a user typed or uploaded is logged."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from support.factories import PASSWORD, make_docx
from support.pages import login

from qms.ops.request_log import HEADER, json_handler


@pytest.fixture
def capture() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = json_handler(out)
    root = logging.getLogger()
    saved_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(handler)
    root.setLevel(saved_level)


def lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def access_lines(out: io.StringIO) -> list[dict]:
    return [line for line in lines(out) if line["logger"] == "qms.access"]


def test_each_request_writes_one_access_line_and_returns_its_request_id(client, capture, staff):
    login(client, staff)
    capture.seek(0)
    capture.truncate()

    response = client.get("/?kind=process")

    [line] = access_lines(capture)
    assert response.headers[HEADER] == line["request_id"] and len(line["request_id"]) == 32
    assert (line["method"], line["path"], line["status"], line["user_id"]) == ("GET", "/", 200, staff.id)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


def test_a_well_formed_incoming_request_id_is_kept_and_a_malformed_one_replaced(client, capture):
    kept = client.get("/healthz", headers={HEADER: "lb-7f3a:0042.retry_1"})
    replaced = client.get("/healthz", headers={HEADER: 'x" "level": "CRITICAL'})
    too_long = client.get("/healthz", headers={HEADER: "a" * 129})

    assert kept.headers[HEADER] == "lb-7f3a:0042.retry_1"
    assert replaced.headers[HEADER] != 'x" "level": "CRITICAL' and len(replaced.headers[HEADER]) == 32
    assert len(too_long.headers[HEADER]) == 32
    assert [line["request_id"] for line in access_lines(capture)] == [
        kept.headers[HEADER], replaced.headers[HEADER], too_long.headers[HEADER]
    ]


def test_every_record_made_during_a_request_carries_its_request_id(app, client, capture):
    def noisy() -> str:
        logging.getLogger("qms.somewhere").warning("something worth knowing")
        return "ok"

    app.add_url_rule("/noisy", view_func=noisy)

    response = client.get("/noisy", headers={HEADER: "request-under-test"})

    records = [line for line in lines(capture) if line["logger"] in ("qms.somewhere", "qms.access")]
    assert [r["logger"] for r in records] == ["qms.somewhere", "qms.access"]
    assert {r["request_id"] for r in records} == {"request-under-test"} == {response.headers[HEADER]}


def test_passwords_document_text_and_queries_stay_out_of_the_logs(client, capture, secretary, document):
    secret_text = "Nội dung mật: quy trình cấp bản sao Zqxw-4711"
    summary = "Sửa bước 3 theo Zqxw-summary"
    client.post("/login", data={"username": secretary.username, "password": PASSWORD})
    data = {"file": (io.BytesIO(make_docx(secret_text)), "Zqxw-name.docx"), "change_summary": summary}
    uploaded = client.post(f"/documents/{document.id}/upload", data=data, content_type="multipart/form-data")
    searched = client.get("/search?q=Zqxw-4711")
    client.post("/login", data={"username": secretary.username, "password": "sai-Zqxw-password"})
    # What `flask run` (werkzeug's development server) logs for the search above:
    logging.getLogger("werkzeug").info('127.0.0.1 - - [21/Nov/2026 19:48:28] "GET /search?q=Zqxw-4711 HTTP/1.1" 200 -')

    assert uploaded.status_code == 302 and searched.status_code == 200
    written = capture.getvalue()
    assert [line["path"] for line in access_lines(capture)] == [
        "/login", f"/documents/{document.id}/upload", "/search", "/login"
    ]
    for secret in (PASSWORD, "sai-Zqxw-password", "Zqxw"):
        assert secret not in written
