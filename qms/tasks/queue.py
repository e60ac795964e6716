"""The Huey instance of an application and its jobs, each a thin call into a service inside an app context."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import RetryTask

_log = logging.getLogger(__name__)


@dataclass
class TaskQueue:
    """The queue and the job wrappers that enqueue (or, in immediate mode, run) each job."""

    huey: Huey
    process_revision: Any
    recover_unfinished: Any
    send_notices: Any = None
    send_digests: Any = None
    mail_stranded: Any = None
    read_record_file: Any = None
    walk_audit_chain: Any = None


def make_queue(app: Flask) -> TaskQueue:
    """SqliteHuey under the storage directory, RedisHuey when REDIS_URL is set; immediate mode when asked (tests)."""
    immediate_setting = str(app.config.get("TASKS_IMMEDIATE", "")).strip().lower()
    immediate = app.testing if immediate_setting == "" else immediate_setting in {"1", "true", "yes", "on"}
    name = "qms"
    if app.config.get("REDIS_URL"):
        huey: Huey = RedisHuey(name, url=app.config["REDIS_URL"], immediate=immediate, results=False)
    else:
        path = Path(app.config["STORAGE_DIR"]) / "tasks.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(path), immediate=immediate, results=False)
    max_attempts = int(app.config["PROCESSING_ATTEMPTS"])
    # Retries are counted in the database (a restart must not reset them); Huey only brings the job back later.
    retry_delay = 0 if immediate else float(app.config["TASKS_RETRY_DELAY"])

    @huey.task(retries=max_attempts, retry_delay=retry_delay, name="process_revision")
    def process_revision(revision_id: int) -> str:
        from qms.documents import processing
        from qms.extensions import db
        from qms.files.store import file_store
        from qms.search import IndexUnavailable, search_index

        stages: dict[str, float] = {}
        with app.app_context():
            outcome = processing.run(
                db.session, file_store(app), revision_id, processing.limits_from(app.config),
                worker=processing.worker_name(), max_attempts=max_attempts, stages=stages,
            )
            if outcome == processing.DONE:
                started = time.perf_counter()
                try:  # this host's index at once; the others catch up from the log
                    search_index(app).apply_log(db.engine)
                except IndexUnavailable as error:
                    _log.warning("search index not updated: %s", error)
                stages["index"] = time.perf_counter() - started
        # Where the time of an upload went (bench.formats reads these lines): queue wait, conversion, reading, index.
        _log.info("revision %s %s", revision_id, outcome, extra={
            "revision_id": revision_id, "outcome": outcome, **{f"{stage}_s": round(seconds, 3)
                                                              for stage, seconds in stages.items()}})
        if outcome == processing.RETRY:
            raise RetryTask()
        return outcome

    @huey.on_startup(name="warm_converter")
    def warm_converter() -> None:
        # Each consumer thread starts its LibreOffice now, not when the first upload is waiting for it.
        from qms.documents import processing
        from qms.files import conversion

        conversion.warm(processing.limits_from(app.config))

    @huey.periodic_task(crontab(minute="*"), name="recover_unfinished")
    def recover_unfinished() -> int:
        return recover(app, huey_queue, at_start=False)

    @huey.task(retries=max_attempts, retry_delay=retry_delay, name="read_record_file")
    def read_record_file(sha256: str) -> str:
        from qms.documents import processing
        from qms.extensions import db
        from qms.files.store import file_store
        from qms.search import IndexUnavailable, record_files, search_index

        with app.app_context():
            outcome = record_files.run(db.session, file_store(app), sha256, processing.limits_from(app.config),
                                       max_attempts=max_attempts)
            if outcome == record_files.DONE:
                try:  # this host's index at once; the others catch up from the log
                    search_index(app).apply_log(db.engine)
                except IndexUnavailable as error:
                    _log.warning("search index not updated: %s", error)
        _log.info("record file %s %s", sha256, outcome)
        if outcome == record_files.RETRY:
            raise RetryTask()
        return outcome

    @huey.periodic_task(crontab(minute="23"), name="walk_audit_chain")
    def walk_audit_chain() -> bool:
        # Pages walk only the entries after the latest full walk (qms.audit.verification): one every hour.
        from qms import clock
        from qms.audit import anchors, verification
        from qms.extensions import db

        with app.app_context():
            health = verification.walk_and_keep(db.session, anchors.anchor_file(app), now=clock.now(),
                                                source=verification.SCHEDULED)
        if not health.ok:
            _log.error("audit chain: %s", health.first_bad)
        return health.ok

    huey_queue = TaskQueue(huey, process_revision, recover_unfinished, read_record_file=read_record_file,
                           walk_audit_chain=walk_audit_chain)
    _add_mail_jobs(app, huey, huey_queue, immediate=immediate)
    return huey_queue


def _add_mail_jobs(app: Flask, huey: Huey, queue: TaskQueue, *, immediate: bool) -> None:
    """Notices' e-mail: one job per batch of notices, retried with back-off; the daily digest; a sweep."""
    mail_attempts = max(int(app.config["MAIL_ATTEMPTS"]), 1)
    # Attempts are counted on the notices; Huey only brings the job back later, each time twice as late.
    delay = 0 if immediate else float(app.config["MAIL_RETRY_DELAY"])

    @huey.task(retries=mail_attempts, retry_delay=delay, retry_backoff=2, name="send_notices")
    def send_notices(notice_ids: list[int]) -> int:
        from qms.extensions import db
        from qms.notices import delivery, mail

        with app.app_context():
            settings = mail.settings_from(app.config)
            if settings is None:
                return 0
            attempts = max(int(app.config["MAIL_ATTEMPTS"]), 1)  # the notices' count decides, not Huey's
            outcome = delivery.send_notices(db.session, settings, notice_ids, max_attempts=attempts)
        if outcome.retry:
            raise RetryTask()
        return outcome.mails

    @huey.periodic_task(crontab(minute="5"), name="send_digests")
    def send_digests() -> int:
        return digests(app, through=None)

    @huey.periodic_task(crontab(minute="*"), name="mail_stranded")
    def mail_stranded() -> int:
        from qms.extensions import db
        from qms.notices import delivery, mail

        with app.app_context():
            if mail.settings_from(app.config) is None:
                return 0
            stranded = delivery.stranded(db.session)
        if stranded:
            send_notices(stranded)
        return len(stranded)

    queue.send_notices, queue.send_digests, queue.mail_stranded = send_notices, send_digests, mail_stranded


