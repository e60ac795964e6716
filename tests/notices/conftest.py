"""A real SMTP server on loopback for the application under test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.mail_server import MailServer, mail_server
from support.notices import BASE_URL


@pytest.fixture
def smtp(app) -> Iterator[MailServer]:
    """The application mails through a real SMTP server on a free loopback port (jobs run in the call: immediate)."""
    with mail_server() as server:
        app.config.update(SMTP_URL=server.url, MAIL_FROM="QMS Lạng Sơn <qms@langson.gov.vn>", BASE_URL=BASE_URL)
        yield server
