"""What an inspector takes away, fetched through the pages as an inspector would: the registers page's links, each
register in both formats, and the dossier from the page's form; checked for what a person sees in the files."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
from docx import Document as WordDocument
from support.pages import text_of

from qms import demo
from qms.exports.xlsx import HEADING_ROW
from qms.inspection import registers

TITLES = {"internal": "DANH MỤC TÀI LIỆU NỘI BỘ", "external": "DANH MỤC TÀI LIỆU BÊN NGOÀI",
          "amendments": "SỔ THEO DÕI SỬA ĐỔI TÀI LIỆU"}
SHEETS = {"internal": "Danh mục tài liệu nội bộ", "external": "Danh mục tài liệu bên ngoài",
          "amendments": "Sổ theo dõi sửa đổi tài liệu"}


def test_an_inspector_takes_the_registers_and_the_dossier_away_from_the_pages(app, session, files, today):
    demo.load(session, files, today)
    client = app.test_client()
    signed = client.post("/login", data={"username": "thanhtra", "password": demo.PASSWORD})
    assert signed.status_code == 302
    page = client.get("/organizations/XA-LOCBINH/registers")
    assert page.status_code == 200
    assert "sha256sum -c SHA256SUMS" in text_of(page)
    html = page.get_data(as_text=True)
    links = re.findall(r'href="(/organizations/XA-LOCBINH/registers/(\w+)\.(docx|xlsx))"', html)
    assert sorted((kind, fmt) for _link, kind, fmt in links) == sorted(
        (kind, fmt) for kind in registers.KINDS for fmt in ("docx", "xlsx"))

    for link, kind, fmt in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert f"_XA-LOCBINH_{today.isoformat()}.{fmt}" in response.headers["Content-Disposition"]
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
            assert sheet.title == SHEETS[kind] and sheet["A1"].value == TITLES[kind]
            headings = [cell.value for cell in sheet[HEADING_ROW]]
            assert headings[0] == "STT" and sheet.auto_filter.ref.startswith(f"A{HEADING_ROW}:")
            assert sheet.freeze_panes == f"A{HEADING_ROW + 1}" and sheet.page_setup.orientation == "landscape"
            codes = [row[1] for row in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)]
            if kind == "external":
                assert codes[:2] == ["TCVN ISO 9001:2015", "101/QĐ-BKHCN"] and "61/2018/NĐ-CP" in codes
            if kind == "internal":
                assert "QT-HT-04" in codes
        else:
            word = WordDocument(io.BytesIO(response.data))
            assert word.paragraphs[0].text == TITLES[kind]
            left = [p.text for p in word.tables[0].rows[0].cells[0].paragraphs]
            assert left == ["UBND TỈNH LẠNG SƠN", "UBND XÃ LỘC BÌNH"]
            signature = " ".join(cell.text for cell in word.tables[2].rows[0].cells)
            assert "NGƯỜI LẬP BIỂU" in signature and "THỦ TRƯỞNG CƠ QUAN" in signature
            assert f"Lộc Bình, ngày {today:%d} tháng" in signature
            assert word.sections[0].footer.paragraphs[0].text.startswith("Trang ")

    action = re.search(r'<form method="get" action="([^"]+dossier\.zip)"', html)
    assert action is not None
    response = client.get(action.group(1), query_string={"as_of": today.isoformat()})
    assert response.status_code == 200
    assert f"ho-so-kiem-tra_XA-LOCBINH_{today.isoformat()}.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        cover = WordDocument(io.BytesIO(archive.read("00-bia-va-muc-luc.docx")))
        history = openpyxl.load_workbook(io.BytesIO(archive.read("lich-su/QT-HT-04.xlsx")))
        coverage = openpyxl.load_workbook(io.BytesIO(archive.read("bao-phu-tthc.xlsx"))).active
        sums = archive.read("SHA256SUMS").decode()
    text = [paragraph.text for paragraph in cover.paragraphs]
    assert text[0].startswith("HỒ SƠ KIỂM TRA VIỆC ÁP DỤNG HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG")
    assert "Đơn vị: UBND xã Lộc Bình (mã XA-LOCBINH), thuộc UBND tỉnh Lạng Sơn." in text
    assert any(line.endswith("người lập: Phạm Thu Hà, Chuyên viên phòng Tiêu chuẩn Đo lường Chất lượng.")
               for line in text)
    assert "MỤC LỤC" in text and len(cover.tables[1].rows) == len(names) + 1
    assert history.sheetnames == ["Diễn biến", "Phiên bản"]
    assert history["Diễn biến"]["A1"].value == "LỊCH SỬ KIỂM SOÁT TÀI LIỆU QT-HT-04"
    assert coverage.title == "Bao phủ TTHC" and coverage["A1"].value == "MỨC ĐỘ BAO PHỦ THỦ TỤC HÀNH CHÍNH"
    assert len(sums.splitlines()) == len(names) - 1
