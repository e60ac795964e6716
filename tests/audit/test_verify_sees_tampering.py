"""What an attacker with write access to the database or the disk does, and how ``verify`` and serving see it:
revision rows changed behind the audit log, the chain truncated with its head rolled back, a file corrupted
on disk."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from support.factories import make_docx, make_effective, upload
from support.pages import signed_in
from support.tampering import bypass_append_only

from qms.audit import anchors, trail
from qms.documents import lifecycle
from qms.errors import Damaged
from qms.files import store
from qms.inspection import dossier, overview
from qms.models import AuditEntry, AuditHead


@pytest.fixture
def cycle(session, files, secretary, reviewer, approver, document, today):
    """Every step a revision goes through, on real revisions: superseded, effective, returned, a draft."""
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = make_effective(session, files, document, secretary, reviewer, approver, today,
                            make_docx("Lần hai"), "Sửa lần hai")
    returned = upload(session, files, secretary, document, make_docx("Bị trả"), "Bản bị trả")
    lifecycle.act(session, secretary, returned.id, "submit", today=today)
    lifecycle.act(session, reviewer, returned.id, "pass", today=today)
    lifecycle.act(session, approver, returned.id, "return", today=today, comment="Chưa đúng mẫu")
    draft = upload(session, files, secretary, document, make_docx("Bản nháp"), "Bản nháp")
    return {"superseded": first, "effective": second, "returned": returned, "draft": draft}


def test_an_untouched_history_verifies(session, files, cycle, approver, today):
    assert trail.verify(session, files).ok
    lifecycle.act(session, approver, cycle["effective"].id, "withdraw", today=today, comment="Không còn áp dụng")
    report = trail.verify(session, files)
    assert report.ok, report.problems


TAMPERING = {
    "another stored file": ("effective", "file_sha256 = (SELECT file_sha256 FROM revisions WHERE id = :draft)",
                            "stored file"),
    "approver renamed": ("effective", "approved_by_name = 'Trần Văn Giả'", "approver's name"),
    "approver's title": ("effective", "approved_by_title = 'Bí thư'", "approver's title"),
    "effective date moved": ("effective", "effective_from = :earlier", "effective date"),
    "draft made approved": ("draft", "status = 'approved'", "status"),
    "superseded made obsolete": ("superseded", "status = 'obsolete'", "status"),
    "approval claimed for a draft": ("draft", "approved_by_name = 'Nguyễn Văn Pheduyet'", "approver"),
    "reviewer swapped": ("returned", "reviewed_by_id = :drafter", "reviewer"),
    "return comment rewritten": ("returned", "return_comment = 'Đồng ý'", "return comment"),
    "upload time moved": ("effective", "created_at = :long_ago", "upload time"),
}


@pytest.mark.parametrize("tampering", TAMPERING, ids=list(TAMPERING))
def test_a_revision_row_changed_behind_the_audit_log_fails_verify(session, files, cycle, secretary, today,
                                                                  tampering):
    which, assignment, named = TAMPERING[tampering]
    target = cycle[which]
    session.execute(
        text(f"UPDATE revisions SET {assignment} WHERE id = :id"),  # noqa: S608 - the test's own constants
        {"id": target.id, "draft": cycle["draft"].id, "earlier": today - timedelta(days=30),
         "drafter": secretary.id, "long_ago": (target.created_at - timedelta(days=3)).replace(tzinfo=None)
         if session.get_bind().dialect.name == "sqlite" else target.created_at - timedelta(days=3)},
    )
    session.commit()
    report = trail.verify(session, files)
    assert not report.ok
    assert any(p.startswith(f"revision {target.id} ") and named in p for p in report.problems), report.problems
    # The inspectors' overview marks the agency's entries as not intact too.
    assert not overview.overview(session, _inspector(session), today=today).chain.ok


def _inspector(session):
    from support.factories import make_user

    return make_user(session, "kiemtra-tinh", "SO-KHCN", "inspector")


def _truncate_after_anchor(session, files, anchor_file, secretary, today) -> int:
    """The agency is anchored; then one more entry is written, removed, and the head rolled back to before it."""
    lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-02",
                              title="Thủ tục khác", kind="process")
    anchored = anchor_file.anchor_head(session, today, anchors.DAILY)
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    before = session.scalar(select(AuditEntry).where(AuditEntry.seq == last.seq - 1))
    bypass_append_only(session)
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": last.seq})
    session.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": before.seq, "h": before.hash})
    session.commit()
    assert (anchored.seq, anchored.hash) == (last.seq, last.hash)
    return last.seq


def test_entries_removed_with_the_head_rolled_back_are_found_by_the_last_anchor(
        app, session, files, secretary, reviewer, approver, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    anchor_file = anchors.anchor_file(app)
    removed = _truncate_after_anchor(session, files, anchor_file, secretary, today)
    assert trail.verify(session, files).ok  # the chain and its head agree: only the anchor knows
    report = trail.verify(session, files, anchor_file)
    assert not report.ok
    assert report.first_bad.startswith(f"audit log ends at entry {removed - 1} but entry {removed} was anchored on")


def test_flask_qms_anchor_writes_one_line_a_day_beside_the_backups_and_verify_checks_it(
        app, runner, session, files, secretary, document, today):
    upload(session, files, secretary, document)
    result = runner.invoke(args=["qms", "anchor"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["qms", "anchor"])
    assert again.exit_code == 0 and "Đã neo đầu chuỗi hôm nay" in again.output
    path = app.config["STORAGE_DIR"] + "/backups/audit-anchors.txt"
    head = session.get(AuditHead, 1)
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == f"{today.isoformat()} {head.seq} {head.hash} daily\n"
    assert runner.invoke(args=["qms", "verify"]).exit_code == 0

    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    before = session.scalar(select(AuditEntry).where(AuditEntry.seq == last.seq - 1))
    bypass_append_only(session)
    session.execute(text("DELETE FROM audit_entries WHERE seq = :s"), {"s": last.seq})
    session.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": before.seq, "h": before.hash})
    session.commit()
    result = runner.invoke(args=["qms", "verify"])
    assert result.exit_code == 1 and f"entry {last.seq} was anchored on {today.isoformat()}" in result.output


def test_the_first_request_of_the_day_anchors_the_head(app, client, session, secretary, document, today):
    client.get("/login")
    client.get("/login")
    head = session.get(AuditHead, 1)
    assert anchors.anchor_file(app).read() == [anchors.Anchor(today, head.seq, head.hash, "daily")]


def test_the_overview_records_the_head_it_saw_and_the_dossier_states_the_last_anchor(
        app, session, files, inspector, secretary, reviewer, approver, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    anchor_file = anchors.anchor_file(app)
    seen = overview.overview(session, inspector, today=today, anchor_file=anchor_file)
    assert anchor_file.read() == [anchors.Anchor(today, seen.chain.head_seq, seen.chain.head_hash,
                                                 "overview:doankiemtra")]
    out = io.BytesIO()
    dossier.build(session, files, inspector, "XA-LOCBINH", out, as_of=today, today=today, anchor_file=anchor_file)
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["audit"]["last_anchor"] == {"date": today.isoformat(), "seq": seen.chain.head_seq,
                                                "hash": seen.chain.head_hash, "source": "overview:doankiemtra"}
    assert manifest["audit"]["chain_verified"] is True


# --- serving a file that was corrupted on disk ------------------------------------------------------


def _corrupt(files, sha256: str) -> None:
    path = files.root / sha256[:2] / sha256[2:4] / sha256
    os.chmod(path, 0o644)
    with open(path, "r+b") as handle:
        handle.seek(os.path.getsize(path) // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_a_corrupted_small_file_is_refused_before_any_byte_is_sent(
        app, session, files, bearer, secretary, reviewer, approver, document, today, caplog):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    _corrupt(files, revision.file_sha256)
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="qms.files.store"):
        response = client.get(f"/api/v1/revisions/{revision.id}/file", headers=bearer(secretary))
    assert response.status_code == 500
    assert response.json["error"]["code"] == "file_damaged"
    assert "ETag" not in response.headers
    assert any("does not match its hash" in r.getMessage() and r.sha256 == revision.file_sha256
               for r in caplog.records)
    page = signed_in(app, secretary).get(f"/revisions/{revision.id}/download")
    assert page.status_code == 500 and revision.filename not in page.headers.get("Content-Disposition", "")


@pytest.fixture
def large_file(monkeypatch):
    """Files past this size are checked while they stream (a real 8 MB upload would only slow the test)."""
    monkeypatch.setattr(store, "CHECK_WHOLE_UP_TO", 4096)
    return make_docx(*(f"Đoạn {n}: " + "nội dung quy trình " * 20 for n in range(200)))


def test_a_corrupted_large_file_stream_ends_with_an_error_before_its_last_bytes(
        app, session, files, bearer, secretary, reviewer, approver, document, today, large_file, caplog):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today, large_file)
    assert revision.size > 4096 * 3
    client = app.test_client()
    intact = client.get(f"/api/v1/revisions/{revision.id}/file", headers=bearer(secretary))
    assert intact.status_code == 200 and hashlib.sha256(intact.data).hexdigest() == revision.file_sha256

    _corrupt(files, revision.file_sha256)
    response = client.get(f"/api/v1/revisions/{revision.id}/file", headers=bearer(secretary))
    received = bytearray()
    with caplog.at_level(logging.ERROR, logger="qms.files.store"), pytest.raises(Damaged):
        for chunk in response.response:
            received += chunk
    assert 0 < len(received) < revision.size  # the client never holds a complete body under the good ETag
    assert any("does not match its hash" in r.getMessage() for r in caplog.records)
