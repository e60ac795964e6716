"""Which queue an installation gets: SQLite under the storage directory, Redis when QMS_REDIS_URL is set, and
Huey's immediate mode in tests unless a test asks for the real queue."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from qms import create_app

REDIS = "redis://127.0.0.1:6379/15"


def _app(app, **overrides):
    keys = ("TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "INDEX_DIR", "SECRET_KEY")
    return create_app({**{key: app.config[key] for key in keys}, **overrides})


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_tests_run_jobs_immediately_unless_they_ask_for_the_queue(app):
    assert app.extensions["qms.tasks"].huey.immediate
    queued = _app(app, TASKS_IMMEDIATE="0")
    huey = queued.extensions["qms.tasks"].huey
    assert not huey.immediate and type(huey).__name__ == "SqliteHuey"
    assert Path(huey.storage.filename) == Path(app.config["STORAGE_DIR"]) / "tasks.sqlite3"
    queued.extensions["qms.tasks"].process_revision(12345)
    assert huey.pending_count() == 1  # kept on disk for the worker, which may be started later


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_with_a_redis_url_the_queue_is_in_redis_shared_by_every_host(app):
    first = _app(app, TASKS_IMMEDIATE="0", REDIS_URL=REDIS).extensions["qms.tasks"]
    second = _app(app, TASKS_IMMEDIATE="0", REDIS_URL=REDIS).extensions["qms.tasks"]
    assert type(first.huey).__name__ == "RedisHuey"
    first.huey.flush()
    try:
        first.process_revision(67890)
        assert second.huey.pending_count() == 1  # another host's worker sees the job
        task = second.huey.dequeue()
        assert task.args == (67890,)
    finally:
        first.huey.flush()
