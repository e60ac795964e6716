"""The fixtures' story, end to end: catalogue, register, processes, coverage, legal reviews, the dashboard."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support.factories import FIXTURES, fixture_file, make_effective, upload
from support.pages import login, text_of

from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.errors import NotFound
from qms.inspection import dashboard
from qms.legal import csv_import
from qms.models import RevisionStatus

PROCESSES = [
    ("QT-HT-01", "Đăng ký khai sinh", "1.001193", "QT-HT-01_dang-ky-khai-sinh_lan-02.docx"),
    ("QT-HT-04", "Cấp bản sao trích lục hộ tịch", "2.000635", "QT-HT-04_trich-luc_lan-01.docx"),
    ("QT-CT-02", "Chứng thực chữ ký trong các giấy tờ, văn bản", "2.000884", "QT-CT-02_chung-thuc-chu-ky_lan-01.docx"),
    ("QT-XD-01", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "1.013225",
     "QT-XD-01_giay-phep-xay-dung_lan-01.docx"),
]


@pytest.fixture
def commune(session, files, secretary, reviewer, approver, today):
    """UBND xã Lộc Bình with its catalogue, the legal register and four processes in force."""
    csv_import.import_csv(session, None, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "procedures.xlsx",
                                 (FIXTURES / "procedures.xlsx").read_bytes())
    made = {}
    for code, title, procedure, name in PROCESSES:
        document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=code,
                                             title=title, kind="process", procedure_code=procedure)
        made[code] = make_effective(session, files, document, secretary, reviewer, approver, today, fixture_file(name))
    return made


def test_coverage_and_the_processes_flagged_by_a_replaced_decree(session, secretary, commune, today):
    board = dashboard.for_organization(session, secretary, "XA-LOCBINH", today)
    assert (board.coverage.covered, board.coverage.total) == (4, 14)
    flagged = sorted((item.review.document.code, item.review.cited.number, item.review.trigger.number)
                     for item in board.open_reviews)
    assert flagged == [("QT-CT-02", "61/2018/NĐ-CP", "118/2025/NĐ-CP"), ("QT-HT-04", "61/2018/NĐ-CP", "118/2025/NĐ-CP")]


def test_approving_issue_2_closes_the_review_of_issue_1(session, files, secretary, reviewer, approver, commune, today):
    extract = commune["QT-HT-04"].document
    second = upload(session, files, secretary, extract, fixture_file("QT-HT-04_trich-luc_lan-02.docx"),
                    "Cập nhật căn cứ pháp lý")
    lifecycle.act(session, secretary, second.id, "submit", today=today)
    lifecycle.act(session, reviewer, second.id, "pass", today=today, comment="Đã xem")
    lifecycle.act(session, approver, second.id, "approve", today=today, effective_from=today, comment="Đã xem")
    board = dashboard.for_organization(session, secretary, "XA-LOCBINH", today)
    assert [item.review.document.code for item in board.open_reviews] == ["QT-CT-02"]


def test_waiting_work_and_overdue_periodic_reviews(session, files, secretary, reviewer, approver, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    waiting = upload(session, files, secretary, document, summary="Sửa đổi")
    lifecycle.act(session, secretary, waiting.id, "submit", today=today)
    board = dashboard.for_organization(session, secretary, "XA-LOCBINH", today)
    assert [r.id for r in board.awaiting_review] == [waiting.id] and board.awaiting_approval == []
    assert board.overdue_reviews == []
    a_year_and_a_day = today + timedelta(days=366)
    (overdue,) = dashboard.for_organization(session, secretary, "XA-LOCBINH", a_year_and_a_day).overdue_reviews
    assert overdue.document.id == document.id and overdue.days_overdue >= 1


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert dashboard.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert dashboard.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert dashboard.add_months(date(2025, 11, 21), 12) == date(2026, 11, 21)


def test_staff_and_other_organisations_see_no_dashboard(session, staff, outsider, inspector, agency, today):
    for viewer in (staff, outsider):
        with pytest.raises(NotFound):
            dashboard.for_organization(session, viewer, "XA-LOCBINH", today)
    assert dashboard.for_organization(session, inspector, "XA-LOCBINH", today).organization.code == "XA-LOCBINH"


def test_the_dashboard_page(client, session, secretary, inspector, commune):
    login(client, secretary)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "4/14" in page and "61/2018/NĐ-CP" in page and "QT-CT-02" in page
    # The pictures, drawn on the server, with their text alternatives and their numbers as a table.
    text = text_of(client.get("/dashboard"))
    assert '<svg class="chart-svg"' in page and "<script" not in page
    assert '<title id="coverage-by-field-title">Bao phủ quy trình theo lĩnh vực</title>' in page
    assert "Hộ tịch: 2/6 (33,3%); " in page and "Xây dựng: 1/1 (100%)" in page
    assert "Hộ tịch 2 6 33,3%" in text
    assert "Thời gian chờ Số mục" in text
    client.post("/logout")
    login(client, inspector)
    assert "UBND xã Lộc Bình" in client.get("/dashboard?organization=XA-LOCBINH").get_data(as_text=True)
    assert client.get("/dashboard?organization=KHONG-CO").status_code == 404


def test_the_demo_tells_the_same_story(runner, session, today):
    from qms.models import LegalReview, Revision

    assert runner.invoke(args=["qms", "demo"]).exit_code == 0
    open_items = session.query(LegalReview).filter_by(state="open").all()
    assert [item.document.code for item in open_items] == ["QT-HT-04"]
    waiting = session.query(Revision).filter_by(status=RevisionStatus.REVIEWED).one()
    assert waiting.document.code == "QT-HT-04"
