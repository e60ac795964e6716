"""The findings on a revision's content through the JSON API: reading them and re-checking."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select
from support.factories import FIXTURES, fixture_file, make_effective, upload

from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.legal import csv_import
from qms.models import AuditEntry, RevisionCheck


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def commune(session, secretary, today):
    csv_import.import_csv(session, None, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "procedures.xlsx",
                                 (FIXTURES / "procedures.xlsx").read_bytes())


@pytest.fixture
def signature(session, files, secretary, commune):
    """QT-CT-02 issue 1 as a draft: five findings."""
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-CT-02",
                                         title="Chứng thực chữ ký", kind="process", procedure_code="2.000884")
    return upload(session, files, secretary, document, fixture_file("QT-CT-02_chung-thuc-chu-ky_lan-01.docx"))


def test_the_structure_and_the_findings_of_a_revision(client, bearer, secretary, signature):
    response = client.get(f"/api/v1/revisions/{signature.id}/findings", headers=bearer(secretary))
    assert response.status_code == 200
    body = response.get_json()
    assert {"structure", "findings"} <= set(body) and body["revision_id"] == signature.id
    assert [f["code"] for f in body["findings"]] == [
        "dossier_missing", "step_no_time", "forms_missing", "records_missing", "legal_basis_outdated",
    ]
    no_time = body["findings"][1]
    assert set(no_time) == {"code", "severity", "message", "where", "quote"}
    assert no_time["where"] == {"section": "5.7. Quy trình xử lý công việc", "step": "2", "row": "2"}
    assert no_time["message"] == "Bước 2 chưa ghi thời gian thực hiện." and no_time["severity"] == "warning"
    structure = body["structure"]
    assert structure["control"]["code"] == "QT-CT-02" and structure["control"]["issue_number"] == 1
    assert [row["time_text"] for row in structure["steps"]["rows"]] == ["01 giờ", "", "02 giờ", "0,5 giờ"]
    assert structure["dossier"]["reference"] == "Theo quy định hiện hành"
    assert body["checked_at"] is not None


def test_who_reads_findings(client, bearer, staff, inspector, outsider, reviewer, signature):
    url = f"/api/v1/revisions/{signature.id}/findings"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(reviewer)).status_code == 200
    assert client.get(url, headers=bearer(inspector)).status_code == 200
    assert client.get(url, headers=bearer(staff)).status_code == 404
    assert client.get(url, headers=bearer(outsider)).status_code == 404
    assert client.get("/api/v1/revisions/999999/findings", headers=bearer(reviewer)).status_code == 404


def test_staff_read_no_findings_even_on_the_current_revision(
    client, bearer, session, files, staff, secretary, reviewer, approver, today, commune
):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-XD-01",
                                         title="Giấy phép xây dựng", kind="process", procedure_code="1.013225")
    current = make_effective(session, files, document, secretary, reviewer, approver, today,
                             fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"))
    assert client.get(f"/api/v1/revisions/{current.id}", headers=bearer(staff)).status_code == 200
    assert client.get(f"/api/v1/revisions/{current.id}/findings", headers=bearer(staff)).status_code == 404


def test_a_revision_checked_before_checks_existed_is_read_now_and_nothing_is_stored(
    client, bearer, session, secretary, signature
):
    session.execute(delete(RevisionCheck))
    session.commit()
    body = client.get(f"/api/v1/revisions/{signature.id}/findings", headers=bearer(secretary)).get_json()
    assert body["checked_at"] is None and "step_no_time" in [f["code"] for f in body["findings"]]
    assert session.scalar(select(RevisionCheck.id)) is None


def test_recheck_is_audited_and_refused_to_who_may_not(
    client, bearer, session, secretary, approver, inspector, staff, outsider, signature
):
    url = f"/api/v1/revisions/{signature.id}/findings/recheck"
    assert client.post(url, headers=bearer(inspector)).status_code == 403
    assert client.post(url, headers=bearer(staff)).status_code == 404
    assert client.post(url, headers=bearer(outsider)).status_code == 404
    response = client.post(url, headers=bearer(approver))
    assert response.status_code == 200 and len(response.get_json()["findings"]) == 5
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "conformity_check")).one()
    assert entry.actor_username == approver.username and entry.revision_id == signature.id
    assert json.loads(entry.details)["after"] == json.loads(entry.details)["before"]


def test_a_superseded_revision_keeps_what_was_found(
    client, bearer, session, files, secretary, reviewer, approver, today, commune
):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-04",
                                         title="Trích lục", kind="process", procedure_code="2.000635")
    first = make_effective(session, files, document, secretary, reviewer, approver, today,
                           fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   fixture_file("QT-HT-04_trich-luc_lan-02.docx"))
    response = client.post(f"/api/v1/revisions/{first.id}/findings/recheck", headers=bearer(secretary))
    assert response.status_code == 409 and error_code(response) == "wrong_state"
    kept = client.get(f"/api/v1/revisions/{first.id}/findings", headers=bearer(secretary)).get_json()
    assert [f["code"] for f in kept["findings"]] == ["legal_basis_outdated"]
