"""The audit log through the API: a document's history and the integrity check."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from support.factories import make_docx, make_effective, upload

from qms.documents import lifecycle


def test_history_lists_every_action_oldest_first(
    client, bearer, session, files, secretary, reviewer, approver, inspector, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = upload(session, files, secretary, document, make_docx("v2"), "Sửa bước 3")
    lifecycle.act(session, secretary, second.id, "submit", today=today)
    lifecycle.act(session, reviewer, second.id, "return", today=today, comment="Thiếu biểu mẫu")

    response = client.get(f"/api/v1/documents/{document.id}/history", headers=bearer(inspector))
    assert response.status_code == 200
    entries = response.get_json()
    assert [e["action"] for e in entries] == [
        "create",
        "upload",
        "submit",
        "pass",
        "approve",
        "take_effect",
        "upload",
        "submit",
        "return",
    ]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert all(datetime.fromisoformat(e["occurred_at"]).tzinfo is not None for e in entries)

    approve = entries[4]
    assert approve["actor"] == {"username": "pheduyet", "name": approver.full_name, "title": approver.title}
    assert approve["revision_id"] == first.id and approve["file_sha256"] == first.file_sha256
    # The conformity findings at approval are recorded with it: a one-paragraph file lists nothing a process needs.
    # The approver's reason for approving despite error-level findings is recorded with them (make_effective's).
    assert approve["details"] == {"issue_number": 1, "effective_from": today.isoformat(), "findings": [
        "dossier_missing", "steps_missing", "forms_missing", "records_missing"], "reason": "Đã xem"}
    assert entries[-1]["details"] == {"comment": "Thiếu biểu mẫu"}
    assert entries[0]["details"]["code"] == "QT-HT-04" and entries[0]["revision_id"] is None
    assert all(len(e["hash"]) == 64 and len(e["prev_hash"]) == 64 for e in entries)


def test_the_history_shows_what_the_system_did_by_itself(
    client, bearer, session, files, secretary, reviewer, approver, document, today
):
    revision = upload(session, files, secretary, document)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    lifecycle.act(session, reviewer, revision.id, "pass", today=today, comment="Đã xem")
    lifecycle.act(
        session, approver, revision.id, "approve", today=today, effective_from=today + timedelta(days=2),
            comment="Đã xem"
    )
    lifecycle.take_effect_due(session, today + timedelta(days=2))

    entries = client.get(f"/api/v1/documents/{document.id}/history", headers=bearer(secretary)).get_json()
    assert (entries[-1]["action"], entries[-1]["actor"]) == ("take_effect", None)


def test_staff_and_other_organisations_do_not_see_the_history(
    client, bearer, session, files, secretary, reviewer, approver, staff, outsider, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    assert client.get(f"/api/v1/documents/{document.id}", headers=bearer(staff)).status_code == 200
    for user in (staff, outsider):
        response = client.get(f"/api/v1/documents/{document.id}/history", headers=bearer(user))
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_verify_reports_an_intact_log_to_inspectors_and_admins(
    client, bearer, session, files, secretary, reviewer, approver, inspector, admin, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    for user in (inspector, admin):
        response = client.get("/api/v1/audit/verify", headers=bearer(user))
        assert response.status_code == 200
        report = response.get_json()
        assert report["ok"] is True and "first_bad" not in report
        assert report["files"] == 1 and report["entries"] >= 7 and len(report["head_hash"]) == 64


@pytest.mark.parametrize("role", ["secretary", "approver", "staff"])
def test_verify_is_forbidden_to_everyone_else(client, bearer, request, role):
    response = client.get("/api/v1/audit/verify", headers=bearer(request.getfixturevalue(role)))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "role_required"


def test_verify_finds_a_file_changed_on_disk(client, bearer, session, files, secretary, inspector, document):
    revision = upload(session, files, secretary, document)
    path = files.root / revision.file_sha256[:2] / revision.file_sha256[2:4] / revision.file_sha256
    os.chmod(path, 0o644)
    path.write_bytes(b"PK\x03\x04 replaced")

    report = client.get("/api/v1/audit/verify", headers=bearer(inspector)).get_json()
    assert report["ok"] is False
    assert revision.file_sha256 in report["first_bad"]
