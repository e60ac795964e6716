"""The task queue: slow work (conversion, recognition, and later e-mail) off the request, run by `flask qms worker`.

Huey, with a SQLite queue under the storage directory by default and Redis when QMS_REDIS_URL is set (the
Redis that hosts already share for rate limits). Tests run jobs in Huey's immediate mode, inside the call
that enqueues them, unless a test is about the queue itself.
"""

from __future__ import annotations

from flask import Flask, current_app

from qms.files.conversion import ConversionLimits
from qms.tasks.queue import TaskQueue, make_queue, recover

__all__ = ["TaskQueue", "conversion_limits", "enqueue_processing", "init_app", "recover", "task_queue"]


def init_app(app: Flask) -> None:
    app.extensions["qms.tasks"] = make_queue(app)


def task_queue(app: Flask) -> TaskQueue:
    queue: TaskQueue = app.extensions["qms.tasks"]
    return queue


def enqueue_processing(revision_id: int) -> None:
    """Convert or recognise a committed upload (a job of its own; a duplicate is skipped by the claim)."""
    task_queue(current_app).process_revision(revision_id)


def conversion_limits() -> ConversionLimits:
    """The converters' limits from the running application's settings."""
    from qms.documents.processing import limits_from

    return limits_from(current_app.config)
