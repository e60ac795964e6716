"""The document lifecycle driven through the JSON API, as a client program would."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from support.factories import make_docx, make_user


def create(client, headers, code="QT-HT-04", **extra):
    body = {"organization": "XA-LOCBINH", "code": code, "title": "Cấp bản sao trích lục hộ tịch", "kind": "process"}
    return client.post("/api/v1/documents", json={**body, **extra}, headers=headers)


def upload(client, headers, document_id, content=None, summary="Ban hành lần đầu", filename="quy-trinh.docx"):
    data = {"file": (io.BytesIO(content or make_docx(summary)), filename), "change_summary": summary}
    return client.post(f"/api/v1/documents/{document_id}/revisions", data=data, headers=headers)


def act(client, headers, revision_id, action, **extra):
    return client.post(f"/api/v1/revisions/{revision_id}/actions", json={"action": action, **extra}, headers=headers)


def test_the_whole_lifecycle_makes_one_revision_current_and_supersedes_the_previous(
    client, bearer, secretary, reviewer, approver, today
):
    as_secretary, as_reviewer, as_approver = bearer(secretary), bearer(reviewer), bearer(approver)

    created = create(client, as_secretary, procedure_code="2.000635")
    assert created.status_code == 201, created.get_json()
    document = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/documents/{document['id']}")
    assert document["organization"] == {"code": "XA-LOCBINH", "name": "UBND xã Lộc Bình"}
    assert (document["code"], document["kind"], document["procedure_code"]) == ("QT-HT-04", "process", "2.000635")
    assert (document["status"], document["current_revision"], document["revisions"]) == ("active", None, [])
    assert datetime.fromisoformat(document["created_at"]).utcoffset() == timedelta(0)

    revision_ids = []
    for number, summary in enumerate(["Ban hành lần đầu", "Cập nhật căn cứ pháp lý 118/2025/NĐ-CP"], start=1):
        uploaded = upload(client, as_secretary, document["id"], make_docx(summary), summary)
        assert uploaded.status_code == 201, uploaded.get_json()
        draft = uploaded.get_json()
        assert (draft["number"], draft["status"], draft["issue_number"]) == (number, "draft", None)
        assert draft["drafted_by"] == {"name": secretary.full_name, "title": secretary.title}
        assert draft["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert len(draft["sha256"]) == 64 and draft["change_summary"] == summary

        assert act(client, as_secretary, draft["id"], "submit").get_json()["status"] == "in_review"
        passed = act(client, as_reviewer, draft["id"], "pass", comment="Đã xem").get_json()
        assert passed["status"] == "reviewed"
        assert passed["reviewed_by"] == {"name": reviewer.full_name, "title": reviewer.title}
        approved = act(client, as_approver, draft["id"], "approve", effective_from=today.isoformat(), comment="Đã xem")
        assert approved.status_code == 200, approved.get_json()
        current = approved.get_json()
        assert (current["status"], current["issue_number"], current["effective_from"]) == (
            "effective",
            number,
            today.isoformat(),
        )
        assert current["approved_by"] == {"name": approver.full_name, "title": approver.title}
        assert datetime.fromisoformat(current["took_effect_at"]).tzinfo is not None
        revision_ids.append(current["id"])

    first, second = revision_ids
    previous = client.get(f"/api/v1/revisions/{first}", headers=as_secretary).get_json()
    assert previous["status"] == "superseded" and previous["superseded_at"] is not None
    shown = client.get(f"/api/v1/documents/{document['id']}", headers=as_secretary).get_json()
    assert shown["current_revision"]["id"] == second
    assert [(r["id"], r["status"]) for r in shown["revisions"]] == [(first, "superseded"), (second, "effective")]


def test_approval_with_a_future_date_waits(client, bearer, secretary, reviewer, approver, today):
    document = create(client, bearer(secretary)).get_json()
    draft = upload(client, bearer(secretary), document["id"]).get_json()
    act(client, bearer(secretary), draft["id"], "submit")
    act(client, bearer(reviewer), draft["id"], "pass", comment="Đã xem")
    later = today + timedelta(days=10)
    approved = act(
        client, bearer(approver), draft["id"], "approve", effective_from=later.isoformat(), comment="Đã xem"
    ).get_json()
    assert (approved["status"], approved["effective_from"], approved["took_effect_at"]) == (
        "approved",
        later.isoformat(),
        None,
    )
    assert (
        client.get(f"/api/v1/documents/{document['id']}", headers=bearer(secretary)).get_json()["current_revision"]
        is None
    )


def test_the_drafter_cannot_approve_their_own_revision(client, session, bearer, agency, reviewer, today):
    both = make_user(session, "thukyvaduyet", "XA-LOCBINH", "secretary", "approver")
    as_both = bearer(both)
    document = create(client, as_both).get_json()
    draft = upload(client, as_both, document["id"]).get_json()
    act(client, as_both, draft["id"], "submit")
    act(client, bearer(reviewer), draft["id"], "pass", comment="Đã xem")

    refused = act(client, as_both, draft["id"], "approve", effective_from=today.isoformat(), comment="Đã xem")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "self_approval"
    assert client.get(f"/api/v1/revisions/{draft['id']}", headers=as_both).get_json()["status"] == "reviewed"


def test_inspectors_read_everything_but_write_nothing(client, bearer, secretary, inspector, today):
    document = create(client, bearer(secretary)).get_json()
    draft = upload(client, bearer(secretary), document["id"]).get_json()
    as_inspector = bearer(inspector)

    assert client.get(f"/api/v1/documents/{document['id']}", headers=as_inspector).status_code == 200
    for response in (
        create(client, as_inspector, code="QT-HT-99"),
        upload(client, as_inspector, document["id"], summary="Kiểm tra"),
        act(client, as_inspector, draft["id"], "withdraw", comment="Không còn áp dụng"),
    ):
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["error"]["code"] == "role_required"
    assert len(client.get(f"/api/v1/documents/{document['id']}", headers=as_inspector).get_json()["revisions"]) == 1


def test_an_action_in_the_wrong_state_conflicts(client, bearer, secretary, reviewer):
    document = create(client, bearer(secretary)).get_json()
    draft = upload(client, bearer(secretary), document["id"]).get_json()

    refused = act(client, bearer(reviewer), draft["id"], "pass", comment="Đã xem")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "wrong_state" and "Dự thảo" in error["message"]
    assert create(client, bearer(secretary)).status_code == 409  # same code twice in one organisation


def test_rule_violations_are_422_with_the_services_code(client, bearer, secretary, reviewer, approver, today):
    document = create(client, bearer(secretary)).get_json()
    draft = upload(client, bearer(secretary), document["id"]).get_json()
    act(client, bearer(secretary), draft["id"], "submit")
    act(client, bearer(reviewer), draft["id"], "pass", comment="Đã xem")

    for extra, code in [
        ({}, "effective_from_required"),
        ({"effective_from": (today - timedelta(days=1)).isoformat()}, "effective_from_past"),
    ]:
        refused = act(client, bearer(approver), draft["id"], "approve", **extra, comment="Đã xem")
        assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, code)
    assert (
        create(client, bearer(secretary), code="QT-HT-05", procedure_code="not-a-code").get_json()["error"]["code"]
        == "invalid_procedure_code"
    )


def test_return_keeps_the_comment_and_withdraw_makes_the_document_obsolete(
    client, bearer, secretary, reviewer, approver
):
    document = create(client, bearer(secretary)).get_json()
    draft = upload(client, bearer(secretary), document["id"]).get_json()
    act(client, bearer(secretary), draft["id"], "submit")

    returned = act(client, bearer(reviewer), draft["id"], "return", comment="Thiếu thời gian bước 2").get_json()
    assert (returned["status"], returned["return_comment"]) == ("returned", "Thiếu thời gian bước 2")
    assert returned["returned_at"] is not None

    withdrawn = act(client, bearer(approver), draft["id"], "withdraw", comment="TTHC bị bãi bỏ")
    assert withdrawn.status_code == 200
    shown = client.get(f"/api/v1/documents/{document['id']}", headers=bearer(secretary)).get_json()
    assert (shown["status"], shown["withdraw_reason"]) == ("obsolete", "TTHC bị bãi bỏ")
    assert shown["withdrawn_by"] == {"name": approver.full_name, "title": approver.title}
    assert upload(client, bearer(secretary), document["id"], summary="Sau thu hồi").status_code == 409
