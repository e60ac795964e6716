"""The task queue: slow work (conversion, recognition, and later e-mail) off the request, run by `flask qms worker`.

Huey, with a SQLite queue under the storage directory by default and Redis when QMS_REDIS_URL is set (the
Redis that hosts already share for rate limits). Tests run jobs in Huey's immediate mode, inside the call
that enqueues them, unless a test is about the queue itself.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app
from sqlalchemy.orm import Session

from qms.files.conversion import ConversionLimits
from qms.tasks.queue import TaskQueue, digests, make_queue, recover

__all__ = [
    "TaskQueue", "conversion_limits", "digests", "enqueue_notices", "enqueue_processing", "enqueue_record_file",
    "init_app", "recover",
    "task_queue",
]


_log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.extensions["qms.tasks"] = make_queue(app)

    @app.after_request
    def _enqueue_notices(response: Response) -> Response:
        # Services that notify inside another's unit of work (legal reviews opened by a register change) leave
        # their mail to the end of the request, when everything is committed.
        from qms.extensions import db

        enqueue_notices(db.session)
        return response


def task_queue(app: Flask) -> TaskQueue:
    queue: TaskQueue = app.extensions["qms.tasks"]
    return queue


def enqueue_processing(revision_id: int) -> None:
    """Convert or recognise a committed upload (a job of its own; a duplicate is skipped by the claim)."""
    task_queue(current_app).process_revision(revision_id)


def enqueue_record_file(sha256: str) -> None:
    """Convert or recognise a committed record's file for search (a duplicate finds it read and is skipped)."""
    task_queue(current_app).read_record_file(sha256)


def enqueue_notices(session: Session) -> int:
    """Hand the mail of the notices the last unit of work committed to the queue (call after the commit).

    Nothing when mail is off (no QMS_SMTP_URL): the notices stay in the application.
    """
    from qms.notices import take_unsent

    notice_ids = take_unsent(session)
    if not notice_ids or not current_app.config.get("SMTP_URL"):
        return 0
    try:
        task_queue(current_app).send_notices(notice_ids)
    except Exception as error:  # a queue that is down must not fail a request that has committed
        _log.warning("notices not queued (the sweep will mail them): %s", error)
        return 0
    return len(notice_ids)


def conversion_limits() -> ConversionLimits:
    """The converters' limits from the running application's settings."""
    from qms.documents.processing import limits_from

    return limits_from(current_app.config)
