"""Two approvers approving two reviewed revisions of one document at the same moment: one takes effect, the other
is refused as stale, on both databases (real processes, as gunicorn workers are)."""

from __future__ import annotations

from sqlalchemy import select
from support.concurrent_workers import CONTEXT, approve_each, run_processes, settings_of
from support.factories import make_docx, make_user, upload

from qms.accounts import users
from qms.audit import trail
from qms.documents import lifecycle
from qms.models import Revision, RevisionStatus


def test_two_revisions_approved_at_once_leave_one_in_force_and_one_409(
    app, session, files, secretary, reviewer, approver, document, today
):
    second = make_user(session, "pheduyet2", "XA-LOCBINH", "approver", title="Phó Chủ tịch UBND xã")
    reviewed = []
    for text in ("Bản A", "Bản B"):
        revision = upload(session, files, secretary, document, make_docx(text), text)
        lifecycle.act(session, secretary, revision.id, "submit", today=today)
        lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
        reviewed.append(revision.id)
    start = CONTEXT.Barrier(2)
    jobs = [
        (approve_each, (settings_of(app), users.issue_token(session, None, person), [revision_id],
                        today.isoformat(), start))
        for person, revision_id in zip((approver, second), reviewed, strict=True)
    ]

    answers = [each[0] for each in run_processes(jobs)]

    assert sorted(status for status, _code in answers) == [200, 409], answers
    assert [code for status, code in answers if status == 409] == ["stale_revision"]
    session.expire_all()
    statuses = sorted(session.scalars(select(Revision.status).where(Revision.document_id == document.id)))
    assert statuses.count(RevisionStatus.EFFECTIVE) == 1
    assert statuses.count(RevisionStatus.REVIEWED) == 1
    assert sorted(session.scalars(select(Revision.issue_number).where(Revision.issue_number.is_not(None)))) == [1]
    report = trail.verify(session, files)
    assert report.ok, report.problems
