"""An old draft cannot put outdated content back in force: once another revision takes effect, the revisions based
on an older one are «lỗi thời» and move no further, on the page, in the workspace and through the API."""

from __future__ import annotations

import pytest
from support.factories import make_docx, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle, workflow
from qms.errors import Conflict, Forbidden, Invalid
from qms.models import AuditEntry, RevisionStatus


def _to(session, revision, status, secretary, reviewer, today):
    if status is not RevisionStatus.DRAFT:
        lifecycle.act(session, secretary, revision.id, "submit", today=today)
    if status is RevisionStatus.REVIEWED:
        lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")


def test_an_old_draft_turns_stale_when_a_corrected_one_takes_effect(
    app, session, files, document, secretary, reviewer, approver, today
):
    first = upload(session, files, secretary, document, make_docx("Dự thảo 1"), "Dự thảo 1")
    second = upload(session, files, secretary, document, make_docx("Dự thảo 2, đã sửa"), "Dự thảo 2")
    assert first.base_revision_id is None and not first.stale
    _to(session, second, RevisionStatus.REVIEWED, secretary, reviewer, today)
    lifecycle.act(session, approver, second.id, "approve", today=today, effective_from=today, comment="Đã xem")
    session.refresh(first)
    assert first.stale and first.stale_against.id == second.id
    assert workflow.offered(secretary, first) == ["discard"]
    with pytest.raises(Conflict) as refused:
        lifecycle.act(session, secretary, first.id, "submit", today=today)
    assert refused.value.code == "stale_revision"
    assert "lần ban hành 1" in refused.value.message
    assert first.status is RevisionStatus.DRAFT and second.is_current

    # The author is told on the document page and in the workspace; nobody is offered the submission.
    client = signed_in(app, secretary)
    text = text_of(client.get(f"/documents/{document.id}"))
    assert "Lỗi thời" in text and "Hãy tải lên phiên bản mới dựa trên bản đang hiệu lực" in text
    tasks = client.get("/tasks").get_data(as_text=True)
    assert "stale-notice" in tasks
    assert f'action="/tasks/revisions/{first.id}/actions"' in tasks  # the discard form only
    assert 'value="submit"' not in tasks

    # A revision uploaded now is based on the issue in force and moves on.
    third = upload(session, files, secretary, document, make_docx("Dự thảo 3"), "Dự thảo 3")
    assert third.base_revision_id == second.id and not third.stale
    assert workflow.offered(secretary, third) == ["submit", "discard"]


@pytest.mark.parametrize("status", [RevisionStatus.IN_REVIEW, RevisionStatus.REVIEWED], ids=lambda s: s.value)
def test_open_revisions_in_review_turn_stale_too(session, files, document, secretary, reviewer, approver, today,
                                                status):
    old = upload(session, files, secretary, document, make_docx("Cũ"), "Cũ")
    new = upload(session, files, secretary, document, make_docx("Mới"), "Mới")
    _to(session, old, status, secretary, reviewer, today)
    _to(session, new, RevisionStatus.REVIEWED, secretary, reviewer, today)
    if status is RevisionStatus.REVIEWED:
        # Two reviewed revisions approved one after the other: the first takes effect, the second is refused.
        lifecycle.act(session, approver, new.id, "approve", today=today, effective_from=today, comment="Đã xem")
        action, actor = "approve", approver
    else:
        lifecycle.act(session, approver, new.id, "approve", today=today, effective_from=today, comment="Đã xem")
        action, actor = "pass", reviewer
    session.refresh(old)
    assert old.stale and action not in workflow.offered(actor, old)
    with pytest.raises(Conflict) as refused:
        lifecycle.act(session, actor, old.id, action, today=today, effective_from=today)
    assert refused.value.code == "stale_revision"
    session.refresh(old)
    assert old.status is status and old.issue_number is None
    # Returning a stale revision is still possible: it is how a reviewer clears it away.
    lifecycle.act(session, actor, old.id, "return", today=today, comment="Đã lỗi thời")


def test_an_approval_for_a_later_date_turns_stale_when_another_takes_effect_first(
    session, files, document, secretary, reviewer, approver, today
):
    from datetime import timedelta

    first = upload(session, files, secretary, document, make_docx("Một"), "Một")
    _to(session, first, RevisionStatus.REVIEWED, secretary, reviewer, today)
    lifecycle.act(session, approver, first.id, "approve", today=today, effective_from=today + timedelta(days=5),
                  comment="Đã xem")
    # Nothing in force yet: a later upload has no base; the pending approval is not stale while nothing is in force.
    assert not first.stale
    assert lifecycle.take_effect_due(session, today + timedelta(days=5)) == [first]
    assert first.is_current


