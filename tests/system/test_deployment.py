"""The production shape with real processes: two gunicorn instances ("hosts") on one PostgreSQL database and
one shared file directory, each with its own search index, each finding what was uploaded through the other."""

from __future__ import annotations

import json
import time

import pytest
from support.factories import make_docx
from support.servers import multipart, running, server_env


def find(server, headers, words, timeout=10.0):
    """Poll the search API until ``words`` finds something; (hits, seconds it took)."""
    started = time.monotonic()
    while True:
        answer = server.request(f"/api/v1/search?q={words}", headers=headers)
        assert answer.status == 200, answer.body[:300]
        hits = answer.json()
        waited = time.monotonic() - started
        if hits or waited > timeout:
            return hits, waited
        time.sleep(0.2)


def publish(server, headers_by_role, document_id, text, today):
    """Upload a revision with ``text`` and take it through review and approval, all over HTTP."""
    body, content_type = multipart({"change_summary": "Ban hành"}, {"file": ("quy-trinh.docx", make_docx(text))})
    uploaded = server.request(f"/api/v1/documents/{document_id}/revisions", "POST", body,
                              {**headers_by_role["secretary"], "Content-Type": content_type})
    assert uploaded.status == 201, uploaded.body[:300]
    revision_id = uploaded.json()["id"]
    for role, action in (("secretary", "submit"), ("reviewer", "pass"), ("approver", "approve")):
        payload = {"action": action, "effective_from": today.isoformat()} if action == "approve" else {"action": action}
        answer = server.request(f"/api/v1/revisions/{revision_id}/actions", "POST", json.dumps(payload).encode(),
                                {**headers_by_role[role], "Content-Type": "application/json"})
        assert answer.status == 200, answer.body[:300]
    return revision_id


def test_two_hosts_on_one_database_and_file_store_each_find_what_the_other_published(
    app, tmp_path, bearer, secretary, reviewer, approver, document, session, today
):
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("several hosts share a PostgreSQL database")
    from qms.documents import lifecycle

    second = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-05",
                                       title="Đăng ký kết hôn", kind="process")
    headers = {"secretary": bearer(secretary), "reviewer": bearer(reviewer), "approver": bearer(approver)}
    shared = server_env(app.config)  # one database, one file directory
    hosts = {
        name: {**shared, "QMS_STORAGE_DIR": str(tmp_path / name), "QMS_INDEX_DIR": str(tmp_path / name / "index")}
        for name in ("host-a", "host-b")
    }

    with running(hosts["host-a"], tmp_path / "a.log") as a, running(hosts["host-b"], tmp_path / "b.log") as b:
        from_a = publish(a, headers, document.id, "Quy trình có từ kangaroo duy nhất", today)
        from_b = publish(b, headers, second.id, "Quy trình có từ wombat duy nhất", today)

        hits_on_b, waited_b = find(b, headers["secretary"], "kangaroo")
        hits_on_a, waited_a = find(a, headers["secretary"], "wombat")
        traced = a.request("/readyz", headers={"X-Request-ID": "trace-host-a-0001"})

    assert [hit["revision_id"] for hit in hits_on_b] == [from_a] and waited_b < 5
    assert [hit["revision_id"] for hit in hits_on_a] == [from_b] and waited_a < 5
    assert traced.status == 200 and traced.headers["X-Request-ID"] == "trace-host-a-0001"
    # Each host built its own index; the files went to the one shared directory.
    assert (tmp_path / "host-a" / "index" / "current").is_symlink()
    assert (tmp_path / "host-b" / "index" / "current").is_symlink()
    assert len(list((tmp_path / "storage" / "files").glob("??/??/*"))) == 2
    # The server's output is JSON lines, the access line of the traced request among them.
    lines = [json.loads(line) for line in (tmp_path / "a.log").read_text().splitlines()]
    assert {"path": "/readyz", "status": 200, "request_id": "trace-host-a-0001"}.items() <= next(
        line for line in lines if line.get("request_id") == "trace-host-a-0001"
    ).items()
