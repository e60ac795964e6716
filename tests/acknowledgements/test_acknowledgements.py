"""Read-and-acknowledge through the pages and the API: requests opened when a revision takes effect (deferred too),
closed when it is superseded, confirmed once by the people asked, listed for the secretary, the inspector's rate per
organisation, the dossier's list, and the reminders' query."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select
from support.communes import days_ago
from support.factories import make_docx, make_effective, make_user, upload
from support.pages import signed_in, text_of

from qms.acknowledgements.reminders import acknowledgements_overdue
from qms.documents import lifecycle
from qms.inspection import dossier
from qms.models import AuditEntry

EVERYONE = {"thuky", "kiemtra", "pheduyet", "canbo"}


def _listed(client, bearer, viewer, revision_id):
    response = client.get(f"/api/v1/revisions/{revision_id}/acknowledgements", headers=bearer(viewer))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _names(people) -> set[str]:
    return {person["username"] for person in people}


def test_taking_effect_asks_the_staff_and_each_confirms_once_in_the_reading_view(
    app, client, bearer, session, files, secretary, reviewer, approver, staff, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    body = _listed(client, bearer, secretary, revision.id)
    assert body["required"] == 4 and body["acknowledged"] == [] and _names(body["pending"]) == EVERYONE
    reader = signed_in(app, staff)
    assert "Tài liệu cần đọc và xác nhận (1)" in text_of(reader.get("/tasks"))
    page = reader.get(f"/revisions/{revision.id}/read")
    assert "Tôi đã đọc và hiểu" in text_of(page)
    done = reader.post(f"/revisions/{revision.id}/acknowledge", follow_redirects=True)
    assert done.status_code == 200
    assert "Bạn đã xác nhận đã đọc và hiểu lần ban hành 1" in text_of(done)
    assert "Tôi đã đọc và hiểu" not in text_of(done)
    assert "Tài liệu cần đọc và xác nhận" not in text_of(reader.get("/tasks"))
    body = _listed(client, bearer, secretary, revision.id)
    (confirmed,) = body["acknowledged"]
    assert confirmed["user"]["username"] == "canbo" and confirmed["at"]
    assert _names(body["pending"]) == EVERYONE - {"canbo"}
    # Twice: idempotent, the first confirmation stands and the audit log holds one entry.
    again = client.post(f"/api/v1/revisions/{revision.id}/acknowledge", headers=bearer(staff))
    assert again.status_code == 200 and again.get_json()["at"] == confirmed["at"]
    (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "acknowledge")).all()
    assert (entry.actor_username, entry.revision_id) == ("canbo", revision.id)


def test_who_may_confirm_and_who_sees_the_list(
    client, bearer, session, files, secretary, reviewer, approver, staff, inspector, outsider, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    url = f"/api/v1/revisions/{revision.id}/acknowledge"
    newcomer = make_user(session, "canbo2", "XA-LOCBINH", "staff")  # joined after it took effect: not asked
    refused = client.post(url, headers=bearer(newcomer))
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_required"
    assert client.post(url, headers=bearer(inspector)).status_code == 403
    assert client.post(url, headers=bearer(outsider)).status_code == 404
    lists = f"/api/v1/revisions/{revision.id}/acknowledgements"
    assert client.get(lists, headers=bearer(staff)).status_code == 404
    assert client.get(lists, headers=bearer(outsider)).status_code == 404
    assert client.get(lists, headers=bearer(inspector)).get_json()["required"] == 4


def test_the_secretary_narrows_the_readers_and_sees_who_has_read(
    app, client, bearer, session, files, secretary, reviewer, approver, staff, document, today
):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    client.post(f"/api/v1/revisions/{revision.id}/acknowledge", headers=bearer(reviewer))
    page = signed_in(app, secretary)
    shown = text_of(page.get(f"/documents/{document.id}/acknowledgements"))
    assert "1/4" in shown and "Chưa xác nhận (3)" in shown
    assert "1/4" in text_of(page.get(f"/documents/{document.id}"))
    assert signed_in(app, staff).get(f"/documents/{document.id}/acknowledgements").status_code == 404
    narrowed = page.post(f"/documents/{document.id}/readers", data={"usernames": ["canbo"]}, follow_redirects=True)
    assert narrowed.status_code == 200
    body = _listed(client, bearer, secretary, revision.id)
    # What was read stays read; the others left out are no longer asked.
    assert _names(a["user"] for a in body["acknowledged"]) == {"kiemtra"} and _names(body["pending"]) == {"canbo"}
    refused = client.post(f"/api/v1/revisions/{revision.id}/acknowledge", headers=bearer(approver))
    assert refused.status_code == 403
    bad = client.put(f"/api/v1/documents/{document.id}/readers", json={"usernames": ["xakhac"]},
                     headers=bearer(secretary))
    assert bad.status_code == 422
    assert client.put(f"/api/v1/documents/{document.id}/readers", json={"usernames": []},
                      headers=bearer(staff)).status_code == 403
    # Back to everyone: the approver is asked again.
    everyone = client.put(f"/api/v1/documents/{document.id}/readers", json={"usernames": []},
                          headers=bearer(secretary))
    assert everyone.status_code == 200 and _names(everyone.get_json()) == EVERYONE
    assert _names(_listed(client, bearer, secretary, revision.id)["pending"]) == {"canbo", "thuky", "pheduyet"}


def test_a_superseded_revision_closes_its_requests_and_a_deferred_one_opens_on_its_day(
    client, bearer, session, files, secretary, reviewer, approver, staff, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    client.post(f"/api/v1/revisions/{first.id}/acknowledge", headers=bearer(staff))
    tomorrow = today + timedelta(days=1)
    second = upload(session, files, secretary, document, make_docx("Lần 2"), "Sửa bước 2")
    lifecycle.act(session, secretary, second.id, "submit", today=today)
    lifecycle.act(session, reviewer, second.id, "pass", today=today, comment="Đạt")
    lifecycle.act(session, approver, second.id, "approve", today=today, effective_from=tomorrow, comment="Đạt")
    # Approved for tomorrow: nobody is asked yet, and it cannot be confirmed before it is in force.
    assert _listed(client, bearer, secretary, second.id)["required"] == 0
    early = client.post(f"/api/v1/revisions/{second.id}/acknowledge", headers=bearer(secretary))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_in_force"
    lifecycle.take_effect_due(session, tomorrow)
    old = _listed(client, bearer, secretary, first.id)
    assert _names(a["user"] for a in old["acknowledged"]) == {"canbo"} and old["pending"] == []
    new = _listed(client, bearer, secretary, second.id)
    assert new["required"] == 4 and _names(new["pending"]) == EVERYONE
    late = client.post(f"/api/v1/revisions/{first.id}/acknowledge", headers=bearer(secretary))
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "not_in_force"
    assert client.post(f"/api/v1/revisions/{second.id}/acknowledge", headers=bearer(staff)).status_code == 200


def test_a_withdrawn_document_closes_its_requests(client, bearer, session, files, secretary, reviewer, approver,
                                                  document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    lifecycle.act(session, approver, revision.id, "withdraw", today=today, comment="Hết thẩm quyền")
    assert _listed(client, bearer, secretary, revision.id)["pending"] == []
    assert acknowledgements_overdue(session, on=today + timedelta(days=30)) == []


def test_reminders_after_the_configured_days(app, client, bearer, session, files, secretary, reviewer, approver, staff,
                                             document, today):
    with days_ago(8) as then:
        revision = make_effective(session, files, document, secretary, reviewer, approver, then)
    late = acknowledgements_overdue(session, on=today)
    assert {item.user.username for item in late} == EVERYONE
    assert all(item.days_waiting == 8 and item.revision.id == revision.id for item in late)
    assert {user.username for user in late[0].secretaries} == {"thuky"}
    client.post(f"/api/v1/revisions/{revision.id}/acknowledge", headers=bearer(staff))
    assert {item.user.username for item in acknowledgements_overdue(session, on=today)} == EVERYONE - {"canbo"}
    app.config["ACKNOWLEDGE_DAYS"] = 10
    assert acknowledgements_overdue(session, on=today) == []
    assert len(acknowledgements_overdue(session, on=today + timedelta(days=2))) == 3


def test_the_overview_rate_and_the_dossier_list(app, client, bearer, session, files, secretary, reviewer, approver,
                                                staff, inspector, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    client.post(f"/api/v1/revisions/{revision.id}/acknowledge", headers=bearer(staff))
    rows = {row["organization"]["code"]: row
            for row in client.get("/api/v1/overview", headers=bearer(inspector)).get_json()["rows"]}
    assert rows["XA-LOCBINH"]["acknowledgements"] == {"acknowledged": 1, "required": 4, "percent": 25.0}
    assert rows["XA-DONGDANG"]["acknowledgements"]["percent"] is None
    page = text_of(signed_in(app, inspector).get("/inspect?sort=acknowledged"))
    assert "Đã đọc và hiểu" in page and "1/4" in page
    out = io.BytesIO()
    dossier.build(session, files, inspector, "XA-LOCBINH", out, as_of=today, today=today)
    with zipfile.ZipFile(out) as archive:
        (listed,) = json.loads(archive.read("xac-nhan-da-doc.json"))
        manifest = json.loads(archive.read("manifest.json"))
    assert listed["code"] == document.code and listed["issue_number"] == 1
    assert [person["username"] for person in listed["acknowledged"]] == ["canbo"]
    assert {person["username"] for person in listed["pending"]} == EVERYONE - {"canbo"}
    assert "xac-nhan-da-doc.json" in {entry["path"] for entry in manifest["files"]}


def test_records_are_not_asked_to_be_read(client, bearer, session, files, secretary, reviewer, approver, today):
    record = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="HS-DGNB-2026",
                                       title="Báo cáo đánh giá nội bộ năm 2026", kind="record")
    revision = make_effective(session, files, record, secretary, reviewer, approver, today)
    assert _listed(client, bearer, secretary, revision.id) == {"revision_id": revision.id, "required": 0,
                                                                "acknowledged": [], "pending": []}
