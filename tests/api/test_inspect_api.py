"""The inspector's API: overview, differences, registers, the dossier, and logged downloads of old revisions."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from docx import Document as WordDocument
from sqlalchemy import func, select
from support.factories import make_docx, make_effective, upload

from qms.documents import lifecycle
from qms.exports.xlsx import HEADING_ROW
from qms.inspection.dossier_check import verify_dossier
from qms.models import AuditEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def two_issues(session, files, secretary, reviewer, approver, document, today):
    """QT-HT-04: issue 1 superseded by issue 2, both with text."""
    first = make_effective(session, files, document, secretary, reviewer, approver, today,
                           make_docx("Thời gian giải quyết: 05 ngày làm việc."), "Ban hành lần đầu")
    second = make_effective(session, files, document, secretary, reviewer, approver, today,
                            make_docx("Thời gian giải quyết: 03 ngày làm việc."), "Rút ngắn thời gian giải quyết")
    return first, second


def test_the_overview_for_inspectors_only(client, bearer, inspector, secretary, admin, two_issues):
    response = client.get("/api/v1/overview?sort=documents&order=desc", headers=bearer(inspector))
    assert response.status_code == 200
    body = response.get_json()
    assert body["sort"] == "documents" and body["order"] == "desc" and body["chain"]["ok"] and body["parent"] is None
    first = body["rows"][0]
    assert first["organization"] == {"code": "XA-LOCBINH", "name": "UBND xã Lộc Bình"}
    assert first["parent"] == {"code": "TINH-LS", "name": "UBND tỉnh Lạng Sơn"}
    assert first["documents"] == 1 and first["documents_by_kind"] == {"process": 1}
    assert first["effective_processes"] == 1 and first["chain_ok"] is True
    assert first["coverage"] == {"covered": 0, "total": 0, "percent": 0.0}
    assert first["last_approval"] is not None
    below = client.get("/api/v1/overview?parent=XA-LOCBINH", headers=bearer(inspector)).get_json()
    assert [row["organization"]["code"] for row in below["rows"]] == ["XA-LOCBINH"]
    for user in (secretary, admin):
        refused = client.get("/api/v1/overview", headers=bearer(user))
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "role_required"
    assert client.get("/api/v1/overview?sort=khac", headers=bearer(inspector)).status_code == 422
    assert client.get("/api/v1/overview?parent=KHONG-CO", headers=bearer(inspector)).status_code == 404


def test_the_difference_between_two_revisions(client, bearer, inspector, staff, document, two_issues):
    first, second = two_issues
    url = f"/api/v1/documents/{document.id}/diff?from={first.id}&to={second.id}"
    response = client.get(url, headers=bearer(inspector))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"]["id"], body["to"]["id"], body["from"]["status"]) == (first.id, second.id, "superseded")
    assert body["changes"] == 1
    (changed,) = [line for line in body["lines"] if line["kind"] == "changed"]
    assert changed["from_html"] == "Thời gian giải quyết: <del>05</del> ngày làm việc."
    assert changed["to_html"] == "Thời gian giải quyết: <ins>03</ins> ngày làm việc."
    assert [d["change_summary"] for d in body["change_descriptions"]] == ["Rút ngắn thời gian giải quyết"]
    assert client.get(url, headers=bearer(staff)).status_code == 404
    half = f"/api/v1/documents/{document.id}/diff?from={first.id}"
    assert client.get(half, headers=bearer(inspector)).status_code == 422
    missing = f"/api/v1/documents/{document.id}/diff?from={first.id}&to=999999"
    assert client.get(missing, headers=bearer(inspector)).status_code == 404


@pytest.mark.parametrize("kind", ["internal", "external", "amendments"])
def test_every_register_in_both_formats(client, bearer, inspector, secretary, two_issues, today, kind):
    for user in (inspector, secretary):
        xlsx = client.get(f"/api/v1/organizations/XA-LOCBINH/registers/{kind}.xlsx", headers=bearer(user))
        assert xlsx.status_code == 200 and xlsx.mimetype == XLSX
        assert f"_XA-LOCBINH_{today.isoformat()}.xlsx" in xlsx.headers["Content-Disposition"]
        docx = client.get(f"/api/v1/organizations/XA-LOCBINH/registers/{kind}.docx", headers=bearer(user))
        assert docx.status_code == 200 and docx.mimetype == DOCX
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True))
    word = WordDocument(io.BytesIO(docx.data))
    assert len(word.tables[1].rows) == len(rows) + 1
    if kind == "internal":
        assert [(row[1], row[4]) for row in rows] == [("QT-HT-04", 2)]
    if kind == "amendments":
        assert [(row[1], row[3], row[5], row[11]) for row in rows] == [
            ("QT-HT-04", 1, "Ban hành lần đầu", "Hết hiệu lực"),
            ("QT-HT-04", 2, "Rút ngắn thời gian giải quyết", "Đang hiệu lực"),
        ]


def test_registers_refused_and_dated(client, bearer, inspector, staff, outsider, two_issues, today):
    url = "/api/v1/organizations/XA-LOCBINH/registers/internal.xlsx"
    assert client.get(url, headers=bearer(staff)).status_code == 404
    assert client.get(url, headers=bearer(outsider)).status_code == 404
    for wrong in ("khac.xlsx", "internal.pdf"):
        wrong_url = f"/api/v1/organizations/XA-LOCBINH/registers/{wrong}"
        assert client.get(wrong_url, headers=bearer(inspector)).status_code == 404
    earlier = client.get(f"{url}?as_of={(today - timedelta(days=3)).isoformat()}", headers=bearer(inspector))
    assert earlier.status_code == 200
    assert list(openpyxl.load_workbook(io.BytesIO(earlier.data)).active.iter_rows(min_row=HEADING_ROW + 1)) == []
    assert client.get(f"{url}?as_of=hom-qua", headers=bearer(inspector)).status_code == 422


def test_the_dossier_is_streamed_and_verifies(app, client, bearer, inspector, staff, two_issues, today, tmp_path):
    response = client.get("/api/v1/organizations/XA-LOCBINH/dossier.zip", headers=bearer(inspector))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data = response.data
    assert int(response.headers["Content-Length"]) == len(data)
    assert f"ho-so-kiem-tra_XA-LOCBINH_{today.isoformat()}.zip" in response.headers["Content-Disposition"]
    path = tmp_path / "api.zip"
    path.write_bytes(data)
    assert verify_dossier(path).ok
    with zipfile.ZipFile(path) as archive:
        assert "tai-lieu/QT-HT-04/quy-trinh.docx" in archive.namelist()
    future = (today + timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/organizations/XA-LOCBINH/dossier.zip?as_of={future}",
                      headers=bearer(inspector)).status_code == 422
    assert client.get("/api/v1/organizations/XA-LOCBINH/dossier.zip", headers=bearer(staff)).status_code == 404
    assert list((tmp_path / "storage").glob("tmp/dossier-*")) == []  # the temporary file never outlives the response


def test_an_inspectors_download_of_an_old_revision_is_logged(client, bearer, session, inspector, two_issues):
    first, second = two_issues

    def downloads() -> int:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "download"))

    assert client.get(f"/api/v1/revisions/{second.id}/file", headers=bearer(inspector)).status_code == 200
    assert downloads() == 0  # the current revision is what everyone may read
    assert client.get(f"/api/v1/revisions/{first.id}/file", headers=bearer(inspector)).status_code == 200
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "download"))
    assert (entry.actor_username, entry.revision_id, entry.file_sha256) == ("doankiemtra", first.id, first.file_sha256)
    assert entry.actor_title == "Chuyên viên Sở KH&CN"


def test_a_returned_draft_is_in_the_history_inspectors_read(client, bearer, session, files, secretary, reviewer,
                                                             inspector, document, two_issues, today):
    draft = upload(session, files, secretary, document, make_docx("Lần 3"), "Thêm biểu mẫu")
    lifecycle.act(session, secretary, draft.id, "submit", today=today)
    lifecycle.act(session, reviewer, draft.id, "return", today=today, comment="Thiếu mẫu tờ khai")
    entries = client.get(f"/api/v1/documents/{document.id}/history", headers=bearer(inspector)).get_json()
    assert entries[-1]["action"] == "return" and entries[-1]["details"] == {"comment": "Thiếu mẫu tờ khai"}
