"""Once a day, people are reminded of what falls due: periodic reviews 30 days ahead, on the day and the day after
it passed (the secretaries and approvers), and a reading not confirmed after QMS_ACKNOWLEDGE_DAYS (the reader that
day, the secretaries a week later). Each reminder goes out on one day only, so running twice sends nothing twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.acknowledgements import reminders as acknowledgement_reminders
from qms.database import unit_of_work
from qms.models import Notice, User
from qms.notices import events, notify
from qms.periodic_review import schedule

#: The secretaries hear of an unread document this many days after its reader did.
SECRETARIES_AFTER_DAYS = 7


def send_due_reminders(session: Session, today: date) -> int:
    """The day's reminders, in one unit of work; how many notices were written (mail goes after the commit)."""
    written = 0
    with unit_of_work(session):
        # Every worker's first request of the day runs this: what an earlier run told today is not told again.
        start = datetime.combine(today, time(), clock.zone()).astimezone(UTC)
        told = {(row.recipient_id, row.event, row.link) for row in session.execute(
            select(Notice.recipient_id, Notice.event, Notice.link).where(Notice.created_at >= start))}

        def tell(people: Iterable[User], event: str, params: dict[str, Any], link: str) -> int:
            fresh = [person for person in people if (person.id, event, link) not in told]
            return len(notify(session, recipients=fresh, event=event, params=params, link=link))

        for item in schedule.reviews_due(session, within_days=schedule.DUE_SOON_DAYS, on=today):
            event = _review_event(item.days_left, item.days_overdue)
            if event is None:
                continue
            params: dict[str, Any] = {"code": item.document.code, "title": item.document.title,
                                      "due_on": item.due_on.isoformat()}
            written += tell(item.notify, event, params, events.document_page(item.document.id) + "#periodic-review")
        wait = acknowledgement_reminders.reminder_days()
        for late in acknowledgement_reminders.acknowledgements_overdue(session, on=today):
            revision = late.revision
            late_params: dict[str, Any] = {
                "code": revision.document.code, "title": revision.document.title,
                "issue_number": revision.issue_number, "reader": late.user.full_name, "days": late.days_waiting,
            }
            if late.days_waiting == wait:
                written += tell([late.user], events.ACKNOWLEDGEMENT_OVERDUE, late_params,
                                events.reading_page(revision.id))
            elif late.days_waiting == wait + SECRETARIES_AFTER_DAYS:
                written += tell(late.secretaries, events.ACKNOWLEDGEMENT_OVERDUE, late_params,
                                events.acknowledgements_page(revision.document_id))
    return written


def _review_event(days_left: int, days_overdue: int) -> str | None:
    if days_left == schedule.DUE_SOON_DAYS:
        return events.PERIODIC_REVIEW_DUE_SOON
    if days_left == 0 and days_overdue == 0:
        return events.PERIODIC_REVIEW_DUE
    if days_overdue == 1:
        return events.PERIODIC_REVIEW_OVERDUE
    return None
