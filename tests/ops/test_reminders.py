"""The day's reminders (issue 17): a periodic review 30 days ahead, on the day and the day after it passed, to the
secretaries and approvers; a reading not confirmed after QMS_ACKNOWLEDGE_DAYS to the reader, a week later to the
secretaries; and a revision in force to the people asked to read it. Running twice a day tells nobody twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from support.communes import days_ago
from support.factories import make_effective

from qms.documents import lifecycle
from qms.models import Notice
from qms.notices import events
from qms.ops import reminders
from qms.periodic_review import schedule


def _told(session, event):
    session.expire_all()
    return sorted((n.recipient.username, n.link) for n in session.scalars(select(Notice).where(Notice.event == event)))


def _policy(session, secretary):
    return lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="CSCL",
                                     title="Chính sách chất lượng", kind="policy")


def test_a_review_thirty_days_ahead_is_told_once_to_secretaries_and_approvers(
        session, files, secretary, reviewer, approver, staff, today):
    policy = _policy(session, secretary)
    make_effective(session, files, policy, secretary, reviewer, approver,
                   schedule.add_months(today + timedelta(days=schedule.DUE_SOON_DAYS), -24))

    assert reminders.send_due_reminders(session, today) == 2
    link = f"/documents/{policy.id}#periodic-review"
    assert _told(session, events.PERIODIC_REVIEW_DUE_SOON) == [("pheduyet", link), ("thuky", link)]
    assert reminders.send_due_reminders(session, today) == 0  # the next worker's first request of the day
    assert reminders.send_due_reminders(session, today + timedelta(days=1)) == 0  # 29 days left: nothing


def test_a_revision_in_force_asks_its_readers_and_an_unread_one_is_reminded_then_told_to_the_secretaries(
        session, files, secretary, reviewer, approver, staff, today):
    policy = _policy(session, secretary)
    with days_ago(14) as then:
        revision = make_effective(session, files, policy, secretary, reviewer, approver, then)
    asked = _told(session, events.ACKNOWLEDGEMENT_REQUESTED)
    assert [username for username, _link in asked] == ["canbo", "kiemtra", "pheduyet", "thuky"]
    assert {link for _username, link in asked} == {f"/revisions/{revision.id}/read#acknowledgement"}

    reminders.send_due_reminders(session, today - timedelta(days=7))  # a week after: each reader is reminded
    late = _told(session, events.ACKNOWLEDGEMENT_OVERDUE)
    assert [username for username, _link in late] == ["canbo", "kiemtra", "pheduyet", "thuky"]
    reminders.send_due_reminders(session, today)  # two weeks after: the secretary hears of each reader
    told_secretary = [item for item in _told(session, events.ACKNOWLEDGEMENT_OVERDUE) if item not in late]
    assert told_secretary == [("thuky", f"/documents/{policy.id}/acknowledgements")] * 4