def test_the_api_carries_base_and_stale_and_answers_409(
    client, session, files, document, secretary, reviewer, approver, today, bearer
):
    first = upload(session, files, secretary, document, make_docx("A"), "A")
    second = upload(session, files, secretary, document, make_docx("B"), "B")
    _to(session, second, RevisionStatus.REVIEWED, secretary, reviewer, today)
    lifecycle.act(session, approver, second.id, "approve", today=today, effective_from=today, comment="Đã xem")
    body = client.get(f"/api/v1/revisions/{first.id}", headers=bearer(secretary)).get_json()
    assert body["stale"] is True and body["base_revision_id"] is None and body["actions"] == ["discard"]
    answer = client.post(f"/api/v1/revisions/{first.id}/actions", json={"action": "submit"}, headers=bearer(secretary))
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "stale_revision"
    third = upload(session, files, secretary, document, make_docx("C"), "C")
    body = client.get(f"/api/v1/revisions/{third.id}", headers=bearer(secretary)).get_json()
    assert body["stale"] is False and body["base_revision_id"] == second.id


def test_the_drafter_discards_their_draft_with_a_reason(
    app, client, session, files, document, secretary, reviewer, today, bearer, agency
):
    from support.factories import make_user

    draft = upload(session, files, secretary, document, make_docx("Nháp"), "Nháp")
    colleague = make_user(session, "thuky2", "XA-LOCBINH", "secretary")
    assert "discard" not in workflow.offered(colleague, draft)
    with pytest.raises(Forbidden):
        lifecycle.act(session, colleague, draft.id, "discard", today=today, comment="Không cần")
    with pytest.raises(Invalid) as refused:
        lifecycle.act(session, secretary, draft.id, "discard", today=today, comment="  ")
    assert refused.value.code == "reason_required"
    answer = client.post(f"/api/v1/revisions/{draft.id}/actions",
                         json={"action": "discard", "comment": "Trùng nội dung"}, headers=bearer(secretary))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["status"] == "discarded" and answer.get_json()["discard_reason"] == "Trùng nội dung"
    session.refresh(draft)
    assert draft.status is RevisionStatus.DISCARDED
    entry = session.query(AuditEntry).filter_by(action="discard", revision_id=draft.id).one()
    assert "Trùng nội dung" in entry.details
    text = text_of(signed_in(app, secretary).get(f"/documents/{document.id}"))
    assert "Bản dự thảo đã bị hủy" in text and "Trùng nội dung" in text
    # Out of the workspace, still in the document's history.
    assert f"task-{draft.id}" not in signed_in(app, secretary).get("/tasks").get_data(as_text=True)


def test_the_page_discards_a_draft(app, session, files, document, secretary, today):
    draft = upload(session, files, secretary, document, make_docx("Nháp trang"), "Nháp")
    client = signed_in(app, secretary)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert 'name="action" value="discard"' in page
    response = client.post(f"/revisions/{draft.id}/actions", data={"action": "discard", "comment": "Bỏ"})
    assert response.status_code == 302
    session.refresh(draft)
    assert draft.status is RevisionStatus.DISCARDED


def test_a_reviewer_may_not_approve_what_they_passed(
    client, session, files, document, secretary, today, bearer, agency
):
    from support.factories import make_user

    both = make_user(session, "kiemduyet", "XA-LOCBINH", "reviewer", "approver")
    draft = upload(session, files, secretary, document, make_docx("Hai vai"), "Hai vai")
    lifecycle.act(session, secretary, draft.id, "submit", today=today)
    lifecycle.act(session, both, draft.id, "pass", today=today, comment="Đã xem")
    assert workflow.offered(both, draft) == ["return"]
    answer = client.post(f"/api/v1/revisions/{draft.id}/actions",
                         json={"action": "approve", "effective_from": today.isoformat(), "comment": "Đã xem"},
                         headers=bearer(both))
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "separation_of_duties"


def test_an_upload_identical_to_an_open_or_current_revision_is_refused(
    client, session, files, document, secretary, reviewer, approver, today, bearer
):
    content = make_docx("Nội dung ban hành")
    current = upload(session, files, secretary, document, content)
    _to(session, current, RevisionStatus.REVIEWED, secretary, reviewer, today)
    with pytest.raises(Conflict) as refused:
        upload(session, files, secretary, document, content, "Lại")
    assert refused.value.code == "duplicate_file" and "phiên bản 1" in refused.value.message
    lifecycle.act(session, approver, current.id, "approve", today=today, effective_from=today, comment="Đã xem")
    import io

    answer = client.post(
        f"/api/v1/documents/{document.id}/revisions",
        data={"file": (io.BytesIO(content), "lai.docx"), "change_summary": "Lại"},
        headers=bearer(secretary),
    )
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "duplicate_file" and "đang có hiệu lực" in error["message"]
