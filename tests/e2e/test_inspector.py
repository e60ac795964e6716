"""The inspector from the Department of Science and Technology: the province overview, an agency's registers
downloaded as Word and Excel files that open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def download(page: Page, link, folder: Path) -> Path:
    with page.expect_download() as started:
        link.click()
    received = started.value
    assert received.failure() is None
    path = folder / received.suggested_filename
    received.save_as(path)
    return path


def test_inspector_reads_the_overview_and_downloads_registers_that_open(open_page, tmp_path):
    page = open_page("thanhtra")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Tổng quan tỉnh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan tỉnh")
    loc_binh = page.get_by_role("row").filter(has=page.get_by_role("link", name="UBND xã Lộc Bình"))
    expect(loc_binh).to_contain_text("XA-LOCBINH")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name="UBND xã Đồng Đăng"))).to_have_count(1)

    overview = download(page, page.get_by_role("link", name=re.compile("Xuất Excel")), tmp_path)
    assert re.fullmatch(r"tong-quan-kiem-soat-tai-lieu_\d{4}-\d\d-\d\d\.xlsx", overview.name)
    cells = [str(value) for row in load_workbook(overview).active.iter_rows(values_only=True) for value in row if value]
    assert "UBND xã Lộc Bình" in cells

    loc_binh.get_by_role("link", name="Sổ sách").click()
    expect(page.get_by_role("main")).to_contain_text("UBND xã Lộc Bình")
    internal = page.get_by_role("row").filter(has_text="Danh mục tài liệu nội bộ")

    as_excel = download(page, internal.get_by_role("link", name=re.compile(r"Excel")), tmp_path)
    assert re.fullmatch(r"danh-muc-tai-lieu-noi-bo_XA-LOCBINH_\d{4}-\d\d-\d\d\.xlsx", as_excel.name)
    rows = [" ".join(str(v) for v in row if v) for row in load_workbook(as_excel).active.iter_rows(values_only=True)]
    assert any("QT-HT-04" in row and "Cấp bản sao trích lục hộ tịch" in row for row in rows)

    as_word = download(page, internal.get_by_role("link", name=re.compile(r"Word")), tmp_path)
    assert re.fullmatch(r"danh-muc-tai-lieu-noi-bo_XA-LOCBINH_\d{4}-\d\d-\d\d\.docx", as_word.name)
    word = WordDocument(str(as_word))
    text = "\n".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
    assert "QT-HT-04" in text and "Cấp bản sao trích lục hộ tịch" in text
