"""The legal pages: the register, adding, editing, CSV import, a revision's legal basis, the reviews."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from support.factories import FIXTURES, fixture_file, make_effective
from support.pages import signed_in, text_of

from qms.legal import csv_import
from qms.legal import register as legal
from qms.models import AuditEntry, LegalDocument, LegalReview, ReviewState

CSV = (FIXTURES / "legal_documents.csv").read_bytes()


@pytest.fixture
def register(session, admin, today):
    return csv_import.import_csv(session, admin, CSV, today=today)


@pytest.fixture
def current(session, files, document, secretary, reviewer, approver, today, register):
    """QT-HT-04 issue 1 in force, citing 61/2018/NĐ-CP, which 118/2025/NĐ-CP replaced: one open review item."""
    return make_effective(
        session, files, document, secretary, reviewer, approver, today, fixture_file("QT-HT-04_trich-luc_lan-01.docx")
    )


# --- the register ------------------------------------------------------------------------------


def test_the_register_shows_derived_status_and_relations_and_filters(app, staff, register):
    client = signed_in(app, staff)
    page = text_of(client.get("/legal-documents"))
    assert (
        "61/2018/NĐ-CP Nghị định Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính "
        "Chính phủ 23/04/2018 21/06/2018 Đã bị thay thế "
        "Được sửa đổi bởi: 107/2021/NĐ-CP Bị thay thế bởi: 118/2025/NĐ-CP"
    ) in page
    assert "2968/QĐ-BKHCN Quyết định — — — — Đã bị thay thế Chưa đủ thông tin" in page
    assert "20 văn bản" in page and "Thêm văn bản" not in page  # staff read only

    replaced = text_of(client.get("/legal-documents?status=replaced"))
    assert "61/2018/NĐ-CP" in replaced and "118/2025/NĐ-CP Nghị định" not in replaced
    found = text_of(client.get("/legal-documents?q=ho+tich"))
    assert "60/2014/QH13" in found and "50/2014/QH13" not in found
    assert client.get("/legal-documents?status=cu").status_code == 422


def test_an_editor_adds_a_document_and_sees_it(app, session, registrar, register):
    approver = registrar
    client = signed_in(app, approver)
    assert "Thêm văn bản" in text_of(client.get("/legal-documents"))
    form = {
        "number": "367/2025/ND-CP",
        "doc_type": "Nghị định",
        "title": "Sửa đổi Nghị định 118/2025/NĐ-CP",
        "issuer": "Chính phủ",
        "issued_on": "31/12/2025",
        "effective_from": "2026-01-01",
        "amends": "118/2025/NĐ-CP\n",
        "replaces": "",
    }
    created = client.post("/legal-documents/new", data=form)
    assert created.status_code == 302 and created.headers["Location"].endswith("/legal-documents/367/2025/N%C4%90-CP")
    shown = text_of(client.get(created.headers["Location"]))
    assert "Đã thêm văn bản 367/2025/NĐ-CP vào danh mục." in shown and "Sửa đổi, bổ sung 118/2025/NĐ-CP" in shown

    again = client.post("/legal-documents/new", data=form)
    assert again.status_code == 409 and "đã có trong danh mục" in text_of(again)
    bad = client.post("/legal-documents/new", data={**form, "number": "115/245", "issued_on": "12/31/2025"})
    assert bad.status_code == 422 and "Ngày không hợp lệ" in text_of(bad)
    wrong = client.post("/legal-documents/new", data={**form, "number": "115/245"})
    assert wrong.status_code == 422 and "Số hiệu văn bản «115/245» không hợp lệ" in text_of(wrong)


def test_staff_and_inspectors_get_no_forms(app, staff, inspector, register):
    for user in (staff, inspector):
        client = signed_in(app, user)
        assert client.get("/legal-documents/new").status_code == 403
        assert client.get("/legal-documents/import").status_code == 403
        page = client.get("/legal-documents/61%2F2018%2FN%C4%90-CP")
        assert page.status_code == 200 and "Sửa thông tin văn bản" not in text_of(page)
        assert client.post("/legal-documents/61/2018/NĐ-CP", data={"title": "x"}).status_code == 403


def test_editing_a_stub_completes_it(app, session, secretary, registrar, register):
    client = signed_in(app, secretary)
    url = "/legal-documents/45/2013/QH13"
    page = text_of(client.get(url))
    assert "Chưa đủ thông tin" in page and "Sửa thông tin văn bản" in page
    saved = client.post(
        url,
        data={"doc_type": "Luật", "title": "Luật Đất đai 2013", "issuer": "Quốc hội", "issued_on": "29/11/2013",
              "effective_from": "01/07/2014", "amends": "", "replaces": ""},
    )
    assert saved.status_code == 302
    page = text_of(client.get(url))
    assert "Đã lưu văn bản 45/2013/QH13." in page and "Chưa đủ thông tin" not in page
    assert "Bị thay thế bởi 31/2024/QH15" in page and "29/11/2013" in page
    refused = client.post(url, data={"title": "", "amends": "", "replaces": ""})
    assert refused.status_code == 422 and "Cần nhập trích yếu" in text_of(refused)
    assert client.get("/legal-documents/1/2099/NĐ-CP").status_code == 404


def test_importing_the_csv_shows_the_report(app, session, admin):
    client = signed_in(app, admin)
    imported = client.post(
        "/legal-documents/import", data={"file": (io.BytesIO(CSV), "vbpl.csv")}, content_type="multipart/form-data"
    )
    assert imported.status_code == 200
    page = text_of(imported)
    assert "thêm mới 17, cập nhật 0, không đổi 0, thêm tạm 3, quan hệ mới 9" in page
    assert "Cảnh báo (2)" in page and "04/2020/TT-BTP ghi trạng thái «Đã được sửa đổi, bổ sung»" in page
    assert "118/2009/QĐ-TTg" in page
    bad = client.post(
        "/legal-documents/import",
        data={"file": (io.BytesIO(b"number,title\n23/4/2018,Ngay\n"), "bad.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "dòng 2" in text_of(bad)
    missing = client.post("/legal-documents/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Cần chọn tệp CSV để nhập." in text_of(missing)
    assert session.scalar(select(func.count(LegalDocument.id))) == 20


# --- a revision's legal basis --------------------------------------------------------------------


def test_the_basis_page_shows_badges_and_the_secretary_corrects_it(app, session, secretary, staff, current):
    url = f"/revisions/{current.id}/legal-basis"
    seen = text_of(signed_in(app, staff).get(url))
    assert "61/2018/NĐ-CP Nghị định Về thực hiện cơ chế một cửa" in seen
    assert (
        "Đã bị thay thế Bị thay thế bởi 118/2025/NĐ-CP. Được sửa đổi bởi 107/2021/NĐ-CP. Cần rà soát quy trình."
    ) in seen
    assert "60/2014/QH13 Luật Luật Hộ tịch Còn hiệu lực" in seen and "Sửa căn cứ pháp lý" not in seen

    client = signed_in(app, secretary)
    assert "Sửa căn cứ pháp lý" in text_of(client.get(url))
    saved = client.post(url, data={"numbers": "60/2014/QH13\n123/2015/NĐ-CP; 04/2020/TT-BTP\n118/2025/ND-CP"})
    assert saved.status_code == 302
    page = text_of(client.get(url))
    assert "Đã lưu căn cứ pháp lý của phiên bản." in page and "61/2018/NĐ-CP" not in page.split("Sửa căn cứ")[0]
    assert "118/2025/NĐ-CP Nghị định" in page and "Nhập tay" in page
    assert session.scalar(select(LegalReview.state)) is ReviewState.CLOSED
    refused = client.post(url, data={"numbers": "một cửa"})
    assert refused.status_code == 422 and "«một cửa»" in text_of(refused)


def test_the_basis_page_of_another_organisation_is_not_found(app, outsider, current):
    assert signed_in(app, outsider).get(f"/revisions/{current.id}/legal-basis").status_code == 404


# --- the reviews -------------------------------------------------------------------------------------


def test_the_reviews_page_and_the_approvers_resolution(app, session, secretary, approver, current, today):
    age = (today - date(2025, 7, 1)).days
    seen = text_of(signed_in(app, secretary).get("/legal-reviews", follow_redirects=True))
    assert (
        f"QT-HT-04 Cấp bản sao trích lục hộ tịch Lần ban hành 1 · căn cứ pháp lý 61/2018/NĐ-CP "
        f"Bị thay thế bởi 118/2025/NĐ-CP 01/07/2025 {age} Đang chờ rà soát"
    ) in seen
    assert "Đã rà soát, không cần sửa đổi" not in seen  # only approvers resolve

    client = signed_in(app, approver)
    page = client.get("/organizations/XA-LOCBINH/legal-reviews")
    review_id = int(re.search(r'action="/legal-reviews/(\d+)/resolve"', page.get_data(as_text=True)).group(1))
    refused = client.post(f"/legal-reviews/{review_id}/resolve", data={"reason": " "})
    assert refused.status_code == 422 and "Cần ghi lý do" in text_of(refused)
    resolved = client.post(f"/legal-reviews/{review_id}/resolve", data={"reason": "Quy trình vẫn đúng"})
    assert resolved.status_code == 302
    after = text_of(client.get(resolved.headers["Location"]))
    assert "Đã ghi nhận: quy trình đã được rà soát, không cần sửa đổi." in after
    assert "Không có mục rà soát nào." in after
    closed = text_of(client.get("/organizations/XA-LOCBINH/legal-reviews?state=closed"))
    assert "Đã rà soát, không cần sửa đổi Lý do: Quy trình vẫn đúng" in closed and approver.full_name in closed
    twice = client.post(f"/legal-reviews/{review_id}/resolve", data={"reason": "Lần nữa"})
    assert twice.status_code == 409 and "đã được đóng" in text_of(twice)
    assert session.scalar(select(func.count()).where(AuditEntry.action == "legal_review_resolve")) == 1


def test_reviews_are_not_shown_to_staff_or_other_organisations(app, staff, outsider, inspector, current):
    assert signed_in(app, staff).get("/organizations/XA-LOCBINH/legal-reviews").status_code == 404
    assert signed_in(app, outsider).get("/organizations/XA-LOCBINH/legal-reviews").status_code == 404
    seen = text_of(signed_in(app, inspector).get("/organizations/XA-LOCBINH/legal-reviews"))
    assert "61/2018/NĐ-CP" in seen and "Đã rà soát, không cần sửa đổi" not in seen


def test_forms_need_the_csrf_token(app, session, secretary, registrar, register):
    client = signed_in(app, secretary)
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/legal-documents/new", data={"number": "1/2026/NĐ-CP", "title": "Giả mạo"})
    assert refused.status_code == 400
    assert legal.list_legal_documents(session, "1/2026") == []
