"""How a register's files are laid out for printing, read from the files themselves (the printed result: see
test_register_print.py): workbook print settings, the Word file's footer, signature block and column widths."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
from docx import Document as WordDocument
from docx.oxml.ns import qn
from openpyxl.utils import get_column_letter
from support.factories import make_effective

from qms.exports import administrative_docx, column_widths, xlsx
from qms.inspection import register_files, registers

CM = 360_000


def test_every_sheet_prints_landscape_fitted_to_the_width_with_filters_and_headings_on_each_page():
    content = xlsx.sheets_bytes([
        xlsx.Sheet("Phiên bản", "LỊCH SỬ", ["STT", "Mã", "Lúc"],
                   [[1, "QT-01", xlsx.LocalTime(datetime(2026, 3, 5, 14, 7))], [2, "=1+1", None]], subtitle="Phụ đề"),
        xlsx.Sheet("Phiên bản", "KHÁC", ["A"], []),
    ])
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Phiên bản", "Phiên bản (2)"]
    first, second = book.worksheets
    assert first.auto_filter.ref == "A4:C6" and second.auto_filter.ref == "A4:A4"
    for sheet in (first, second):
        assert sheet.freeze_panes == "A5"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$4:$4"
        assert sheet.oddFooter.center.text == "Trang &P/&N"
    moment = first["C5"]
    assert moment.value == datetime(2026, 3, 5, 14, 7) and moment.number_format == "DD/MM/YYYY HH:MM:SS"
    assert first["B6"].value == "=1+1" and first["B6"].data_type == "s"


def test_a_register_workbook_filters_its_heading_row(session, files, inspector, secretary, reviewer, approver,
                                                    document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    register = registers.register(session, inspector, "XA-LOCBINH", "internal", as_of=today)
    sheet = openpyxl.load_workbook(io.BytesIO(register_files.render(register, "xlsx", made_on=today))).active
    assert sheet.title == "Danh mục tài liệu nội bộ"
    last_column = get_column_letter(len(register.headings))
    assert sheet.auto_filter.ref == f"A4:{last_column}{4 + len(register.rows)}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1


def test_the_word_register_has_page_numbers_a_signature_block_and_fixed_fitted_columns(
    session, files, inspector, secretary, reviewer, approver, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   summary="Cập nhật căn cứ pháp lý theo Nghị định 118/2025/NĐ-CP thay thế Nghị định 61/2018/NĐ-CP, "
                           "rút ngắn thời gian giải quyết ở bước tiếp nhận và trả kết quả")
    register = registers.register(session, inspector, "XA-LOCBINH", "amendments", as_of=today)
    word = WordDocument(io.BytesIO(register_files.render(register, "docx", made_on=date(2026, 3, 5))))
    footer = word.sections[0].footer.paragraphs[0]
    instructions = [node.text.strip() for node in footer._p.iter(qn("w:instrText"))]
    assert footer.text.startswith("Trang ") and instructions == ["PAGE", "NUMPAGES"]
    signature = word.tables[2]
    left, right = ([p.text for p in cell.paragraphs if p.text] for cell in signature.rows[0].cells)
    assert left == ["NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"]
    assert right == ["Lộc Bình, ngày 05 tháng 3 năm 2026", "THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)"]
    table = word.tables[1]
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    widths = [column.width for column in table.columns]
    usable = word.sections[0].page_width - word.sections[0].left_margin - word.sections[0].right_margin
    assert abs(sum(widths) - usable) < len(widths) * 635  # twips rounding
    size = table.rows[0].cells[0].paragraphs[0].runs[0].font.size.pt
    twip = 635  # Word stores widths in twips: a fitted width may lose up to one in rounding
    date_room = column_widths.text_width("05/03/2026", size) + column_widths.CELL_PADDING - twip
    for position, heading in enumerate(register.headings):
        if heading.startswith("Ngày"):
            assert widths[position] >= date_room, heading
        widest = max(column_widths.text_width(word_, size, bold=True) for word_ in heading.split())
        assert widths[position] >= widest + column_widths.CELL_PADDING - twip, heading
    # The change description, the longest text, is given more room than the sequence number.
    assert widths[register.headings.index("Nội dung sửa đổi")] > 2 * widths[0]


def test_fitting_shrinks_the_type_before_it_breaks_a_word():
    headings = ["STT", "Ngày ban hành", "Ngày hiệu lực", "Nội dung"]
    rows = [["1", "05/03/2026", "05/03/2026", "Ban hành lần đầu " * 6]]
    widths, size = column_widths.fitted_with_size(headings, rows, 25 * CM)
    assert size == 13.0 and sum(widths) == 25 * CM
    assert widths[3] == max(widths)
    many = ["Ngày ban hành"] * 14
    widths, size = column_widths.fitted_with_size(many, [["05/03/2026"] * 14], 25 * CM)
    assert size < 13.0 and all(w >= column_widths.text_width("05/03/2026", size) for w in widths)
    assert column_widths.fitted(many, [["05/03/2026"] * 14], 25 * CM, 13.0) is None
    # Diacritics and bold weigh in: a heading in capitals with marks is wider than the same letters bare.
    assert column_widths.text_width("ĐƯỜNG", 13, bold=True) > column_widths.text_width("DUONG", 13)


def test_a_table_given_relative_widths_keeps_them(agency):
    content = administrative_docx.document_bytes(
        agency["commune"], "TIÊU ĐỀ", "", ["A", "B"], [["x", "y"]], widths=[1, 3], made_on=date(2026, 3, 5),
    )
    word = WordDocument(io.BytesIO(content))
    first, second = (column.width for column in word.tables[1].columns)
    assert abs(second - 3 * first) < 2000
    # Without a signature block the date line stays under the motto, and no footer is written.
    right = [p.text for p in word.tables[0].rows[0].cells[1].paragraphs]
    assert right[-1] == "Lộc Bình, ngày 05 tháng 3 năm 2026" and len(word.tables) == 2
