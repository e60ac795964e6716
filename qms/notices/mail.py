"""E-mail over SMTP: the settings (QMS_SMTP_URL, QMS_MAIL_FROM, QMS_BASE_URL), the letters, one connection.

A letter says what happened and where to act (an absolute link), in the recipient's language, as plain text and
HTML from templates/notices/; it never carries a document's content. Sending uses the standard library only:
``smtps://`` is TLS from the first byte, ``smtp://`` upgrades with STARTTLS whenever the server offers it.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import render_template
from flask_babel import force_locale

from qms.errors import Invalid

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
SUBJECT_LENGTH = 140


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    #: TLS from the first byte (smtps); otherwise STARTTLS when the server offers it.
    tls: bool
    username: str
    password: str
    sender: str
    base_url: str
    timeout: float


def settings_from(config: Mapping[str, Any]) -> MailSettings | None:
    """The mail settings of an application's config; None when QMS_SMTP_URL is empty (mail is off)."""
    url = str(config.get("SMTP_URL") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise Invalid("QMS_SMTP_URL phải có dạng smtp://máy:cổng hoặc smtps://người-dùng:mật-khẩu@máy:cổng.",
                      code="invalid_smtp_url")
    tls = parts.scheme == "smtps"
    return MailSettings(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        # Credentials in the URL, or from the environment (QMS_SMTP_USER, QMS_SMTP_PASSWORD) to keep them out of it.
        username=unquote(parts.username or "") or str(config.get("SMTP_USER") or ""),
        password=unquote(parts.password or "") or str(config.get("SMTP_PASSWORD") or ""),
        sender=str(config.get("MAIL_FROM") or f"qms@{parts.hostname}"),
        base_url=str(config.get("BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        timeout=float(config.get("SMTP_TIMEOUT") or 30),
    )


def language_of(code: str | None) -> str:
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def render(template: str, language: str, **context: Any) -> tuple[str, str]:
    """The plain-text and HTML bodies of ``template`` (notices/<template>.txt and .html) in ``language``."""
    with force_locale(language_of(language)):
        text = render_template(f"notices/{template}.txt", language=language_of(language), **context)
        html = render_template(f"notices/{template}.html", language=language_of(language), **context)
    return text, html


def subject_line(text: str) -> str:
    """One line, not too long: a comment's line breaks must not reach a header."""
    line = " ".join(text.split())
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1].rstrip() + "…"


def letter(settings: MailSettings, to: str, subject: str, text: str, html: str) -> Message:
    """A multipart/alternative mail (plain text first, HTML second).

    Built with the legacy ``email.mime`` classes and ``Header``: the modern policy's folding of a long non-ASCII
    subject (Python 3.11) drops the space between two encoded words, so «hộ tịch» would arrive as «hộtịch».
    """
    message = MIMEMultipart("alternative")
    message["From"] = formataddr(parseaddr(settings.sender), charset="utf-8")
    message["To"] = to
    message["Subject"] = Header(subject_line(subject), "utf-8")  # type: ignore[assignment]  # compat32 takes a Header
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(settings.sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies stay away
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText(html, "html", "utf-8"))
    return message


def _domain(sender: str) -> str:
    found = re.search(r"@([A-Za-z0-9.-]+)", sender)
    return found.group(1) if found else "localhost"


@contextmanager
def connection(settings: MailSettings) -> Iterator[smtplib.SMTP]:
    """An open, authenticated SMTP connection; closed (QUIT) on the way out."""
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if settings.tls:
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        server.ehlo()
        if not settings.tls and server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
        if settings.username:
            server.login(settings.username, settings.password)
        yield server
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def failure_text(error: BaseException) -> str:
    """What the server or the network said, short enough for the notice row."""
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error
        said = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        text = f"{error.smtp_code} {said}"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{code} {said!r}" for code, said in error.recipients.values())
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())[:500]
