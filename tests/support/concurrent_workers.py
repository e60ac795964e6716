"""Worker processes for the concurrency tests.

Each worker is a separate process (spawn) that builds its own application with ``create_app`` on the
same database, file store and index directory as the test's app, as a gunicorn worker would, and
acts through the API with a bearer token: the transactions really run at the same time.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from flask import Flask

#: The settings a worker takes over from the test's app: the same database, files and index.
SHARED_SETTINGS = (
    "TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "INDEX_DIR", "SECRET_KEY", "WTF_CSRF_ENABLED",
    "RATELIMIT_ENABLED", "SESSION_COOKIE_SECURE",
)


#: Processes start fresh (no fork of the test process's connections, locks or threads).
CONTEXT = multiprocessing.get_context("spawn")


def settings_of(app: Flask) -> dict[str, Any]:
    return {key: app.config[key] for key in SHARED_SETTINGS}


def run_processes(jobs: list[tuple[Callable[..., Any], tuple[Any, ...]]], *, timeout: float = 180) -> list[Any]:
    """Start one process per (function, args), each given a result queue as its last argument.

    Returns what each one put on the queue, in job order; fails if a process fails or hangs.
    """
    queue = CONTEXT.Queue()
    processes = [
        CONTEXT.Process(target=_report, args=(number, function, args, queue), daemon=True)
        for number, (function, args) in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    results: dict[int, Any] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(results) < len(processes):
            number, ok, value = queue.get(timeout=max(1.0, deadline - time.monotonic()))
            if not ok:
                raise AssertionError(f"worker {number} failed:\n{value}")
            results[number] = value
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return [results[number] for number in range(len(processes))]


def _report(number: int, function: Callable[..., Any], args: tuple[Any, ...], queue: Any) -> None:
    import traceback

    try:
        queue.put((number, True, function(*args)))
    except BaseException:  # noqa: BLE001 - the parent must see why a worker died
        queue.put((number, False, traceback.format_exc()))


def _worker_app(settings: dict[str, Any]) -> Flask:
    from qms import create_app

    return create_app(settings)


def upload_revisions(settings: dict[str, Any], token: str, document_id: int, tag: str, count: int, start: Any) -> list:
    """Upload ``count`` distinct .docx revisions to one document; the (status, number) of each answer."""
    from support.factories import make_docx

    app = _worker_app(settings)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    files = [make_docx(f"Quy trình kiemthu bản {tag}-{i}", f"Nội dung riêng {tag} {i}") for i in range(count)]
    start.wait()
    answers = []
    for i, content in enumerate(files):
        response = client.post(
            f"/api/v1/documents/{document_id}/revisions",
            data={"file": (io.BytesIO(content), f"quy-trinh-{tag}-{i}.docx"), "change_summary": f"Sửa {tag}-{i}"},
            headers=headers,
        )
        body = response.get_json() or {}
        answers.append((response.status_code, body.get("number"), body.get("id")))
    app.extensions["qms.engine"].dispose()
    return answers


def approve_each(
    settings: dict[str, Any], token: str, revision_ids: list[int], effective_from: str, start: Any
) -> list:
    """For each revision in turn, wait for the other approvers, then approve it at the same moment."""
    app = _worker_app(settings)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    answers = []
    for revision_id in revision_ids:
        start.wait()
        response = client.post(
            f"/api/v1/revisions/{revision_id}/actions",
            json={"action": "approve", "comment": "Đã xem", "effective_from": effective_from},
            headers=headers,
        )
        answers.append((response.status_code, (response.get_json() or {}).get("error", {}).get("code")))
    app.extensions["qms.engine"].dispose()
    return answers


def keep_searching(settings: dict[str, Any], token: str, queries: list[str], start: Any, stop: Any) -> list:
    """Search in a loop until told to stop; every answer as (query, status, total, revision ids)."""
    app = _worker_app(settings)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    answers = []
    start.wait()
    while not stop.is_set() or not answers:
        for query in queries:
            response = client.get(f"/api/v1/search?q={query}&status=all&page_size=100", headers=headers)
            ok = response.status_code == 200
            ids = [hit["revision_id"] for hit in response.get_json()] if ok else []
            total = json.loads(response.headers["X-Pagination"])["total"] if ok else None
            answers.append((query, response.status_code, total, ids))
    app.extensions["qms.engine"].dispose()
    return answers


def work_while_searched(
    settings: dict[str, Any], tokens: dict[str, str], document_id: int, rounds: int, effective_from: str,
    start: Any, stop: Any,
) -> list:
    """Upload and approve revisions, and between them hold an uncommitted upload open, then roll it back.

    Returns the ids of the revisions committed; the held ones carry the word ``chuaghi`` and never commit.
    """
    from qms.database import unit_of_work
    from qms.extensions import db
    from qms.models import Revision, RevisionStatus
    from qms.search import log as search_log
    from support.factories import make_docx

    app = _worker_app(settings)
    client = app.test_client()

    def call(role: str, method: str, url: str, **kwargs: Any) -> dict:
        response = client.open(url, method=method, headers={"Authorization": f"Bearer {tokens[role]}"}, **kwargs)
        assert response.status_code in (200, 201), (url, response.status_code, response.get_data(as_text=True))
        return response.get_json()

    committed = []
    start.wait()
    try:
        for i in range(rounds):
            content = make_docx(f"Quy trình kiemthu vòng {i}")
            revision = call(
                "secretary", "POST", f"/api/v1/documents/{document_id}/revisions",
                data={"file": (io.BytesIO(content), f"vong-{i}.docx"), "change_summary": f"Vòng {i}"},
            )
            committed.append(revision["id"])
            if i % 2 == 0:
                actions = "/api/v1/revisions/{}/actions".format(revision["id"])
                call("secretary", "POST", actions, json={"action": "submit"})
                call("reviewer", "POST", actions, json={"action": "pass", "comment": "Đã xem"})
                call(
                    "approver", "POST", actions, json={"action": "approve", "comment": "Đã xem",
                        "effective_from": effective_from}
                )
            with app.app_context(), suppress(_Abandoned):
                session = db.session()
                with unit_of_work(session):
                    held = Revision(**{
                        **_copy_of(session.get(Revision, revision["id"])),
                        "number": 10_000 + i, "status": RevisionStatus.DRAFT, "has_text": True,
                        "text": "Bản chuaghi chưa ghi vào cơ sở dữ liệu",
                    })
                    session.add(held)
                    search_log.changed(session, [held])
                    time.sleep(0.5)  # the searcher runs meanwhile and must not see it
                    raise _Abandoned
    finally:
        stop.set()
    app.extensions["qms.engine"].dispose()
    return committed


class _Abandoned(Exception):
    """Rolls back the held upload."""


def _copy_of(revision: Any) -> dict[str, Any]:
    columns = ("document_id", "status", "file_sha256", "filename", "content_type", "size", "change_summary",
               "drafted_by_id", "drafted_by_name", "drafted_by_title", "created_at")
    return {column: getattr(revision, column) for column in columns}
