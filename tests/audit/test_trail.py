"""The audit log is append-only and hash-chained; verify() finds any alteration."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select, text
from support.factories import make_docx, make_effective, upload
from support.tampering import bypass_append_only

from qms.audit import trail
from qms.models import AuditEntry


def test_every_step_of_the_cycle_is_recorded_in_order(session, files, secretary, reviewer, approver, document, today):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa")
    actions = [e.action for e in trail.document_history(session, document.id)]
    assert actions == ["create", "upload", "submit", "pass", "approve", "take_effect",
                       "upload", "submit", "pass", "approve", "supersede", "take_effect"]
    supersede = next(e for e in trail.document_history(session, document.id) if e.action == "supersede")
    assert supersede.revision_id == first.id and supersede.file_sha256 == first.file_sha256
    assert supersede.actor_name == "Nguyễn Văn Pheduyet" and supersede.actor_title == "Chủ tịch UBND xã"


def test_chain_links_each_entry_to_the_previous(session, files, secretary, document):
    upload(session, files, secretary, document)
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash
    report = trail.verify(session, files)
    assert report.ok and report.entries == len(entries) and report.files == 1
    assert report.head_hash == entries[-1].hash


def test_altered_entry_is_named(session, files, secretary, document):
    upload(session, files, secretary, document)
    target = session.scalar(select(AuditEntry).where(AuditEntry.action == "upload"))
    bypass_append_only(session)
    session.execute(
        text("UPDATE audit_entries SET details = :d WHERE seq = :s"),
        {"d": '{"change_summary":"khác"}', "s": target.seq},
    )
    session.commit()
    report = trail.verify(session, files)
    assert not report.ok
    assert report.first_bad == f"audit entry {target.seq} (upload) was altered"


def test_removed_last_entry_is_detected_by_the_head(session, files, secretary, document):
    upload(session, files, secretary, document)
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    bypass_append_only(session)
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": last.seq})
    session.commit()
    report = trail.verify(session, files)
    assert not report.ok and "entries were removed" in report.first_bad


def test_removed_middle_entry_is_detected(session, files, secretary, document):
    upload(session, files, secretary, document)
    bypass_append_only(session)
    session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    session.commit()
    report = trail.verify(session, files)
    assert report.first_bad == "audit entry 2 is missing (next is 3)"


def test_changed_stored_file_is_detected(session, files, secretary, document):
    revision = upload(session, files, secretary, document)
    path = files.root / revision.file_sha256[:2] / revision.file_sha256[2:4] / revision.file_sha256
    os.chmod(path, 0o644)
    with open(path, "r+b") as handle:
        handle.seek(100)
        handle.write(b"X")
    report = trail.verify(session, files)
    assert report.first_bad == f"file {revision.file_sha256} is missing or its content was changed"


def test_append_only_in_the_database(session, files, secretary, document):
    from sqlalchemy.exc import DatabaseError

    upload(session, files, secretary, document)
    with pytest.raises(DatabaseError):
        session.execute(text("UPDATE audit_entries SET action = 'x' WHERE seq = 1"))
    session.rollback()
