"""The TTHC catalogue pages: import with its report, the catalogue list, coverage with the bar and what is missing."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from support.factories import FIXTURES, make_effective
from support.pages import signed_in, text_of

from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.models import Procedure


def post_file(client, name: str, content: bytes | None = None):
    content = (FIXTURES / name).read_bytes() if content is None else content
    return client.post(
        "/procedures/import", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def updated_csv() -> bytes:
    """The fixture list without 2.001263, with a new procedure and a row that has no code."""
    text = (FIXTURES / "procedures.csv").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("2.001263,")) + "\n"
    text = text.replace("tình trạng hôn nhân,Hộ tịch,xã,3,", "tình trạng hôn nhân,Hộ tịch,xã,5,")
    text += "2.002189,Đăng ký hộ kinh doanh,Hộ kinh doanh,xã,3,ngày làm việc,100.000 đồng\n"
    text += ",Thủ tục không có mã,Hộ tịch,xã,1,trong ngày,\n"
    return text.encode()


def test_the_secretary_imports_and_sees_the_report(app, session, secretary):
    client = signed_in(app, secretary)
    page = client.get("/procedures/import")
    assert page.status_code == 200
    assert "Nhập danh mục TTHC" in text_of(page)
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    assert 'name="csrf_token"' in page.get_data(as_text=True)

    first = post_file(client, "procedures.xlsx")
    assert first.status_code == 200
    assert "Đã nhập danh mục: thêm mới 14, thay đổi 0, bãi bỏ 0, khôi phục 0, không đổi 0." in text_of(first)

    second = post_file(client, "cap-nhat.csv", updated_csv())
    shown = text_of(second)
    assert second.status_code == 200
    assert "thêm mới 1, thay đổi 13, bãi bỏ 1, khôi phục 0, không đổi 0, 1 dòng lỗi không nhập được." in shown
    assert "Dòng không nhập được (1)" in shown and "Dòng Lỗi 16 Thiếu mã TTHC." in shown
    assert "Thêm mới (1) 2.002189" in shown
    assert "1.004873 Cấp thực hiện, Thời hạn giải quyết" in shown
    assert "Không còn trong danh mục, đánh dấu đã bãi bỏ (1) 2.001263" in shown
    assert session.scalar(select(Procedure.is_abolished).where(Procedure.code == "2.001263"))


def test_an_unreadable_file_is_refused_on_the_page(app, session, secretary):
    client = signed_in(app, secretary)
    refused = post_file(client, "danh-muc.docx", b"PK\x03\x04 not a catalogue")
    assert refused.status_code == 422
    assert "Không thực hiện được: Chỉ nhận danh mục TTHC dạng tệp Excel (.xlsx) hoặc CSV (.csv)." in text_of(refused)
    empty = client.post("/procedures/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Cần chọn tệp danh mục để nhập." in text_of(empty)
    assert session.scalar(select(func.count()).select_from(Procedure)) == 0


def test_staff_may_not_import(app, session, staff):
    client = signed_in(app, staff)
    assert client.get("/procedures/import").status_code == 403
    refused = post_file(client, "procedures.xlsx")
    assert refused.status_code == 403
    assert session.scalar(select(func.count()).select_from(Procedure)) == 0


def test_the_catalogue_lists_the_organisations_procedures(app, session, secretary, staff, outsider):
    procedures.import_procedures(
        session, secretary, "XA-LOCBINH", "a.xlsx", (FIXTURES / "procedures.xlsx").read_bytes()
    )
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "b.csv", updated_csv())

    shown = text_of(signed_in(app, staff).get("/procedures"))
    assert "Danh mục thủ tục hành chính UBND xã Lộc Bình · 14 thủ tục đang áp dụng, 1 đã bãi bỏ" in shown
    assert "1.001193 Đăng ký khai sinh Hộ tịch xã Trong ngày Miễn lệ phí Chưa có quy trình Đang áp dụng" in shown
    abolished = ("2.001263 Đăng ký việc nuôi con nuôi trong nước Nuôi con nuôi Xã 30 ngày 400.000 đồng/trường hợp"
                 " — Đã bãi")
    assert abolished in shown
    assert "Nhập danh mục TTHC" not in shown  # staff do not import
    assert "Nhập danh mục TTHC" in text_of(signed_in(app, secretary).get("/procedures"))
    assert signed_in(app, outsider).get("/procedures?organization=XA-LOCBINH").status_code == 404


def test_coverage_page_shows_the_number_the_bar_and_what_is_missing(
    app, session, files, secretary, reviewer, approver, document, today
):
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "a.csv", (FIXTURES / "procedures.csv").read_bytes())
    adoption = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-NCN-01", title="Quy trình nuôi con nuôi",
        kind="process", procedure_code="2.001263",
    )
    for each in (document, adoption):
        make_effective(session, files, each, secretary, reviewer, approver, today)
    client = signed_in(app, secretary)

    before = client.get("/procedures/coverage")
    assert before.status_code == 200
    assert "2/14 thủ tục hành chính có quy trình ISO đang hiệu lực (14,3%)" in text_of(before)
    assert 'class="meter-fill" x="0" y="0" width="14.3"' in before.get_data(as_text=True)

    procedures.import_procedures(session, secretary, "XA-LOCBINH", "b.csv", updated_csv())
    page = client.get("/procedures/coverage")
    shown = text_of(page)
    assert "Mức độ bao phủ quy trình ISO" in shown
    assert "1/14 thủ tục hành chính có quy trình ISO đang hiệu lực (7,1%)" in shown
    assert 'class="meter-fill" x="0" y="0" width="7.1"' in page.get_data(as_text=True)
    assert "Thủ tục chưa có quy trình (13) Chứng thực (3) Mã TTHC Tên thủ tục Thời hạn giải quyết 2.000815" in shown
    assert "Hộ kinh doanh (1) Mã TTHC Tên thủ tục Thời hạn giải quyết 2.002189 Đăng ký hộ kinh doanh 3 ngày" in shown
    assert (
        "Quy trình trỏ tới thủ tục đã bãi bỏ hoặc không có trong danh mục (1) Quy trình Mã TTHC Tình trạng "
        f"QT-NCN-01 Quy trình nuôi con nuôi 2.001263 Đã bãi bỏ từ {today:%d/%m/%Y}: "
        "Đăng ký việc nuôi con nuôi trong nước"
    ) in shown
    assert "Thủ tục đã có quy trình (1) Mã TTHC Tên thủ tục Quy trình đang hiệu lực 2.000635" in shown


def test_inspectors_choose_the_organisation_others_see_only_theirs(app, session, secretary, inspector, outsider):
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "a.csv", (FIXTURES / "procedures.csv").read_bytes())

    inspecting = signed_in(app, inspector)
    page = inspecting.get("/procedures/coverage?organization=XA-LOCBINH")
    assert page.status_code == 200
    assert "UBND xã Lộc Bình" in text_of(page) and "0/14" in text_of(page)
    assert '<option selected value="XA-LOCBINH">' in page.get_data(as_text=True)
    assert inspecting.get("/procedures?organization=XA-LOCBINH").status_code == 200
    assert inspecting.get("/procedures/coverage?organization=KHONG-CO").status_code == 404
    assert "Chưa có danh mục thủ tục hành chính." in text_of(inspecting.get("/procedures/coverage"))

    other = signed_in(app, outsider)
    assert other.get("/procedures/coverage?organization=XA-LOCBINH").status_code == 404
    assert "0/0" in text_of(other.get("/procedures/coverage"))


def test_the_navigation_links_to_the_catalogue_and_coverage(app, staff):
    html = signed_in(app, staff).get("/").get_data(as_text=True)
    assert 'href="/procedures"' in html and 'href="/procedures/coverage"' in html
