"""The findings on the pages: a summary per revision, a warning next to the review and approval forms, the findings
page next to what was read, and the re-check."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select
from support.factories import FIXTURES, fixture_file, make_effective, upload
from support.pages import signed_in, text_of

from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.legal import csv_import
from qms.models import AuditEntry


@pytest.fixture
def commune(session, secretary, today):
    csv_import.import_csv(session, None, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "procedures.xlsx",
                                 (FIXTURES / "procedures.xlsx").read_bytes())


@pytest.fixture
def building(session, files, secretary, commune):
    """QT-XD-01 issue 1 as a draft: 17 days of steps against 15, and a step with nobody responsible."""
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-XD-01",
                                         title="Cấp giấy phép xây dựng", kind="process", procedure_code="1.013225")
    return upload(session, files, secretary, document, fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"))


def test_the_upload_page_leads_to_the_findings_on_the_document_page(app, session, secretary, commune):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-CT-02",
                                         title="Chứng thực chữ ký", kind="process", procedure_code="2.000884")
    client = signed_in(app, secretary)
    response = client.post(
        f"/documents/{document.id}/upload",
        data={"file": (io.BytesIO(fixture_file("QT-CT-02_chung-thuc-chu-ky_lan-01.docx")), "QT-CT-02.docx"),
              "change_summary": "Ban hành lần đầu"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Kiểm tra nội dung: 5 phát hiện, trong đó 2 lỗi." in page
    revision_id = document.revisions[-1].id
    assert f'href="/revisions/{revision_id}/findings"' in response.get_data(as_text=True)


def test_the_findings_page_shows_findings_next_to_what_was_read(app, secretary, building):
    response = signed_in(app, secretary).get(f"/revisions/{building.id}/findings")
    assert response.status_code == 200
    page = text_of(response)
    assert "Phát hiện (2)" in page
    assert "Bước 3 chưa ghi người hoặc đơn vị thực hiện." in page
    assert "Tổng thời gian các bước là 17 ngày, vượt thời hạn giải quyết 15 ngày của thủ tục 1.013225." in page
    assert "Vị trí: mục «5.7. Quy trình xử lý công việc», bước 3" in page
    assert "Mã hiệu QT-XD-01" in page and "Lần ban hành 1" in page
    assert "Đơn đề nghị cấp giấy phép xây dựng Có Không" in page
    assert "0,5 ngày = 4 giờ làm việc" in page and "10 ngày = 80 giờ làm việc" in page
    assert "Mẫu 07 Sổ theo dõi hồ sơ" in page and "Hồ sơ cấp phép Công chức Địa chính - Xây dựng Vĩnh viễn" in page
    assert "Kiểm tra lại" in page and f"/revisions/{building.id}/findings/recheck" in response.get_data(as_text=True)


def test_the_reviewer_is_warned_next_to_the_form_and_may_still_pass(app, session, secretary, reviewer, building, today):
    lifecycle.act(session, secretary, building.id, "submit", today=today)
    client = signed_in(app, reviewer)
    page = text_of(client.get(f"/documents/{building.document_id}"))
    assert "Kiểm tra nội dung: 2 phát hiện, trong đó 2 lỗi. Người kiểm tra nên đối chiếu" in page
    assert client.post(
        f"/revisions/{building.id}/actions", data={"action": "pass", "comment": "Đã xem"}
    ).status_code == 302


def test_the_approver_may_approve_and_the_findings_are_recorded(app, session, secretary, reviewer, approver, building,
                                                                today):
    lifecycle.act(session, secretary, building.id, "submit", today=today)
    lifecycle.act(session, reviewer, building.id, "pass", today=today, comment="Đã xem")
    client = signed_in(app, approver)
    page = text_of(client.get(f"/documents/{building.document_id}"))
    assert "Người phê duyệt vẫn có thể phê duyệt" in page
    response = client.post(f"/revisions/{building.id}/actions",
                           data={"action": "approve", "comment": "Đã xem", "effective_from": today.strftime(
                               "%d/%m/%Y"
                           )})
    assert response.status_code == 302
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "approve")).one()
    assert json.loads(entry.details)["findings"] == ["step_no_responsible", "time_exceeds_statutory"]


def test_a_revision_without_findings_says_so(app, session, files, secretary, reviewer, approver, today, commune):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-04",
                                         title="Trích lục", kind="process", procedure_code="2.000635")
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    second = upload(session, files, secretary, document, fixture_file("QT-HT-04_trich-luc_lan-02.docx"))
    client = signed_in(app, secretary)
    assert "Kiểm tra nội dung: không có phát hiện." in text_of(client.get(f"/documents/{document.id}"))
    assert "Không có phát hiện nào" in text_of(client.get(f"/revisions/{second.id}/findings"))


def test_staff_see_neither_the_summary_nor_the_page(app, session, files, secretary, reviewer, approver, staff, today,
                                                    commune):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-XD-01",
                                         title="Giấy phép", kind="process", procedure_code="1.013225")
    current = make_effective(session, files, document, secretary, reviewer, approver, today,
                             fixture_file("QT-XD-01_giay-phep-xay-dung_lan-01.docx"))
    client = signed_in(app, staff)
    assert "Kiểm tra nội dung" not in text_of(client.get(f"/documents/{document.id}"))
    assert client.get(f"/revisions/{current.id}/findings").status_code == 404


def test_the_inspector_reads_the_page_but_cannot_recheck(app, inspector, building):
    client = signed_in(app, inspector)
    response = client.get(f"/revisions/{building.id}/findings")
    assert response.status_code == 200 and "/findings/recheck" not in response.get_data(as_text=True)
    assert client.post(f"/revisions/{building.id}/findings/recheck").status_code == 403


def test_recheck_from_the_page(app, session, secretary, building):
    client = signed_in(app, secretary)
    response = client.post(f"/revisions/{building.id}/findings/recheck", follow_redirects=True)
    assert response.status_code == 200 and "Đã kiểm tra lại: 2 phát hiện." in text_of(response)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "conformity_check")).one()


def test_an_unreadable_file_says_why_on_the_page(app, session, files, secretary, commune):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scan = io.BytesIO()
    writer.write(scan)
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-XD-01",
                                         title="Giấy phép", kind="process", procedure_code="1.013225")
    revision = upload(session, files, secretary, document, scan.getvalue(), filename="ban-quet.pdf")
    page = text_of(signed_in(app, secretary).get(f"/revisions/{revision.id}/findings"))
    assert "Phát hiện (1)" in page and "tệp PDF không có lớp văn bản (có thể là bản quét)" in page
    assert "Không đọc được nội dung tệp." in page
