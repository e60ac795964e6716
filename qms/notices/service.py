"""Telling people: notices written in the caller's unit of work, read and marked read by their recipient.

``notify`` adds rows and commits nothing; the caller's commit makes them real, and the caller (or the request's
end) then hands ``take_unsent`` to the queue, which mails them. A notice is never lost to a mail server: the row
is the notice, the mail only a copy of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, scoped_session

from qms import clock, listing
from qms.database import unit_of_work
from qms.models import MailState, Notice, NoticePreference, Role, User, UserRole
from qms.notices import events

#: ``session.info`` key: ids of the notices added in this session whose mail is not yet queued.
UNSENT = "qms.notices.unsent"
PAGE_SIZE = 20


def notify(
    session: Session,
    *,
    recipients: Iterable[User],
    event: str,
    params: dict[str, Any],
    link: str,
    skip: Iterable[User | None] = (),
) -> list[int]:
    """A notice of ``event`` for each active recipient (once each, never those in ``skip``: the person acting, who
    knows, or one the rule bars from the next step), in the caller's unit of work; the new notices' ids.

    Whether it is mailed follows the recipient's preference as it is now: a mail of its own, the daily digest,
    or none (no address, or mail off). One INSERT for all of them: telling fifty people costs the request little.
    """
    events.require(event)
    if isinstance(session, scoped_session):
        session = session()
    now = clock.now()
    seen: set[int] = {person.id for person in skip if person is not None}
    rows = []
    for person in recipients:
        if person.id in seen or not person.is_active:
            continue
        seen.add(person.id)
        rows.append({"recipient_id": person.id, "event": event, "params": dict(params), "link": link,
                     "created_at": now, "mail_state": _mail_state(person), "mail_attempts": 0})
    if not rows:
        return []
    added = list(session.execute(insert(Notice).returning(Notice.id, Notice.mail_state), rows))
    session.info.setdefault(UNSENT, []).extend(row.id for row in added if row.mail_state is MailState.PENDING)
    return [row.id for row in added]


def _mail_state(person: User) -> MailState:
    if not person.email or person.notice_preference is NoticePreference.OFF:
        return MailState.NONE
    if person.notice_preference is NoticePreference.DAILY:
        return MailState.DIGEST
    return MailState.PENDING


def take_unsent(session: Session) -> list[int]:
    """The ids of notices this session added whose mail waits for the queue; handed over once (call after commit).

    Ids of a unit of work that rolled back may be among them: the sender finds no row and skips them.
    """
    if isinstance(session, scoped_session):
        session = session()
    return list(session.info.pop(UNSENT, []))


def with_roles(session: Session, organization_id: int, roles: Iterable[Role]) -> list[User]:
    """The active people of an organisation holding any of ``roles``, by name."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.organization_id == organization_id,
                User.is_active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(list(roles)))),
            )
            .order_by(User.full_name, User.id)
        )
    )


# --- the recipient's side ------------------------------------------------------------------------


#: How a reader's notices may be sorted: newest first unless asked; notices of the same moment by their order.
NOTICE_SORTING = listing.Sorting(
    columns={"created_at": (Notice.created_at, Notice.id)},
    default="created_at",
    descending_first=frozenset({"created_at"}),
)
#: The parameters a notice's text names that a reader would type to find it again: the document's code and title,
#: the people (who returned it, who has not read it), the legal document cited and what changed it, a comment.
SEARCHED_PARAMS = ("code", "title", "by", "reader", "cited", "trigger", "comment")


def unread_count(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count()).select_from(Notice).where(Notice.recipient_id == user.id, Notice.read_at.is_(None))
    ) or 0


def notices_page(
    session: Session,
    user: User,
    request: listing.ListRequest | None = None,
    *,
    unread: bool | None = None,
    event: str | None = None,
) -> listing.ListPage[Notice]:
    """A page of the user's own notices, newest first unless sorted otherwise; only the unread (``unread=True``) or
    the read ones, only those of one event. The text filter matches the parameters the notice's text names
    (``SEARCHED_PARAMS``): the text itself is written in the reader's language when read, never stored."""
    query = select(Notice).where(Notice.recipient_id == user.id)
    if unread is not None:
        query = query.where(Notice.read_at.is_(None) if unread else Notice.read_at.is_not(None))
    if event is not None:
        query = query.where(Notice.event == event)
    text = [Notice.params[name].as_string() for name in SEARCHED_PARAMS]
    return listing.page_of(session, query, request or listing.ListRequest(page_size=PAGE_SIZE), NOTICE_SORTING,
                           text=text)


def mark_read(session: Session, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (``ids``, or all of them with None); how many were unread. Others' ids are
    ignored, as if they did not exist."""
    chosen = None if ids is None else sorted({int(i) for i in ids})
    now: datetime = clock.now()
    with unit_of_work(session):
        statement = update(Notice).where(Notice.recipient_id == user.id, Notice.read_at.is_(None))
        if chosen is not None:
            statement = statement.where(Notice.id.in_(chosen))
        result = session.execute(statement.values(read_at=now).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
