"""The lifecycle rules of document control (ISO 9001 clause 7.5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.factories import make_docx, make_effective, make_user, upload

from qms.documents import lifecycle as documents
from qms.documents import reading
from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.models import AuditEntry, Revision, RevisionStatus


def test_upload_creates_a_draft_with_the_next_number(session, files, secretary, document):
    first = upload(session, files, secretary, document)
    second = upload(session, files, secretary, document, make_docx("Lần 2"), "Sửa bước 3")
    assert (first.number, second.number) == (1, 2)
    assert first.status is RevisionStatus.DRAFT
    assert files.verify(first.file_sha256)


def test_full_cycle_makes_one_effective_and_supersedes_the_previous(
    session, files, secretary, reviewer, approver, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    assert first.status is RevisionStatus.EFFECTIVE and first.issue_number == 1
    second = make_effective(
        session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Cập nhật căn cứ pháp lý"
    )
    session.refresh(first)
    assert second.status is RevisionStatus.EFFECTIVE and second.issue_number == 2
    assert first.status is RevisionStatus.SUPERSEDED and first.superseded_by_id == second.id
    effective = session.scalar(
        select(func.count()).where(Revision.document_id == document.id, Revision.status == RevisionStatus.EFFECTIVE)
    )
    assert effective == 1


def test_future_effective_date_takes_effect_on_that_day_only(
    session, files, secretary, reviewer, approver, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = upload(session, files, secretary, document, make_docx("v2"), "Sửa đổi")
    documents.act(session, secretary, second.id, "submit", today=today)
    documents.act(session, reviewer, second.id, "pass", today=today, comment="Đã xem")
    in_three_days = today + timedelta(days=3)
    documents.act(session, approver, second.id, "approve", today=today, effective_from=in_three_days, comment="Đã xem")
    assert second.status is RevisionStatus.APPROVED
    assert documents.take_effect_due(session, today + timedelta(days=2)) == []
    session.refresh(first)
    assert first.status is RevisionStatus.EFFECTIVE  # not superseded before the day
    assert [r.id for r in documents.take_effect_due(session, in_three_days)] == [second.id]
    session.refresh(first)
    assert (first.status, second.status) == (RevisionStatus.SUPERSEDED, RevisionStatus.EFFECTIVE)
    system_entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "take_effect", AuditEntry.revision_id == second.id)
    )
    assert system_entry.actor_id is None


def test_drafter_cannot_approve_own_revision(session, files, agency, document, today):

    both = make_user(session, "kiemvaduyet", "XA-LOCBINH", "secretary", "approver")
    reviewer = make_user(session, "kt2", "XA-LOCBINH", "reviewer")
    revision = upload(session, files, both, document)
    documents.act(session, both, revision.id, "submit", today=today)
    documents.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    with pytest.raises(Forbidden) as error:
        documents.act(session, both, revision.id, "approve", today=today, effective_from=today, comment="Đã xem")
    assert error.value.code == "self_approval"
    session.refresh(revision)
    assert revision.status is RevisionStatus.REVIEWED


@pytest.mark.parametrize("action", ["pass", "approve"])
def test_actions_in_the_wrong_state_conflict_and_change_nothing(
    session, files, secretary, reviewer, approver, document, today, action
):
    revision = upload(session, files, secretary, document)
    actor = reviewer if action == "pass" else approver
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(Conflict):
        documents.act(session, actor, revision.id, action, today=today, effective_from=today)
    session.refresh(revision)
    assert revision.status is RevisionStatus.DRAFT
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_return_needs_a_comment_and_keeps_it(session, files, secretary, reviewer, document, today):
    revision = upload(session, files, secretary, document)
    documents.act(session, secretary, revision.id, "submit", today=today)
    with pytest.raises(Invalid):
        documents.act(session, reviewer, revision.id, "return", today=today, comment="  ")
    documents.act(session, reviewer, revision.id, "return", today=today, comment="Thiếu thời gian bước 2")
    assert revision.status is RevisionStatus.RETURNED
    assert revision.return_comment == "Thiếu thời gian bước 2"
    with pytest.raises(Conflict):
        documents.act(session, secretary, revision.id, "submit", today=today)


def test_reviewer_cannot_approve_and_approver_returns_after_review(
    session, files, secretary, reviewer, approver, document, today
):
    revision = upload(session, files, secretary, document)
    documents.act(session, secretary, revision.id, "submit", today=today)
    documents.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    with pytest.raises(Forbidden):
        documents.act(session, reviewer, revision.id, "approve", today=today, effective_from=today, comment="Đã xem")
    with pytest.raises(Forbidden):
        documents.act(session, reviewer, revision.id, "return", today=today, comment="x")
    documents.act(session, approver, revision.id, "return", today=today, comment="Chưa đúng mẫu")
    assert revision.status is RevisionStatus.RETURNED


def test_effective_date_in_the_past_is_refused(session, files, secretary, reviewer, approver, document, today):
    revision = upload(session, files, secretary, document)
    documents.act(session, secretary, revision.id, "submit", today=today)
    documents.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    with pytest.raises(Invalid):
        documents.act(
            session, approver, revision.id, "approve", today=today, effective_from=today - timedelta(days=1),
            comment="Đã xem",
        )


def test_approval_keeps_name_and_title_as_signed(session, files, secretary, reviewer, approver, document, today):
    from qms.accounts import users

    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    users.update(
        session, None, approver.id, full_name="Người Khác", title="Nguyên Chủ tịch", roles=["approver"], is_active=False
    )
    session.expire_all()
    revision = session.get(Revision, revision.id)
    assert (revision.approved_by_name, revision.approved_by_title) == ("Nguyễn Văn Pheduyet", "Chủ tịch UBND xã")


def test_withdraw_makes_the_document_obsolete_and_keeps_every_revision(
    session, files, secretary, reviewer, approver, document, today
):
    current = make_effective(session, files, document, secretary, reviewer, approver, today)
    draft = upload(session, files, secretary, document, make_docx("v2"), "Dự thảo")
    with pytest.raises(Invalid):
        documents.act(session, approver, current.id, "withdraw", today=today)
    documents.act(session, approver, current.id, "withdraw", today=today, comment="TTHC bị bãi bỏ")
    session.refresh(document)
    assert document.status.value == "obsolete" and document.withdraw_reason == "TTHC bị bãi bỏ"
    assert {r.id: r.status for r in document.revisions} == {
        current.id: RevisionStatus.OBSOLETE, draft.id: RevisionStatus.OBSOLETE
    }
    assert document.current_revision is None
    with pytest.raises(Conflict):
        upload(session, files, secretary, document, make_docx("v3"), "Sau thu hồi")


def test_second_pending_approval_conflicts(session, files, secretary, reviewer, approver, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    pending = []
    for n in range(2):
        revision = upload(session, files, secretary, document, make_docx(f"v{n}"), f"Sửa {n}")
        documents.act(session, secretary, revision.id, "submit", today=today)
        documents.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
        pending.append(revision)
    documents.act(
        session, approver, pending[0].id, "approve", today=today, effective_from=today + timedelta(days=5),
        comment="Đã xem",
    )
    with pytest.raises(Conflict):
        documents.act(
            session, approver, pending[1].id, "approve", today=today, effective_from=today + timedelta(days=6),
            comment="Đã xem",
        )


def test_other_organisations_see_nothing_and_inspectors_change_nothing(
    session, files, secretary, reviewer, approver, inspector, outsider, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    with pytest.raises(NotFound):
        reading.get_document(session, outsider, document.id)
    with pytest.raises(NotFound):
        documents.act(session, outsider, revision.id, "withdraw", today=today, comment="x")
    assert reading.get_document(session, inspector, document.id).id == document.id
    with pytest.raises(Forbidden):
        documents.act(session, inspector, revision.id, "withdraw", today=today, comment="x")
    with pytest.raises(Forbidden):
        upload(session, files, inspector, document)


def test_staff_see_only_the_current_revision(session, files, secretary, reviewer, approver, staff, document, today):
    with pytest.raises(NotFound):
        reading.get_document(session, staff, document.id)  # nothing in force yet
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa")
    draft = upload(session, files, secretary, document, make_docx("v3"), "Dự thảo 3")
    seen = reading.get_document(session, staff, document.id)
    assert [r.id for r in reading.visible_revisions(staff, seen)] == [second.id]
    for hidden in (first, draft):
        with pytest.raises(NotFound):
            reading.get_revision(session, staff, hidden.id)
    assert [r.id for r in reading.visible_revisions(secretary, seen)] == [first.id, second.id, draft.id]


def test_download_of_a_non_current_revision_is_audited(
    session, files, secretary, reviewer, approver, inspector, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa")
    download = reading.open_file(session, files, inspector, first.id)
    assert download.stream.read()[:2] == b"PK"
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (entry.action, entry.actor_id, entry.revision_id) == ("download", inspector.id, first.id)


def test_upload_refuses_files_that_are_not_what_they_say(session, files, secretary, document):
    for content, name in [
        (b"", "a.docx"), (b"%PDF-1.4 fake", "a.docx"), (b"hello", "a.txt"), (b"PK\x03\x04broken", "a.docx")
    ]:
        with pytest.raises(Invalid):
            upload(session, files, secretary, document, content, filename=name)
    assert session.scalar(select(func.count()).select_from(Revision)) == 0


def test_same_file_uploaded_twice_is_stored_once(session, files, secretary, document):
    # Into two documents: into the same one, the second upload is refused as a duplicate of the open draft.
    other = documents.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-HT-05", title="Khác", kind="process"
    )
    content = make_docx("Giống nhau")
    a = upload(session, files, secretary, document, content)
    b = upload(session, files, secretary, other, content, "Tải lại")
    assert a.file_sha256 == b.file_sha256
    assert len(list(files.iter_hashes())) == 1


def test_nothing_can_be_deleted_from_the_audit_log(session, files, secretary, document):
    from sqlalchemy import delete
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError):
        session.execute(delete(AuditEntry))
    session.rollback()
