"""The task queue with a real consumer process (`flask qms worker`): a job survives the worker's death."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.servers import queue_worker, server_env

from qms import create_app
from qms.documents import lifecycle
from qms.extensions import db
from qms.files.store import file_store
from qms.models import AuditEntry, Rendition, RevisionProcessing, User

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

pytestmark = pytest.mark.slow


def worker(app, log: Path, **env: str) -> AbstractContextManager[subprocess.Popen]:
    """`flask qms worker` with this test's settings."""
    return queue_worker(server_env(app.config, QMS_TASKS_IMMEDIATE="0", QMS_TASKS_RETRY_DELAY="1", **env), log)


def _state(queued_app, revision_id: int) -> RevisionProcessing:
    with queued_app.app_context():
        row = db.session.get(RevisionProcessing, revision_id)
        assert row is not None
        db.session.expunge(row)
        return row


def _wait_for(queued_app, revision_id: int, state: str, seconds: float, log: Path) -> RevisionProcessing:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = _state(queued_app, revision_id)
        if row.state == state:
            return row
        time.sleep(0.3)
    raise AssertionError(f"revision {revision_id} not {state} after {seconds} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def queued_app(app):
    """The test's installation with a real queue: jobs wait for a worker instead of running in the call."""
    other = create_app({**{key: app.config[key] for key in (
        "TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "INDEX_DIR", "SECRET_KEY", "WTF_CSRF_ENABLED",
        "RATELIMIT_ENABLED", "SESSION_COOKIE_SECURE")}, "TASKS_IMMEDIATE": "0"})
    yield other
    other.extensions["qms.search"].close()
    other.extensions["qms.engine"].dispose()


def test_a_conversion_killed_with_its_worker_is_finished_once_by_the_next_worker(
    queued_app, document, secretary, tmp_path
):
    with queued_app.app_context():
        started = time.monotonic()
        revision = lifecycle.add_revision(
            db.session, file_store(queued_app), db.session.get(User, secretary.id), document.id,
            stream=io.BytesIO((FORMATS / "process.doc").read_bytes()), filename="quy-trinh.doc",
            change_summary="Ban hành lần đầu",
        )
        answered = time.monotonic() - started
        revision_id = revision.id
    assert answered < 2, "the upload waits for nobody"
    assert _state(queued_app, revision_id).state == "queued"

    log = tmp_path / "worker.log"
    with worker(queued_app, log, QMS_FAULT_PAUSE="processing.running:120") as first:
        running = _wait_for(queued_app, revision_id, "running", 60, log)
        os.killpg(first.pid, signal.SIGKILL)  # a power cut in the middle of the conversion
        first.wait()
    assert running.attempts == 1 and running.claim
    assert _state(queued_app, revision_id).state == "running"  # nobody is left to finish it

    with worker(queued_app, log):
        done = _wait_for(queued_app, revision_id, "done", 120, log)
    assert done.attempts == 2 and done.text_source == "conversion"
    with queued_app.app_context():
        renditions = db.session.scalar(select(func.count()).select_from(Rendition)
                                       .where(Rendition.revision_id == revision_id))
        processed = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                      .where(AuditEntry.revision_id == revision_id, AuditEntry.action == "processed"))
    assert (renditions, processed) == (1, 1)
