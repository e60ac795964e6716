"""The chain's health kept between requests: a full walk is stored, the overview walks only the entries after it,
and what it cannot see between two full walks the next one finds."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session
from support.factories import make_docx, make_effective, upload
from support.tampering import bypass_append_only

from qms import clock
from qms.audit import anchors, chain, trail, verification
from qms.documents import lifecycle
from qms.inspection import overview
from qms.models import AuditEntry, AuditHead, AuditVerification
from qms.tasks import task_queue


@pytest.fixture
def history(session, files, secretary, reviewer, approver, document, today):
    """A process in force, then a full walk kept (as the worker's hourly one)."""
    effective = make_effective(session, files, document, secretary, reviewer, approver, today)
    verification.walk_and_keep(session, None, now=clock.now(), source=verification.SCHEDULED)
    return effective


def _latest(session):
    session.commit()  # the walk was kept by a session of its own
    return verification.latest(session)


def _rows(session, inspector, today, app=None):
    anchor_file = anchors.anchor_file(app) if app is not None else None
    session.commit()  # each view is a request of its own, in a transaction of its own
    found = overview.overview(session, inspector, today=today, anchor_file=anchor_file)
    return found, {row.organization.code: row for row in found.rows}


def test_a_full_walk_is_kept_with_what_it_found(session, history):
    kept = _latest(session)
    head = session.get(AuditHead, 1)
    assert (kept.source, kept.ok, kept.first_bad, kept.problem_count) == ("scheduled", True, None, 0)
    assert (kept.through_seq, kept.through_hash, kept.entries) == (head.seq, head.hash, head.seq)
    assert json.loads(kept.bad_organizations) == []


def test_the_overview_rests_on_the_kept_walk_and_checks_the_entries_after_it(
        session, files, secretary, document, inspector, today, history):
    walked = _latest(session)
    upload(session, files, secretary, document, make_docx("Bản sửa"), "Sửa lần hai")
    found, rows = _rows(session, inspector, today)
    assert found.chain.ok and rows["XA-LOCBINH"].chain_ok
    assert found.chain.fully_checked_at == walked.checked_at
    assert found.chain.entries == session.get(AuditHead, 1).seq
    assert session.scalar(select(AuditVerification.id).order_by(AuditVerification.id.desc())) == walked.id

    # An entry written after the walk and altered: the very next view sees it.
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    bypass_append_only(session)
    session.execute(text("UPDATE audit_entries SET details = '{}' WHERE seq = :s"), {"s": last.seq})
    session.commit()
    found, rows = _rows(session, inspector, today)
    assert found.chain.first_bad == f"audit entry {last.seq} (upload) was altered"
    assert not rows["XA-LOCBINH"].chain_ok and rows["XA-DONGDANG"].chain_ok


def test_an_older_entry_altered_after_the_walk_is_found_by_the_next_full_walk(
        app, session, secretary, inspector, today, history):
    first_upload = session.scalar(select(AuditEntry).where(AuditEntry.action == "upload").order_by(AuditEntry.seq))
    bypass_append_only(session)
    session.execute(text("UPDATE audit_entries SET details = '{}' WHERE seq = :s"), {"s": first_upload.seq})
    session.commit()
    found, _rows_now = _rows(session, inspector, today)
    assert found.chain.ok  # the page reads only what came after the walk: the rule the banner states

    task_queue(app).walk_audit_chain.call_local()  # the worker's hourly walk
    found, rows = _rows(session, inspector, today)
    assert found.chain.first_bad == f"audit entry {first_upload.seq} (upload) was altered"
    assert not rows["XA-LOCBINH"].chain_ok
    # What a full walk found stands on every later view, whatever is written after it.
    lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-09",
                              title="Thủ tục mới", kind="process")
    found, rows = _rows(session, inspector, today)
    assert not found.chain.ok and not rows["XA-LOCBINH"].chain_ok


def test_the_walks_last_entry_altered_or_removed_is_seen_at_once(session, inspector, today, history):
    walked = _latest(session)
    bypass_append_only(session)
    session.execute(text("UPDATE audit_entries SET actor_name = 'Người khác' WHERE seq = :s"),
                    {"s": walked.through_seq})
    session.commit()
    found, _ = _rows(session, inspector, today)
    assert found.chain.first_bad == f"audit entry {walked.through_seq} (take_effect) was altered after the full walk"

    before = session.scalar(select(AuditEntry).where(AuditEntry.seq == walked.through_seq - 1))
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": walked.through_seq})
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=before.seq, hash=before.hash))
    session.commit()
    found, _ = _rows(session, inspector, today)
    assert found.chain.first_bad == (f"audit entry {walked.through_seq}, the last one the full walk read, is missing: "
                                     "entries were removed")


def test_a_revision_row_of_a_document_written_to_since_the_walk_is_compared_at_once(
        session, files, secretary, document, inspector, today, history):
    draft = upload(session, files, secretary, document, make_docx("Bản sửa"), "Sửa lần hai")
    session.execute(text("UPDATE revisions SET status = 'approved' WHERE id = :id"), {"id": draft.id})
    session.commit()
    found, rows = _rows(session, inspector, today)
    assert f"revision {draft.id} " in found.chain.first_bad and "status" in found.chain.first_bad
    assert not rows["XA-LOCBINH"].chain_ok


def test_without_a_recent_walk_the_page_walks_the_whole_chain_and_keeps_it(session, inspector, today, history):
    old = _latest(session)
    old.checked_at = clock.now() - verification.FULL_WALK_MAX_AGE - timedelta(minutes=1)
    session.commit()
    found, _ = _rows(session, inspector, today)
    kept = _latest(session)
    assert kept.id != old.id and kept.source == verification.PAGE and found.chain.fully_checked_at == kept.checked_at


def test_flask_qms_verify_keeps_its_walk(runner, session, history):
    before = _latest(session).id
    assert runner.invoke(args=["qms", "verify"]).exit_code == 0
    kept = _latest(session)
    assert kept.id != before and kept.source == verification.VERIFY and kept.ok


def test_many_problems_are_counted_and_the_first_ones_kept(session, files, secretary, document, monkeypatch):
    for number in range(3):
        upload(session, files, secretary, document, make_docx(f"Bản {number}"), f"Bản {number}")
    session.execute(text("UPDATE revisions SET filename = 'khac.docx'"))
    session.commit()
    monkeypatch.setattr(verification, "PROBLEMS_KEPT", 2)
    health = verification.walk_and_keep(session, None, now=clock.now(), source=verification.VERIFY)
    kept = _latest(session)
    assert kept.problem_count == len(health.problems) == 3
    assert json.loads(kept.problems) == health.problems[:2] and kept.first_bad == health.first_bad


def test_an_entry_appended_while_the_chain_is_read_is_not_taken_for_a_removal(app, session, files, secretary,
                                                                               document):
    """PostgreSQL reads each statement at its own moment: the head read after the entries may be newer."""
    upload(session, files, secretary, document)
    engine = session.get_bind()
    appended = []

    def append_once(_connection, _cursor, statement, *_args):
        if not appended and "FROM audit_entries" in statement and "audit_head" not in statement:
            appended.append(True)
            with Session(engine) as other:
                lifecycle.create_document(other, other.merge(secretary), organization_code="XA-LOCBINH",
                                          code="QT-77", title="Thủ tục thêm", kind="process")

    with Session(engine) as reader:
        event.listen(engine, "after_cursor_execute", append_once)
        try:
            health = chain.check_chain(reader)
        finally:
            event.remove(engine, "after_cursor_execute", append_once)
    assert appended and health.ok, health.problems
    assert trail.verify(session, files).ok
