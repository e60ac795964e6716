"""SIGKILL of the whole server in the middle of an upload and of an approval (real gunicorn processes, paused at a
named point by QMS_FAULT_PAUSE): after a restart ``flask qms verify`` passes, no partial file is visible, and the
interrupted action happened fully or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support.factories import make_docx, upload
from support.servers import flask_cli, multipart, running, server_env

from qms.documents import lifecycle
from qms.models import AuditEntry, Revision, RevisionStatus


def in_background(call) -> threading.Thread:
    """Start a request that the kill will cut off; its outcome does not matter, only what the database kept."""
    def run() -> None:
        with contextlib.suppress(OSError):
            call()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def killed_at(point: str, env: dict, log: Path, send) -> None:
    """Serve with a pause at ``point``, send the request, SIGKILL every server process while it waits there."""
    with running({**env, "QMS_FAULT_PAUSE": f"{point}:120"}, log, workers=1) as server:
        thread = in_background(lambda: send(server))
        server.wait_for_log(f"fault pause at {point}")
        server.kill()
        thread.join(timeout=30)


def rows(app, model, *where) -> int:
    with Session(app.extensions["qms.engine"]) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def assert_store_holds_only_whole_files(files_dir: Path) -> None:
    """Every file the store shows is complete: its content hashes to its name."""
    for path in Path(files_dir).glob("??/??/*"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, path


def assert_verify_passes(env: dict) -> None:
    verified = flask_cli(env, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "Toàn vẹn: OK" in verified.stdout


def post_upload(server, headers, document_id, text="Quy trình bị ngắt giữa chừng"):
    body, content_type = multipart({"change_summary": "Sửa đổi"}, {"file": ("quy-trinh.docx", make_docx(text))})
    return server.request(f"/api/v1/documents/{document_id}/revisions", "POST", body,
                          {**headers, "Content-Type": content_type}, timeout=150)


def post_action(server, headers, revision_id, action, **extra):
    body = json.dumps({"action": action, **extra}).encode()
    return server.request(f"/api/v1/revisions/{revision_id}/actions", "POST", body,
                          {**headers, "Content-Type": "application/json"}, timeout=150)


@pytest.mark.parametrize("point", ["upload.stored", "upload.before_commit"])
def test_an_upload_killed_midway_leaves_nothing_and_can_be_done_again(
    app, tmp_path, bearer, secretary, document, point
):
    env, headers = server_env(app.config), bearer(secretary)

    killed_at(point, env, tmp_path / "killed.log", lambda server: post_upload(server, headers, document.id))

    assert rows(app, Revision) == 0 and rows(app, AuditEntry, AuditEntry.action == "upload") == 0
    assert_store_holds_only_whole_files(app.config["FILES_DIR"])
    assert_verify_passes(env)
    with running(env, tmp_path / "restarted.log", workers=1) as server:
        again = post_upload(server, headers, document.id)
    assert again.status == 201 and again.json()["number"] == 1  # no gap left by the lost attempt
    assert_verify_passes(env)


@pytest.fixture
def reviewed(session, files, secretary, reviewer, document, today):
    revision = upload(session, files, secretary, document, make_docx("Quy trình chờ phê duyệt"), "Ban hành lần đầu")
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    return lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")


def test_an_approval_killed_before_its_commit_did_not_happen(app, tmp_path, bearer, approver, reviewed, today):
    env, headers = server_env(app.config), bearer(approver)

    killed_at("approve.before_commit", env, tmp_path / "killed.log",
              lambda server: post_action(server, headers, reviewed.id, "approve", effective_from=today.isoformat(),
                                     comment="Đã xem"))

    assert rows(app, Revision, Revision.status == RevisionStatus.REVIEWED) == 1
    assert rows(app, AuditEntry, AuditEntry.action.in_(["approve", "take_effect"])) == 0
    assert_verify_passes(env)
    with running(env, tmp_path / "restarted.log", workers=1) as server:
        again = post_action(server, headers, reviewed.id, "approve", effective_from=today.isoformat(),
                                     comment="Đã xem")
    assert again.status == 200 and again.json()["status"] == "effective"
    assert rows(app, Revision, Revision.status == RevisionStatus.EFFECTIVE) == 1


def test_an_approval_killed_after_its_commit_happened_fully_and_is_searchable(
    app, tmp_path, bearer, approver, secretary, reviewed, today
):
    env, headers = server_env(app.config), bearer(approver)

    killed_at("approve.committed", env, tmp_path / "killed.log",
              lambda server: post_action(server, headers, reviewed.id, "approve", effective_from=today.isoformat(),
                                     comment="Đã xem"))

    assert rows(app, Revision, Revision.status == RevisionStatus.EFFECTIVE) == 1
    assert rows(app, AuditEntry, AuditEntry.action == "approve") == 1
    with running(env, tmp_path / "restarted.log", workers=1) as server:
        found = server.request("/api/v1/search?q=cho+phe+duyet", headers=bearer(secretary)).json()
        refused = post_action(server, headers, reviewed.id, "approve", effective_from=today.isoformat(),
                                     comment="Đã xem")
    assert [(hit["revision_id"], hit["status"]) for hit in found] == [(reviewed.id, "effective")]
    assert refused.status == 409
    assert_verify_passes(env)
