"""The dashboard of a commune asks the database as often for one document past its review as for many: its schedule
and its coverage read the documents they list, not each one's revisions one by one."""

from __future__ import annotations

from support.communes import days_ago
from support.factories import make_effective
from support.pages import login
from support.statements import statements_sent

from qms.acknowledgements import confirmations
from qms.documents import lifecycle


def _statements(app, client, url: str) -> tuple[int, str]:
    with statements_sent(app.extensions["qms.engine"]) as sent:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(sent), response.get_data(as_text=True)


def _overdue_process(session, files, people, number: int) -> None:
    document = lifecycle.create_document(session, people[0], organization_code="XA-LOCBINH", code=f"QT-{number:02d}",
                                         title=f"Quy trình số {number}", kind="process",
                                         procedure_code=f"1.{number + 1:06d}")
    with days_ago(400) as then:
        revision = make_effective(session, files, document, *people, then)
    # Read by everyone asked: the dashboard's list of unread documents does not load them for the schedule.
    for person in people:
        confirmations.acknowledge(session, person, revision.id)


def test_the_dashboard_costs_as_many_statements_for_six_overdue_processes_as_for_one(
        app, client, session, files, secretary, reviewer, approver, inspector):
    people = (secretary, reviewer, approver)
    login(client, inspector)
    url = "/dashboard?organization=XA-LOCBINH"
    _overdue_process(session, files, people, 0)
    client.get(url)  # the first request of a day may do the day's scheduled work
    one, page = _statements(app, client, url)
    assert page.count('href="/documents/') >= 1 and "QT-00" in page
    for number in range(1, 6):
        _overdue_process(session, files, people, number)
    client.get(url)
    six, page = _statements(app, client, url)
    assert all(f"QT-{number:02d}" in page for number in range(6))
    assert one == six, f"the dashboard runs {one} statements for one overdue process, {six} for six"