def digests(app: Flask, *, through: date | None) -> int:
    """Send the daily digests of every day up to ``through`` (default: yesterday); how many mails went."""
    from qms import clock
    from qms.extensions import db
    from qms.notices import delivery, mail

    with app.app_context():
        settings = mail.settings_from(app.config)
        if settings is None:
            return 0
        day = through or clock.today() - timedelta(days=1)
        attempts = max(int(app.config["MAIL_ATTEMPTS"]), 1)
        outcome = delivery.send_digests(db.session, settings, day, max_attempts=attempts)
    return outcome.mails


def recover(app: Flask, queue: TaskQueue, *, at_start: bool) -> int:
    """Queue again what a dead worker left running (see processing.recover and record_files.recover); how many jobs
    were enqueued."""
    from qms.documents import processing
    from qms.extensions import db
    from qms.search import record_files

    lease = 2 * max(float(app.config["CONVERSION_TIMEOUT"]), float(app.config["OCR_TIMEOUT"])) + 60
    with app.app_context():
        queued = processing.recover(db.session, processing.worker_name(), lease_seconds=lease, at_start=at_start)
        files = record_files.recover(db.session, lease_seconds=lease, at_start=at_start)
    for revision_id in queued:
        queue.process_revision(revision_id)
    for sha256 in files:
        queue.read_record_file(sha256)
    return len(queued) + len(files)
