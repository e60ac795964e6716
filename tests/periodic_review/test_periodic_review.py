"""Periodic review through the pages and the API: intervals by kind and organisation, the date counted from the later
of the effective date and the last review, the approver's outcome, and the revision task it may open."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support.communes import days_ago
from support.factories import make_docx, make_effective, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.models import AuditEntry, Document
from qms.periodic_review import outcomes, schedule
from qms.periodic_review.schedule import add_months


def _document(session, secretary, code: str, kind: str) -> Document:
    return lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=code,
                                     title=f"Tài liệu {code}", kind=kind)


def test_intervals_by_kind_in_the_api(client, bearer, session, files, secretary, reviewer, approver, document, today):
    policy = _document(session, secretary, "CSCL", "policy")
    manual = _document(session, secretary, "STCL", "manual")
    make_effective(session, files, document, secretary, reviewer, approver, today)
    found = {body["code"]: body for body in client.get("/api/v1/documents", headers=bearer(secretary)).get_json()}
    assert found[document.code]["review_interval_months"] == 12
    assert found[document.code]["next_review_on"] == add_months(today, 12).isoformat()
    assert found[policy.code]["review_interval_months"] == 24 and found[manual.code]["review_interval_months"] == 24
    assert found[policy.code]["next_review_on"] is None  # nothing in force, nothing to review


def test_an_organisation_sets_its_own_interval(client, bearer, session, files, app, secretary, reviewer, approver,
                                               staff, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    url = "/api/v1/organizations/XA-LOCBINH/review-intervals"
    assert client.put(url, json={"kind": "process", "months": 6}, headers=bearer(staff)).status_code == 403
    refused = client.put(url, json={"kind": "process", "months": 0}, headers=bearer(approver))
    assert refused.status_code == 422
    answer = client.put(url, json={"kind": "process", "months": 6}, headers=bearer(approver))
    assert answer.status_code == 200
    assert {"kind": "process", "months": 6, "own": True} in answer.get_json()
    assert {"kind": "policy", "months": 24, "own": False} in answer.get_json()
    body = client.get(f"/api/v1/documents/{document.id}", headers=bearer(staff)).get_json()
    assert (body["review_interval_months"], body["next_review_on"]) == (6, add_months(today, 6).isoformat())
    # A new document of the kind takes the organisation's interval too.
    later = _document(session, secretary, "QT-HT-05", "process")
    assert client.get(f"/api/v1/documents/{later.id}", headers=bearer(secretary)).get_json()[
        "review_interval_months"] == 6
    # The page: the secretary puts it back to the default by leaving the months blank.
    page = signed_in(app, secretary)
    assert "Đơn vị tự đặt" in text_of(page.get("/review-intervals"))
    response = page.post("/review-intervals?organization=XA-LOCBINH", data={"kind": "process", "months": ""})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Document, document.id).review_interval_months == 12
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "review_interval")
                              .order_by(AuditEntry.seq)).all()
    assert [json.loads(entry.details)["after"] for entry in entries] == [6, None]


def test_next_review_counts_from_the_later_of_effect_and_last_review(
    client, bearer, session, files, secretary, reviewer, approver, staff, document, today
):
    with days_ago(400) as then:
        make_effective(session, files, document, secretary, reviewer, approver, then)
    body = client.get(f"/api/v1/documents/{document.id}", headers=bearer(secretary)).get_json()
    assert body["next_review_on"] == add_months(then, 12).isoformat()
    (overdue,) = schedule.reviews_overdue(session, on=today)
    assert overdue.document.id == document.id and overdue.days_overdue == (today - add_months(then, 12)).days
    assert {user.username for user in overdue.notify} == {"thuky", "pheduyet"}
    # Reviewed 100 days ago (the service, as the endpoint calls it, on that day): the review is later than the
    # effective date, so the clock counts from it.
    with days_ago(100) as reviewed:
        outcomes.record(session, approver, document.id, outcome="no_change",
                        reason="Quy trình vẫn đúng quy định hiện hành.", today=reviewed)
    (listed,) = client.get(f"/api/v1/documents/{document.id}/periodic-reviews", headers=bearer(staff)).get_json()
    assert listed["reviewed_on"] == reviewed.isoformat() and listed["outcome"] == "no_change"
    body = client.get(f"/api/v1/documents/{document.id}", headers=bearer(secretary)).get_json()
    assert body["next_review_on"] == add_months(reviewed, 12).isoformat()
    assert schedule.reviews_overdue(session, on=today) == []
    # A new issue taking effect after the review: the clock counts from its effective date.
    with days_ago(10) as newer:
        make_effective(session, files, document, secretary, reviewer, approver, newer,
                       make_docx("Lần ban hành 2"), "Sửa đổi bước 2")
    body = client.get(f"/api/v1/documents/{document.id}", headers=bearer(secretary)).get_json()
    assert body["next_review_on"] == add_months(newer, 12).isoformat()


def test_reviews_due_within_days_for_the_notices(session, files, secretary, reviewer, approver, document, today):
    with days_ago(350) as then:
        make_effective(session, files, document, secretary, reviewer, approver, then)
    due_on = add_months(then, 12)
    assert schedule.reviews_due(session, within_days=0, on=today) == []
    (soon,) = schedule.reviews_due(session, within_days=30, on=today)
    assert soon.due_on == due_on and not soon.overdue and soon.days_left == (due_on - today).days
    assert {user.username for user in soon.notify} == {"thuky", "pheduyet"}
    assert [item.document.id for item in schedule.reviews_due(session, within_days=0, on=due_on)] == [document.id]
    assert schedule.reviews_overdue(session, on=due_on) == []
    assert [item.document.id for item in schedule.reviews_overdue(session, on=due_on + timedelta(days=1))] == \
        [document.id]


def test_no_change_through_the_page_restarts_the_clock_with_the_reason_audited(
    app, session, files, secretary, reviewer, approver, document, today
):
    with days_ago(400) as then:
        make_effective(session, files, document, secretary, reviewer, approver, then)
    page = signed_in(app, approver)
    shown = text_of(page.get(f"/documents/{document.id}"))
    assert "Quá hạn" in shown and "Ghi kết quả xem xét" in shown
    board = text_of(page.get("/dashboard"))
    assert "Tài liệu quá hạn xem xét định kỳ (1)" in board
    assert "Xem xét định kỳ đến hạn (1)" in text_of(page.get("/tasks"))
    blank = page.post(f"/documents/{document.id}/periodic-review", data={"outcome": "no_change", "reason": "  "})
    assert blank.status_code == 422 and "Cần ghi lý do" in text_of(blank)
    done = page.post(f"/documents/{document.id}/periodic-review",
                     data={"outcome": "no_change", "reason": "Đã đối chiếu Nghị định 118/2025/NĐ-CP: vẫn phù hợp."},
                     follow_redirects=True)
    assert done.status_code == 200
    shown = text_of(done)
    assert "còn phù hợp" in shown and add_months(today, 12).strftime("%d/%m/%Y") in shown
    assert "Quá hạn" not in shown
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "periodic_review"))
    assert entry.actor_username == "pheduyet" and "vẫn phù hợp" in entry.details
    assert "Tài liệu quá hạn xem xét định kỳ (0)" in text_of(page.get("/dashboard"))
    assert "Xem xét định kỳ đến hạn (0)" in text_of(page.get("/tasks"))
    history = text_of(page.get(f"/documents/{document.id}/history"))
    assert "Xem xét định kỳ" in history and "Còn phù hợp, không cần sửa đổi" in history


def test_only_the_approver_records_a_review(client, bearer, app, session, files, secretary, reviewer, approver, staff,
                                           inspector, outsider, document, today):
    url = f"/api/v1/documents/{document.id}/periodic-review"
    body = {"outcome": "no_change", "reason": "Còn phù hợp"}
    nothing = client.post(url, json=body, headers=bearer(approver))
    assert nothing.status_code == 409 and nothing.get_json()["error"]["code"] == "nothing_in_force"
    make_effective(session, files, document, secretary, reviewer, approver, today)
    for user in (secretary, reviewer, staff, inspector):
        assert client.post(url, json=body, headers=bearer(user)).status_code == 403, user.username
    assert client.post(url, json=body, headers=bearer(outsider)).status_code == 404
    assert client.post(url, json={"outcome": "maybe", "reason": "x"}, headers=bearer(approver)).status_code == 422
    assert client.post(url, json={"outcome": "revise"}, headers=bearer(approver)).status_code == 422
    # The page offers the form to the approver only, and refuses the others.
    assert "Ghi kết quả xem xét" not in text_of(signed_in(app, secretary).get(f"/documents/{document.id}"))
    refused = signed_in(app, secretary).post(f"/documents/{document.id}/periodic-review",
                                             data={"outcome": "no_change", "reason": "x"})
    assert refused.status_code == 403
    assert client.post(url, json=body, headers=bearer(approver)).status_code == 201
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "periodic_review")) is not None


def test_revise_opens_a_task_that_a_new_revision_in_force_closes(
    client, bearer, app, runner, session, files, secretary, reviewer, approver, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    url = f"/api/v1/documents/{document.id}/periodic-review"
    reason = "Nghị định 61/2018/NĐ-CP đã được thay thế: cập nhật căn cứ pháp lý."
    answer = client.post(url, json={"outcome": "revise", "reason": reason}, headers=bearer(approver))
    assert answer.status_code == 201 and answer.get_json()["open"] is True
    again = client.post(url, json={"outcome": "revise", "reason": "Lần nữa"}, headers=bearer(approver))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "revision_pending"
    tasks = signed_in(app, secretary)
    shown = text_of(tasks.get("/tasks"))
    assert "Tài liệu cần sửa đổi sau xem xét định kỳ (1)" in shown and reason in shown
    # A new revision approved for a later day: the task stays open until it takes effect.
    tomorrow = today + timedelta(days=1)
    second = upload(session, files, secretary, document, make_docx("Lần 2"), "Cập nhật căn cứ pháp lý")
    lifecycle.act(session, secretary, second.id, "submit", today=today)
    lifecycle.act(session, reviewer, second.id, "pass", today=today, comment="Đạt")
    lifecycle.act(session, approver, second.id, "approve", today=today, effective_from=tomorrow, comment="Đạt")
    assert "Tài liệu cần sửa đổi sau xem xét định kỳ (1)" in text_of(tasks.get("/tasks"))
    lifecycle.take_effect_due(session, tomorrow)
    assert "Tài liệu cần sửa đổi sau xem xét định kỳ (0)" in text_of(tasks.get("/tasks"))
    (review,) = client.get(f"/api/v1/documents/{document.id}/periodic-reviews", headers=bearer(secretary)).get_json()
    assert review["open"] is False and review["closed_by_revision_id"] == second.id
    body = client.get(f"/api/v1/documents/{document.id}", headers=bearer(secretary)).get_json()
    assert body["next_review_on"] == add_months(tomorrow, 12).isoformat()
    verified = runner.invoke(args=["qms", "verify"])  # the review's entry sits in the chain with the revision's
    assert verified.exit_code == 0, verified.output


@pytest.mark.parametrize("kind, months", [("process", 12), ("policy", 24), ("manual", 24), ("form", 12)])
def test_default_interval_by_kind(session, secretary, kind, months):
    assert _document(session, secretary, "TL-01", kind).review_interval_months == months


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1, 6, 15), date(2, 1, 15)])
def test_no_start_is_due_before_a_day_near_the_calendars_first(day):
    """A start before ``first_start_due_by`` is due before the day; near year 1 there is none."""
    assert schedule.first_start_due_by(day, 13) == date.min
    assert add_months(date.min, 13) >= day


def test_the_first_start_due_by_a_day_is_the_boundary_of_add_months():
    day = date(2025, 3, 31)
    start = schedule.first_start_due_by(day, 12)
    assert add_months(start, 12) >= day > add_months(start - timedelta(days=1), 12)
