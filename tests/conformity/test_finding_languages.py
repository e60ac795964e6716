"""Findings are stored with their catalogue id and values, so an English page shows them in English; findings
stored before that keep their Vietnamese text."""

from __future__ import annotations

import json

from sqlalchemy import select
from support.factories import FIXTURES, fixture_file, upload
from support.pages import signed_in, text_of

from qms import conformity
from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.legal import csv_import
from qms.models import RevisionCheck


def test_the_findings_page_in_english_shows_the_findings_in_english(app, session, files, secretary, today):
    csv_import.import_csv(session, None, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "procedures.xlsx",
                                 (FIXTURES / "procedures.xlsx").read_bytes())
    signature = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-CT-02",
                                          title="Chứng thực chữ ký", kind="process", procedure_code="2.000884")
    revision = upload(session, files, secretary, signature, fixture_file("QT-CT-02_chung-thuc-chu-ky_lan-01.docx"),
                      filename="QT-CT-02.docx")
    stored = json.loads(session.scalar(select(RevisionCheck.findings).where(RevisionCheck.revision_id == revision.id)))
    forms = next(item for item in stored if item["code"] == "forms_missing")
    assert forms["message"].startswith("Mẫu 07 được nêu ở bước 4")  # the API and the dossier read this as before
    assert forms["message_data"]["params"] == {"form": "Mẫu 07", "step": "4", "section": "6. BIỂU MẪU"}

    client = signed_in(app, secretary)
    assert "Mẫu 07 được nêu ở bước 4" in text_of(client.get(f"/revisions/{revision.id}/findings"))
    client.post("/language", data={"language": "en", "next": "/"})
    page = text_of(client.get(f"/revisions/{revision.id}/findings"))
    assert "Mẫu 07 is named in step 4 but is not in the list of forms (section «6. BIỂU MẪU»)." in page
    assert "The legal basis 61/2018/NĐ-CP was replaced by 118/2025/NĐ-CP" in page
    assert "được nêu ở bước" not in page and "đã bị thay thế" not in page


def test_a_finding_stored_before_messages_kept_their_values_is_shown_as_it_was(
        app, session, files, secretary, document):
    revision = upload(session, files, secretary, document)
    check = session.scalar(select(RevisionCheck).where(RevisionCheck.revision_id == revision.id))
    old = {"code": "dossier_missing", "severity": "warning", "message": "Mục «5.2» không liệt kê thành phần hồ sơ.",
           "where": {"section": "5.2", "step": None, "row": None}, "quote": ""}
    check.findings = json.dumps([old], ensure_ascii=False)
    check.finding_count = 1
    session.commit()
    result = conformity.stored_check(session, revision.id)
    assert result is not None and result.findings[0].message == old["message"]
    client = signed_in(app, secretary)
    client.post("/language", data={"language": "en", "next": "/"})
    page = client.get(f"/revisions/{revision.id}/findings").get_data(as_text=True)
    assert '<p lang="vi">Mục «5.2» không liệt kê thành phần hồ sơ.</p>' in page
