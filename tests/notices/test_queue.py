"""Mail through the real queue: the request only enqueues; a worker (`flask qms worker`) sends, and a server that is
down when it tries gets the mail on a later attempt, with back-off, once it is up."""

from __future__ import annotations

import subprocess
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import select
from support.factories import make_docx, upload
from support.mail_server import free_port, mail_server
from support.notices import BASE_URL, with_address
from support.servers import queue_worker, server_env

from qms import create_app
from qms.documents import lifecycle
from qms.extensions import db
from qms.models import MailState, Notice, User

pytestmark = pytest.mark.slow

SETTINGS = ("TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "INDEX_DIR", "SECRET_KEY", "WTF_CSRF_ENABLED",
            "RATELIMIT_ENABLED", "SESSION_COOKIE_SECURE")


@pytest.fixture
def mail_port() -> int:
    return free_port()


@pytest.fixture
def queued_app(app, mail_port):
    """The test's installation with a real queue and mail to a port where, for now, nobody listens."""
    other = create_app({**{key: app.config[key] for key in SETTINGS}, "TASKS_IMMEDIATE": "0",
                        "SMTP_URL": f"smtp://127.0.0.1:{mail_port}", "BASE_URL": BASE_URL,
                        # The job carries its retry delay from where it was enqueued: 1 s, then 2, 4 …
                        "MAIL_RETRY_DELAY": 1, "MAIL_ATTEMPTS": 6})
    yield other
    other.extensions["qms.search"].close()
    other.extensions["qms.engine"].dispose()


def worker(app, log: Path, **env: str) -> AbstractContextManager[subprocess.Popen]:
    return queue_worker(server_env(app.config, QMS_TASKS_IMMEDIATE="0", QMS_SMTP_URL=app.config["SMTP_URL"],
                             QMS_BASE_URL=BASE_URL, **env), log)


def notice_of(app) -> Notice:
    with app.app_context():
        notice = db.session.scalars(select(Notice)).one()
        db.session.expunge(notice)
        return notice


def wait_until(app, test, seconds: float, log: Path) -> Notice:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        notice = notice_of(app)
        if test(notice):
            return notice
        time.sleep(0.2)
    raise AssertionError(f"notice still {notice_of(app).mail_state} after {seconds} s:\n{log.read_text()[-3000:]}")


def test_a_server_down_at_first_gets_the_mail_on_a_later_attempt(
    queued_app, session, files, document, secretary, reviewer, today, mail_port, tmp_path
):
    with_address(session, reviewer, "kiemtra@locbinh.gov.vn")
    draft = upload(session, files, secretary, document, make_docx("Quy trình"))
    with queued_app.app_context():
        started = time.monotonic()
        lifecycle.act(db.session, db.session.get(User, secretary.id), draft.id, "submit", today=today)
        answered = time.monotonic() - started
    assert answered < 2, "the submission waits for no mail server"
    queued = notice_of(queued_app)
    assert (queued.mail_state, queued.mail_attempts) == (MailState.PENDING, 0)

    log = tmp_path / "worker.log"
    with worker(queued_app, log, QMS_MAIL_RETRY_DELAY="1", QMS_MAIL_ATTEMPTS="6"):
        refused = wait_until(queued_app, lambda n: n.mail_attempts >= 1 and n.mail_state is MailState.PENDING, 60, log)
        assert "Connection refused" in (refused.mail_error or "")
        with mail_server(mail_port) as server:  # the server comes back on its port
            (arrived,) = server.wait_for(1, seconds=60)
            sent = wait_until(queued_app, lambda n: n.mail_state is MailState.SENT, 30, log)
    assert arrived.recipients == ["kiemtra@locbinh.gov.vn"] and "chờ bạn kiểm tra" in arrived.subject
    assert sent.mail_attempts >= 2 and sent.mail_error is None and sent.read_at is None
