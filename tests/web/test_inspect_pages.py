"""The inspector's pages: the province overview, a document's control history, differences, registers, the dossier."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from support.factories import make_docx, make_effective, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.exports.xlsx import HEADING_ROW
from qms.inspection.dossier_check import verify_dossier


@pytest.fixture
def story(session, files, secretary, reviewer, approver, document, today):
    """QT-HT-04: issue 1 superseded by issue 2, a third draft returned; QT-HT-09 withdrawn."""
    first = make_effective(session, files, document, secretary, reviewer, approver, today,
                           make_docx("Thời gian giải quyết: 05 ngày làm việc.", "Nộp tại <bộ phận một cửa>."))
    second = make_effective(session, files, document, secretary, reviewer, approver, today,
                            make_docx("Thời gian giải quyết: 03 ngày làm việc.", "Nộp tại <bộ phận một cửa>."),
                            "Rút ngắn thời gian <b>giải quyết</b>")
    third = upload(session, files, secretary, document, make_docx("Lần 3"), "Thêm biểu mẫu")
    lifecycle.act(session, secretary, third.id, "submit", today=today)
    lifecycle.act(session, reviewer, third.id, "return", today=today, comment="Thiếu mẫu tờ khai")
    guardian = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-09",
                                         title="Đăng ký giám hộ", kind="process")
    withdrawn = make_effective(session, files, guardian, secretary, reviewer, approver, today)
    lifecycle.act(session, approver, withdrawn.id, "withdraw", today=today, comment="Không còn thuộc thẩm quyền")
    return {"first": first, "second": second, "third": third, "guardian": guardian}


# --- the province overview -------------------------------------------------------------------------


def test_inspectors_have_the_province_overview(app, inspector, story):
    client = signed_in(app, inspector)
    home = text_of(client.get("/"))
    assert "Tổng quan tỉnh" in home
    page = client.get("/inspect")
    assert page.status_code == 200
    text = text_of(page)
    assert "Nhật ký kiểm soát toàn vẹn" in text
    # No catalogue: nothing to cover, said so rather than 0/0 (0 %).
    assert "UBND xã Lộc Bình XA-LOCBINH · UBND tỉnh Lạng Sơn 1 Quy trình giải quyết TTHC: 1 1 chưa có danh mục" in text
    html = page.get_data(as_text=True)
    assert 'href="/organizations/XA-LOCBINH/dossier.zip"' in html
    assert 'href="/organizations/XA-LOCBINH/registers"' in html
    assert '/inspect?sort=documents&amp;order=asc' in html
    assert '<title id="province-coverage-title">Tỷ lệ bao phủ quy trình TTHC theo đơn vị</title>' in html
    assert "UBND xã Lộc Bình: chưa có danh mục" in html


def test_the_overview_sorts_filters_and_exports(app, inspector, story):
    client = signed_in(app, inspector)
    by_documents = client.get("/inspect?sort=documents&order=desc")
    html = by_documents.get_data(as_text=True)
    assert 'aria-sort="descending"' in html
    assert html.index('id="org-XA-LOCBINH"') < html.index('id="org-SO-KHCN"')
    filtered = client.get("/inspect?parent=XA-LOCBINH").get_data(as_text=True)
    assert 'id="org-XA-LOCBINH"' in filtered and 'id="org-SO-KHCN"' not in filtered
    exported = client.get("/inspect/overview.xlsx?sort=documents&order=desc")
    assert exported.status_code == 200 and exported.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)]
    assert codes[0] == "XA-LOCBINH" and set(codes) == {"XA-LOCBINH", "XA-DONGDANG", "TINH-LS", "SO-KHCN"}
    assert client.get("/inspect?sort=khac").status_code == 422


def test_others_do_not_get_the_province_overview(app, secretary, staff, admin, agency):
    for user in (secretary, staff, admin):
        client = signed_in(app, user)
        assert "Tổng quan tỉnh" not in text_of(client.get("/"))
        assert client.get("/inspect").status_code == 403
        assert client.get("/inspect/overview.xlsx").status_code == 403


# --- history and differences -----------------------------------------------------------------------


def test_the_control_history_tells_who_did_what_when_with_which_file(app, inspector, approver, reviewer, document,
                                                                      story):
    client = signed_in(app, inspector)
    page = client.get(f"/documents/{document.id}/history")
    assert page.status_code == 200
    text = text_of(page)
    assert f"Phê duyệt phiên bản 1, lần ban hành 1 {approver.full_name}, Chủ tịch UBND xã" in text
    assert f"Trả lại phiên bản 3 {reviewer.full_name}, Phó Chủ tịch UBND xã Ý kiến Thiếu mẫu tờ khai" in text
    assert "Phiên bản 1 hết hiệu lực" in text and "Thay bằng phiên bản 2 (lần ban hành 2)" in text
    assert "Nội dung sửa đổi Rút ngắn thời gian <b>giải quyết</b>" in text  # shown as text, not markup
    html = page.get_data(as_text=True)
    assert "<b>giải quyết</b>" not in html
    assert story["first"].file_sha256[:16] in html
    assert text.count("Tải lên phiên bản") == 3
    withdrawn = text_of(client.get(f"/documents/{story['guardian'].id}/history"))
    assert "Thu hồi tài liệu" in withdrawn and "Lý do Không còn thuộc thẩm quyền" in withdrawn
    assert "Phiên bản bị thu hồi phiên bản 1 (trước đó: Đang hiệu lực)" in withdrawn


def test_staff_see_neither_history_nor_differences(app, staff, document, story):
    client = signed_in(app, staff)
    assert client.get(f"/documents/{document.id}/history").status_code == 404
    assert client.get(f"/documents/{document.id}/diff").status_code == 404
    assert "Lịch sử kiểm soát" not in text_of(client.get(f"/documents/{document.id}"))


def test_the_difference_page_marks_words_and_escapes_the_rest(app, inspector, document, story):
    client = signed_in(app, inspector)
    assert "So sánh phiên bản" in text_of(client.get(f"/documents/{document.id}"))
    first, second = story["first"], story["second"]
    page = client.get(f"/documents/{document.id}/diff?from={first.id}&to={second.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Thời gian giải quyết: <del>05</del> ngày làm việc." in html
    assert "Thời gian giải quyết: <ins>03</ins> ngày làm việc." in html
    assert "&lt;bộ phận một cửa&gt;" in html and "<bộ phận" not in html
    assert "Rút ngắn thời gian &lt;b&gt;giải quyết&lt;/b&gt;" in html
    newest = client.get(f"/documents/{document.id}/diff")  # the newest revision against the one before it
    assert f'<option value="{story["third"].id}" selected>' in newest.get_data(as_text=True)
    assert client.get(f"/documents/{document.id}/diff?from={first.id}&to=999999").status_code == 404
    assert client.get(f"/documents/{document.id}/diff?from=abc&to=1").status_code == 404


# --- registers and the dossier ----------------------------------------------------------------------


def test_the_registers_page_links_every_register_and_the_dossier(app, secretary, inspector, story, today):
    for user in (secretary, inspector):
        client = signed_in(app, user)
        page = client.get("/organizations/XA-LOCBINH/registers")
        assert page.status_code == 200
        text = text_of(page)
        assert "Danh mục tài liệu nội bộ" in text and "Sổ theo dõi sửa đổi tài liệu" in text
        html = page.get_data(as_text=True)
        for kind in ("internal", "external", "amendments"):
            for fmt in ("docx", "xlsx"):
                assert f'href="/organizations/XA-LOCBINH/registers/{kind}.{fmt}"' in html
                assert client.get(f"/organizations/XA-LOCBINH/registers/{kind}.{fmt}").status_code == 200
    own = signed_in(app, secretary)
    assert "Sổ sách ISO" in text_of(own.get("/"))
    assert own.get("/registers").status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(own.get("/organizations/XA-LOCBINH/registers/internal.xlsx").data)).active
    assert [row[1] for row in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)] == ["QT-HT-04"]


def test_the_dossier_downloads_from_the_page_and_verifies(app, inspector, story, today, tmp_path):
    client = signed_in(app, inspector)
    response = client.get(f"/organizations/XA-LOCBINH/dossier.zip?as_of={today.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    path = tmp_path / "trang.zip"
    path.write_bytes(response.data)
    assert verify_dossier(path).ok
    with zipfile.ZipFile(path) as archive:
        assert {"lich-su/QT-HT-04.json", "lich-su/QT-HT-09.json"} <= set(archive.namelist())
    assert client.get("/organizations/XA-LOCBINH/dossier.zip?as_of=ngay-mai").status_code == 422


def test_staff_and_other_agencies_get_no_registers(app, staff, outsider, story):
    for user in (staff, outsider):
        client = signed_in(app, user)
        assert client.get("/organizations/XA-LOCBINH/registers").status_code == 404
        assert client.get("/organizations/XA-LOCBINH/registers/internal.docx").status_code == 404
        assert client.get("/organizations/XA-LOCBINH/dossier.zip").status_code == 404
