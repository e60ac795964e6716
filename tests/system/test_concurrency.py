"""Concurrent work from several processes on one database and one file store loses and duplicates nothing.

Each worker is a real process with its own application (see ``support.concurrent_workers``), as gunicorn
workers are; on SQLite they share the database file, on PostgreSQL the server.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from support.concurrent_workers import (
    CONTEXT,
    approve_each,
    keep_searching,
    run_processes,
    settings_of,
    upload_revisions,
    work_while_searched,
)
from support.factories import make_user, upload

from qms.accounts import users
from qms.audit import trail
from qms.documents import lifecycle
from qms.models import AuditEntry, Revision, RevisionStatus


def token_for(session, user) -> str:
    return users.issue_token(session, None, user)


def test_twenty_simultaneous_uploads_get_gapless_numbers_and_a_sound_chain(
    app, session, files, runner, secretary, document
):
    workers, each = 4, 5
    start = CONTEXT.Barrier(workers)
    token = token_for(session, secretary)
    jobs = [(upload_revisions, (settings_of(app), token, document.id, f"w{w}", each, start)) for w in range(workers)]

    answers = [answer for worker in run_processes(jobs) for answer in worker]

    assert [status for status, _number, _id in answers] == [201] * workers * each
    assert sorted(number for _status, number, _id in answers) == list(range(1, workers * each + 1))
    rows = session.execute(select(Revision.number, Revision.file_sha256).where(Revision.document_id == document.id))
    rows = sorted(rows)
    assert [number for number, _sha in rows] == list(range(1, workers * each + 1))
    assert len({sha for _number, sha in rows}) == workers * each
    assert all(files.verify(sha) for _number, sha in rows)
    uploads = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "upload"))
    assert uploads == workers * each
    report = trail.verify(session, files)
    assert report.ok, report.problems
    # `flask qms verify` also catches the index up and compares it with the database.
    result = runner.invoke(args=["qms", "verify"])
    assert result.exit_code == 0, result.output
    found = app.test_client().get(
        "/api/v1/search?q=kiemthu&status=all&page_size=100", headers={"Authorization": f"Bearer {token}"}
    )
    assert json.loads(found.headers["X-Pagination"])["total"] == workers * each
    assert sorted(hit["number"] for hit in found.get_json()) == list(range(1, workers * each + 1))


def test_two_approvers_at_once_one_wins_and_the_other_gets_409(
    app, session, files, secretary, reviewer, approver, document, today
):
    second = make_user(session, "pheduyet2", "XA-LOCBINH", "approver", title="Phó Chủ tịch UBND xã")
    rounds = 2
    reviewed = []
    # Round by round: a revision reviewed before the previous round's took effect would be stale.
    for i in range(rounds):
        revision = upload(session, files, secretary, document, summary=f"Lần {i}")
        lifecycle.act(session, secretary, revision.id, "submit", today=today)
        lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
        reviewed.append(revision.id)
        start = CONTEXT.Barrier(2)
        jobs = [
            (approve_each, (settings_of(app), token_for(session, person), [revision.id], today.isoformat(), start))
            for person in (approver, second)
        ]
        pair = [answers[0] for answers in run_processes(jobs)]
        assert sorted(status for status, _code in pair) == [200, 409], (i, pair)
        assert [code for status, code in pair if status == 409] == ["wrong_state"]
    session.expire_all()
    rows = session.execute(select(Revision.id, Revision.status).where(Revision.document_id == document.id))
    statuses = dict(rows.all())
    assert [statuses[r] for r in reviewed] == [RevisionStatus.SUPERSEDED] * (rounds - 1) + [RevisionStatus.EFFECTIVE]
    issues = sorted(session.scalars(select(Revision.issue_number).where(Revision.issue_number.is_not(None))))
    assert issues == list(range(1, rounds + 1))
    approvals = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approve"))
    assert approvals == rounds
    report = trail.verify(session, files)
    assert report.ok, report.problems


def test_searches_keep_answering_during_uploads_and_never_show_uncommitted_work(
    app, session, files, runner, secretary, reviewer, approver, document, today
):
    upload(session, files, secretary, document, summary="Bản đầu kiemthu")
    tokens = {role: token_for(session, person) for role, person in
              (("secretary", secretary), ("reviewer", reviewer), ("approver", approver))}
    start, stop = CONTEXT.Barrier(2), CONTEXT.Event()
    jobs = [
        (keep_searching, (settings_of(app), tokens["secretary"], ["kiemthu", "chuaghi"], start, stop)),
        (work_while_searched, (settings_of(app), tokens, document.id, 6, today.isoformat(), start, stop)),
    ]

    searches, committed = run_processes(jobs)

    assert len(searches) >= 10
    assert {status for _query, status, _total, _ids in searches} == {200}
    assert [answer for answer in searches if answer[0] == "chuaghi" and answer[2] != 0] == []
    known = set(session.scalars(select(Revision.id)))
    # A hit is shown only as the database has it committed (the total may count one the request's
    # older snapshot did not yet see; it is left out of the hits rather than shown half-known).
    for _query, _status, total, ids in searches:
        assert set(ids) <= known and len(ids) <= total
    assert set(committed) <= known
    assert session.scalar(select(func.count()).select_from(Revision)) == len(committed) + 1
    assert trail.verify(session, files).ok
    result = runner.invoke(args=["qms", "verify"])
    assert result.exit_code == 0, result.output

