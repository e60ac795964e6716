"""Mailing notices: claim, send outside any transaction, record the attempt; and the daily digest.

A notice is claimed (``sending``, attempt + 1) and committed before the server is spoken to, so two senders never
mail it twice; the outcome is recorded in a second unit of work: ``sent``, or back to waiting with the server's
words until the last attempt (then ``failed``). The in-app notice is the row itself and is never touched here.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import Message

from flask_babel import force_locale, gettext
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qms import clock
from qms.database import unit_of_work
from qms.models import MailState, Notice, User
from qms.notices import events, mail
from qms.notices.mail import MailSettings

_log = logging.getLogger(__name__)

#: A claim older than this belongs to a sender that died: the notice is mailed again.
SENDING_LEASE = timedelta(minutes=10)
#: A notice never handed to the queue (the process died after its commit) is picked up after this.
UNQUEUED_AFTER = timedelta(minutes=2)
#: Older notices are not mailed by the sweep (mail turned on later must not send last month's news).
SWEEP_HORIZON = timedelta(days=1)


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    #: Failed this time, to be tried again later.
    waiting: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    #: Mails the server took (a digest is one mail for many notices).
    mails: int = 0

    @property
    def retry(self) -> bool:
        return bool(self.waiting)


def send_notices(session: Session, settings: MailSettings, notice_ids: list[int], *, max_attempts: int) -> Outcome:
    """Mail each notice of ``notice_ids`` still waiting for its own mail; one connection for all."""
    outcome = Outcome()
    claimed = _claim(session, notice_ids, MailState.PENDING)
    if not claimed:
        return outcome
    notices = list(session.scalars(select(Notice).where(Notice.id.in_(claimed)).order_by(Notice.id)))
    letters: dict[int, tuple[str, Message]] = {}
    no_address: list[int] = []
    for notice in notices:
        person = notice.recipient
        if not person.email or not person.is_active:
            no_address.append(notice.id)
            continue
        letters[notice.id] = (person.email, _notice_letter(settings, notice))
    errors = _send(settings, letters)
    outcome.mails = sum(1 for key in letters if key not in errors)
    _record(session, claimed, errors, no_address, waiting_state=MailState.PENDING, max_attempts=max_attempts,
            outcome=outcome)
    return outcome


def _notice_letter(settings: MailSettings, notice: Notice) -> Message:
    language = mail.language_of(notice.recipient.language)
    item = _item(settings, notice, language)
    text, html = mail.render("notice", language, person=notice.recipient, item=item, base_url=settings.base_url)
    return mail.letter(settings, notice.recipient.email or "", item["text"], text, html)


def _item(settings: MailSettings, notice: Notice, language: str) -> dict[str, str]:
    with force_locale(language):
        text = events.describe(notice.event, notice.params)
    return {
        "text": text,
        "url": settings.base_url + notice.link,
        "at": clock.local(notice.created_at).strftime("%d/%m/%Y %H:%M"),
    }


def send_digests(session: Session, settings: MailSettings, through: date, *, max_attempts: int) -> Outcome:
    """One mail per person per day, grouping the notices of that day kept for the digest, for every day up to
    ``through`` (a local day)."""
    outcome = Outcome()
    end = datetime.combine(through + timedelta(days=1), datetime.min.time(), tzinfo=clock.zone())
    candidates = list(session.scalars(
        select(Notice.id).where(Notice.mail_state == MailState.DIGEST, Notice.created_at < end).order_by(Notice.id)
    ))
    claimed = _claim(session, candidates, MailState.DIGEST)
    if not claimed:
        return outcome
    groups: dict[tuple[int, date], list[Notice]] = defaultdict(list)
    for notice in session.scalars(select(Notice).where(Notice.id.in_(claimed)).order_by(Notice.created_at, Notice.id)):
        day = clock.local_day(notice.created_at)
        assert day is not None
        groups[(notice.recipient_id, day)].append(notice)
    letters: dict[int, tuple[str, Message]] = {}
    members: dict[int, list[int]] = {}
    no_address: list[int] = []
    for (_, day), notices in groups.items():
        person: User = notices[0].recipient
        if not person.email or not person.is_active:
            no_address.extend(n.id for n in notices)
            continue
        language = mail.language_of(person.language)
        items = [_item(settings, n, language) for n in notices]
        with force_locale(language):
            subject = gettext("Tổng hợp thông báo ngày %(day)s (%(count)s)", day=day.strftime("%d/%m/%Y"),
                              count=len(items))
        text, html = mail.render("digest", language, person=person, items=items, day=day, subject=subject,
                                 base_url=settings.base_url)
        letters[notices[0].id] = (person.email, mail.letter(settings, person.email, subject, text, html))
        members[notices[0].id] = [n.id for n in notices]
    errors = _send(settings, letters)
    outcome.mails = sum(1 for key in letters if key not in errors)
    # A group shares its letter's fate.
    expanded = {member: error for head, error in errors.items() for member in members[head]}
    _record(session, claimed, expanded, no_address, waiting_state=MailState.DIGEST, max_attempts=max_attempts,
            outcome=outcome)
    return outcome


def stranded(session: Session) -> list[int]:
    """Notices whose mail nobody is going to send: never handed to the queue, or claimed by a sender that died."""
    now = clock.now()
    return list(session.scalars(
        select(Notice.id).where(
            Notice.created_at > now - SWEEP_HORIZON,
            (
                (Notice.mail_state == MailState.PENDING)
                & (Notice.mail_attempts == 0)
                & (Notice.created_at < now - UNQUEUED_AFTER)
            )
            | ((Notice.mail_state == MailState.SENDING) & (Notice.mail_attempted_at < now - SENDING_LEASE)),
        ).order_by(Notice.id).limit(500)
    ))


def _claim(session: Session, notice_ids: list[int], waiting: MailState) -> list[int]:
    """Take the notices still ``waiting`` (or held by a dead sender) for this sender: attempt + 1, committed."""
    if not notice_ids:
        return []
    now = clock.now()
    with unit_of_work(session):
        claimed = session.scalars(
            update(Notice)
            .where(
                Notice.id.in_(sorted(set(notice_ids))),
                (Notice.mail_state == waiting)
                | ((Notice.mail_state == MailState.SENDING) & (Notice.mail_attempted_at < now - SENDING_LEASE)),
            )
            .values(mail_state=MailState.SENDING, mail_attempts=Notice.mail_attempts + 1, mail_attempted_at=now)
            .returning(Notice.id)
            .execution_options(synchronize_session=False)
        ).all()
    session.expire_all()
    return sorted(claimed)


def _send(settings: MailSettings, letters: dict[int, tuple[str, Message]]) -> dict[int, str]:
    """Send each letter over one connection; the error text of each one that did not go."""
    errors: dict[int, str] = {}
    done: set[int] = set()
    if not letters:
        return errors
    try:
        with mail.connection(settings) as server:
            for key, (address, message) in letters.items():
                try:
                    server.send_message(message, to_addrs=[address])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                    errors[key] = mail.failure_text(error)  # this letter refused; the others may still go
                else:
                    done.add(key)
    except (smtplib.SMTPException, OSError) as error:
        # The server is down, refuses us, or dropped the line: what was not sent yet waits for the next attempt.
        text = mail.failure_text(error)
        _log.warning("mail server unavailable: %s", text)
        for key in letters:
            if key not in done:
                errors.setdefault(key, text)
    return errors


def _record(
    session: Session,
    claimed: list[int],
    errors: dict[int, str],
    no_address: list[int],
    *,
    waiting_state: MailState,
    max_attempts: int,
    outcome: Outcome,
) -> None:
    now = clock.now()
    with unit_of_work(session):
        for notice in session.scalars(select(Notice).where(Notice.id.in_(claimed))):
            if notice.mail_state is not MailState.SENDING:
                continue
            if notice.id in no_address:
                notice.mail_state = MailState.NONE
            elif notice.id in errors:
                notice.mail_error = errors[notice.id]
                if notice.mail_attempts >= max_attempts:
                    notice.mail_state = MailState.FAILED
                    outcome.failed.append(notice.id)
                else:
                    notice.mail_state = waiting_state
                    outcome.waiting.append(notice.id)
            else:
                notice.mail_state = MailState.SENT
                notice.mailed_at = now
                notice.mail_error = None
                outcome.sent.append(notice.id)
