"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the notice tests."""

from __future__ import annotations

import email
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from threading import Lock

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on (bound, then closed): a mail server that is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@dataclass
class MailServer:
    port: int
    messages: list[Received] = field(default_factory=list)
    #: A reply such as "451 4.3.0 Mailbox unavailable": every recipient is refused with it while it is set.
    refusal: str | None = None
    _lock: Lock = field(default_factory=Lock)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: N802
        if self.refusal:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook  # noqa: N802
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=default)
        with self._lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if address in m.recipients]

    def wait_for(self, count: int, seconds: float = 20) -> list[Received]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.1)
        raise AssertionError(f"{len(self.messages)} of {count} messages arrived after {seconds} s")


@contextmanager
def mail_server(port: int | None = None) -> Iterator[MailServer]:
    """An SMTP server on 127.0.0.1 (a free port unless given), stopped on exit."""
    server = MailServer(port or free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
