"""Reading a process document into its structure, from .docx files of many shapes, a PDF, and broken files."""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable

import pytest
from docx import Document as WordDocument
from docx.table import Table as WordTable
from support.factories import FIXTURES, pdf_of_content

from qms.conformity.reader import read_structure, read_text_structure
from qms.conformity.structure import Structure
from qms.text.extract import extract_text

STEP_HEADER = ["Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"]


def docx_bytes(build: Callable[[WordDocument], None]) -> bytes:
    word = WordDocument()
    build(word)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def fill(table: WordTable, rows: list[list[str]]) -> WordTable:
    for row, values in zip(table.rows, rows, strict=False):
        for cell, text in zip(row.cells, values, strict=False):
            cell.text = text
    return table


def add_table(container, rows: list[list[str]]) -> WordTable:  # noqa: ANN001 - a document or a cell
    return fill(container.add_table(rows=len(rows), cols=len(rows[0])), rows)


def read(data: bytes, name: str = "quy-trinh.docx") -> Structure:
    structure = read_structure(data, name)
    assert json.loads(json.dumps(structure.to_dict())) == structure.to_dict()
    return structure


# --- the fixtures ---------------------------------------------------------------------------------


def test_a_fixture_document_is_read_whole():
    structure = read((FIXTURES / "documents" / "QT-HT-01_dang-ky-khai-sinh_lan-02.docx").read_bytes())
    control = structure.control
    assert (control.code, control.issue_number, control.issue_date) == ("QT-HT-01", 2, "2025-07-15")
    assert [(s.role, s.name, s.title) for s in control.signatures] == [
        ("draft", "Nguyễn Thị Lan", "Công chức Tư pháp - Hộ tịch"),
        ("review", "Hoàng Văn Minh", "Phó Chủ tịch UBND"),
        ("approve", "Lý Văn Đức", "Chủ tịch UBND"),
    ]
    assert [(row.issue, row.date) for row in structure.amendments] == [("02", "15/07/2025")]
    assert "61/2018/NĐ-CP" in structure.amendments[0].description
    assert [(c.name, c.original, c.copy) for c in structure.dossier.components] == [
        ("Tờ khai đăng ký khai sinh theo mẫu", True, False),
        ("Giấy chứng sinh", True, False),
        ("Giấy tờ tuỳ thân của người đi đăng ký", False, True),
    ]
    assert structure.stated_time.hours == 8
    rows = structure.steps.rows
    assert [(s.number, s.time_text, s.hours) for s in rows] == [
        ("1", "01 giờ", 1), ("2", "04 giờ", 4), ("3", "02 giờ", 2), ("4", "0,5 giờ", 0.5), ("5", "0,5 giờ", 0.5)
    ]
    assert rows[0].responsible == "Công chức BPTN&TKQ" and rows[0].forms == ["Mẫu 01", "Mẫu 06"]
    assert structure.steps.columns == ["step", "content", "responsible", "time", "results"]
    assert [f.code for f in structure.forms.items] == ["Mẫu 01", "Mẫu 02", "Mẫu 06", "Mẫu 07", "TK-KS"]
    assert [(r.place, r.retention) for r in structure.records.items] == [
        ("Công chức Tư pháp - Hộ tịch", "Vĩnh viễn"), ("BPTN&TKQ", "05 năm")
    ]
    kinds = [section.kind for section in structure.sections]
    assert kinds.index("legal_basis") < kinds.index("dossier") < kinds.index("steps") < kinds.index("records")


def test_the_stored_form_reads_back_the_same():
    structure = read((FIXTURES / "documents" / "QT-CT-02_chung-thuc-chu-ky_lan-01.docx").read_bytes())
    assert Structure.from_dict(json.loads(json.dumps(structure.to_dict()))) == structure
    assert structure.dossier.reference == "Theo quy định hiện hành" and structure.dossier.components == []
    assert structure.steps.rows[1].time_text == "" and structure.steps.rows[1].hours is None


def test_the_text_extracted_at_upload_gives_the_same_steps():
    data = (FIXTURES / "documents" / "QT-XD-01_giay-phep-xay-dung_lan-01.docx").read_bytes()
    from_text = read_text_structure(extract_text(data, "x.docx").text)
    assert [(s.number, s.responsible, s.hours) for s in from_text.steps.rows] == [
        (s.number, s.responsible, s.hours) for s in read(data).steps.rows
    ]
    assert from_text.control.code == "QT-XD-01" and len(from_text.forms.items) == 4


# --- other shapes ---------------------------------------------------------------------------------


def test_other_heading_words_numbering_and_lists():
    def build(word: WordDocument) -> None:
        word.add_paragraph("UBND PHƯỜNG ĐÔNG KINH")
        word.add_paragraph("Mã số tài liệu: QT.TP.05 - Lần ban hành: 03 - Ngày ban hành: 02/01/2026")
        word.add_paragraph("I. CĂN CỨ PHÁP LÝ")
        word.add_paragraph("- Nghị định 23/2015/NĐ-CP")
        word.add_paragraph("II. THÀNH PHẦN, SỐ LƯỢNG HỒ SƠ")
        word.add_paragraph("a) Tờ khai theo mẫu (bản chính);")
        word.add_paragraph("b) Bản sao giấy tờ tuỳ thân;")
        word.add_paragraph("Số lượng: 01 bộ")
        word.add_paragraph("III. THỜI HẠN GIẢI QUYẾT: 03 ngày làm việc")
        word.add_paragraph("IV. TRÌNH TỰ THỰC HIỆN")
        add_table(word, [
            ["STT", "Các bước công việc", "Người thực hiện", "Thời hạn", "Sản phẩm"],
            ["1", "Tiếp nhận", "Bộ phận một cửa", "1/2 ngày", "Mẫu số 01"],
            ["2", "Xử lý", "Công chức Tư pháp", "02 ngày làm việc", "BM.TP.02"],
            ["3", "Trả kết quả", "Bộ phận một cửa", "04 giờ làm việc", ""],
        ])
        word.add_paragraph("V. DANH MỤC BIỂU MẪU")
        word.add_paragraph("- Mẫu số 01: Tờ khai")
        word.add_paragraph("- BM.TP.02 – Phiếu xử lý")
        word.add_paragraph("VI. HỒ SƠ LƯU")
        word.add_paragraph("- Tờ khai, lưu tại Bộ phận một cửa, thời gian lưu 05 năm")

    structure = read(docx_bytes(build))
    assert (structure.control.code, structure.control.issue_number) == ("QT.TP.05", 3)
    assert structure.control.issue_date == "2026-01-02"
    assert structure.dossier.section == "II. THÀNH PHẦN, SỐ LƯỢNG HỒ SƠ"
    assert [(c.name, c.original, c.copy) for c in structure.dossier.components] == [
        ("Tờ khai theo mẫu (bản chính)", True, None), ("Bản sao giấy tờ tuỳ thân", None, True)
    ]
    assert (structure.stated_time.value, structure.stated_time.unit) == (3, "working_day")
    assert [(s.number, s.responsible, s.hours) for s in structure.steps.rows] == [
        ("1", "Bộ phận một cửa", 4), ("2", "Công chức Tư pháp", 16), ("3", "Bộ phận một cửa", 4)
    ]
    assert [s.forms for s in structure.steps.rows] == [["Mẫu 01"], ["BM.TP.02"], []]
    assert [(f.code, f.name) for f in structure.forms.items] == [("Mẫu 01", "Tờ khai"), ("BM.TP.02", "Phiếu xử lý")]
    assert [(r.record, r.place, r.retention) for r in structure.records.items] == [
        ("Tờ khai", "Bộ phận một cửa", "05 năm")
    ]


def test_hồ_sơ_gồm_with_the_list_on_the_heading_line_and_letters_as_numbering():
    def build(word: WordDocument) -> None:
        word.add_paragraph("5. Nội dung")
        word.add_paragraph("b) Hồ sơ gồm: Đơn đề nghị; Giấy tờ chứng minh")
        word.add_paragraph("c) Thời gian xử lý: Trong ngày")

    structure = read(docx_bytes(build))
    assert structure.dossier.section == "b) Hồ sơ gồm"
    assert [c.name for c in structure.dossier.components] == ["Đơn đề nghị; Giấy tờ chứng minh"]
    assert structure.stated_time.unit == "same_day"


def test_extra_and_merged_columns_and_a_banner_row():
    def build(word: WordDocument) -> None:
        word.add_paragraph("5.7. Quy trình xử lý")
        table = word.add_table(rows=6, cols=7)
        fill(table, [
            ["TT", "Nội dung", "Trách nhiệm", "Thời gian", "", "Kết quả", "Ghi chú"],
            ["Giai đoạn tiếp nhận"],
            ["1", "Tiếp nhận", "Công chức một cửa", "01 giờ", "", "Mẫu 01", ""],
            ["2", "Thẩm định", "Công chức Tư pháp", "04 giờ", "", "Dự thảo", "Nếu cần"],
            ["3", "Trình ký", "", "", "", "Tờ trình", ""],
            ["4", "Ký", "Chủ tịch UBND", "02 giờ", "", "Giấy xác nhận", ""],
        ])
        table.cell(0, 3).merge(table.cell(0, 4))  # "Thời gian" over two grid columns
        table.cell(1, 0).merge(table.cell(1, 6))  # a phase title over the whole row
        table.cell(3, 2).merge(table.cell(4, 2))  # one person for steps 2 and 3
        table.cell(3, 3).merge(table.cell(4, 3))  # one time for steps 2 and 3
        for row, text in ((3, "Công chức Tư pháp"),):
            table.cell(row, 2).text = text
        table.cell(3, 3).text = "04 giờ"

    structure = read(docx_bytes(build))
    rows = structure.steps.rows
    assert [s.number for s in rows] == ["1", "2", "3", "4"]
    assert [s.responsible for s in rows] == [
        "Công chức một cửa", "Công chức Tư pháp", "Công chức Tư pháp", "Chủ tịch UBND"
    ]
    assert [(s.hours, s.shared_time) for s in rows] == [(1, False), (4, False), (None, True), (2, False)]
    assert rows[0].results == "Mẫu 01"


def test_a_steps_table_split_in_two_with_and_without_the_header_again():
    def build(repeat: bool) -> Callable[[WordDocument], None]:
        def inner(word: WordDocument) -> None:
            word.add_paragraph("5.7. Quy trình xử lý công việc")
            add_table(word, [STEP_HEADER, ["Bước 1", "Tiếp nhận", "Một cửa", "01 giờ", "Mẫu 01"],
                             ["Bước 2", "Thẩm định", "Tư pháp", "04 giờ", ""]])
            word.add_paragraph("")
            word.add_paragraph("(tiếp theo)")
            rest = [["Bước 3", "Ký", "Chủ tịch", "02 giờ", ""],
                    ["Bước 4", "Trả kết quả", "Một cửa", "01 giờ", "Mẫu 07"]]
            add_table(word, [STEP_HEADER, *rest] if repeat else rest)
            word.add_paragraph("6. Biểu mẫu")
            add_table(word, [["TT", "Mã hiệu", "Tên biểu mẫu"], ["1", "Mẫu 01", "Giấy tiếp nhận"]])
        return inner

    for repeat in (True, False):
        steps = read(docx_bytes(build(repeat))).steps
        assert [s.number for s in steps.rows] == ["1", "2", "3", "4"] and steps.tables == 2
        assert sum(s.hours for s in steps.rows) == 8


def test_a_document_with_only_paragraphs():
    def build(word: WordDocument) -> None:
        word.add_paragraph("QUY TRÌNH CẤP BẢN SAO TỪ SỔ GỐC")
        word.add_paragraph("Mã hiệu: QT-CT-05. Lần ban hành: 01. Ngày ban hành: 05/01/2026.")
        word.add_paragraph("Thành phần hồ sơ:")
        word.add_paragraph("- Giấy tờ tuỳ thân (bản chính để đối chiếu);")
        word.add_paragraph("- Đơn đề nghị.")
        word.add_paragraph("Thời hạn giải quyết: trong ngày.")
        word.add_paragraph("Trình tự thực hiện:")
        word.add_paragraph("Bước 1: Tiếp nhận hồ sơ - Công chức một cửa - 01 giờ - Mẫu 01")
        word.add_paragraph("Bước 2: Tra cứu sổ gốc. Trách nhiệm: Công chức Tư pháp. Thời gian: 04 giờ.")
        word.add_paragraph("Bước 3: Ký bản sao - Chủ tịch UBND")
        word.add_paragraph("Biểu mẫu:")
        word.add_paragraph("Mẫu 01: Giấy tiếp nhận hồ sơ")
        word.add_paragraph("Hồ sơ cần lưu:")
        word.add_paragraph("Đơn đề nghị, lưu tại Bộ phận một cửa, 05 năm.")

    structure = read(docx_bytes(build))
    assert (structure.control.code, structure.control.issue_number) == ("QT-CT-05", 1)
    assert len(structure.dossier.components) == 2 and structure.dossier.components[0].original is True
    assert [(s.number, s.responsible, s.time_text) for s in structure.steps.rows] == [
        ("1", "Công chức một cửa", "01 giờ"), ("2", "Công chức Tư pháp", "04 giờ"), ("3", "Chủ tịch UBND", "")
    ]
    assert structure.steps.rows[0].forms == ["Mẫu 01"]
    assert [f.code for f in structure.forms.items] == ["Mẫu 01"]
    assert structure.records.items[0].retention == "05 năm"


def test_the_control_block_in_the_page_header_nested_tables_and_signatures_down_a_column():
    def build(word: WordDocument) -> None:
        header = word.sections[0].header
        table = header.add_table(rows=1, cols=2, width=word.sections[0].page_width)
        fill(table, [["UBND XÃ", "Mã hiệu: QT-HT-09\nLần ban hành: 04\nNgày ban hành: 10/10/2025"]])
        frame = word.add_table(rows=1, cols=2)
        frame.cell(0, 0).text = "Khung"
        add_table(frame.cell(0, 1), [
            ["", "Họ và tên", "Chức vụ"],
            ["Soạn thảo", "Nguyễn Văn A", "Công chức"],
            ["Kiểm tra", "Trần Văn B", "Phó Chủ tịch"],
            ["Phê duyệt", "Lê Văn C", "Chủ tịch"],
        ])
        word.add_paragraph("5.7. Quy trình")
        layout = word.add_table(rows=1, cols=2)
        layout.cell(0, 0).text = "Bảng"
        add_table(layout.cell(0, 1), [STEP_HEADER, ["Bước 1", "Tiếp nhận", "Một cửa", "01 giờ", ""]])

    structure = read(docx_bytes(build))
    assert (structure.control.code, structure.control.issue_number, structure.control.issue_date) == (
        "QT-HT-09", 4, "2025-10-10"
    )
    assert [(s.role, s.name, s.title) for s in structure.control.signatures] == [
        ("draft", "Nguyễn Văn A", "Công chức"), ("review", "Trần Văn B", "Phó Chủ tịch"),
        ("approve", "Lê Văn C", "Chủ tịch"),
    ]
    assert [(s.number, s.hours) for s in structure.steps.rows] == [("1", 1)]


def test_a_document_framed_in_a_one_cell_table_is_read_as_body():
    def build(word: WordDocument) -> None:
        cell = word.add_table(rows=1, cols=1).cell(0, 0)
        cell.text = "5.2. Thành phần hồ sơ"
        cell.add_paragraph("- Tờ khai")
        cell.add_paragraph("5.7. Quy trình xử lý")
        add_table(cell, [STEP_HEADER, ["1", "Tiếp nhận", "Một cửa", "01 giờ", ""]])

    structure = read(docx_bytes(build))
    assert [c.name for c in structure.dossier.components] == ["Tờ khai"]
    assert len(structure.steps.rows) == 1


def test_sections_laid_out_in_a_two_column_table():
    def build(word: WordDocument) -> None:
        add_table(word, [
            ["Thành phần hồ sơ", "- Tờ khai\n- Giấy chứng sinh"],
            ["Thời hạn giải quyết", "Trong ngày"],
            ["Lệ phí", "Không"],
        ])

    structure = read(docx_bytes(build))
    assert [c.name for c in structure.dossier.components] == ["Tờ khai", "Giấy chứng sinh"]
    assert structure.stated_time.hours == 8


# --- PDF ------------------------------------------------------------------------------------------


def pdf_with_text(lines: list[tuple[int, int, str]]) -> bytes:
    """A one-page PDF whose text layer puts each string at (x, y), as a table's cells are placed."""
    operations = ["BT /F1 9 Tf"] + [f"1 0 0 1 {x} {y} Tm ({text}) Tj" for x, y, text in lines] + ["ET"]
    return pdf_of_content("\n".join(operations).encode("latin-1"))


def row(y: int, *cells: str) -> list[tuple[int, int, str]]:
    columns = (40, 90, 230, 370, 450)
    return [(x, y, text) for x, text in zip(columns, cells, strict=False) if text]


def test_a_pdf_with_a_text_layer_is_read_as_far_as_its_text_allows():
    lines = [
        (40, 760, "QUY TRINH CAP BAN SAO TRICH LUC"),
        (40, 745, "Ma hieu: QT-HT-04   Lan ban hanh: 02"),
        (40, 720, "5.2. Thanh phan ho so"),
        (40, 708, "- To khai cap ban sao trich luc (ban chinh)"),
        (40, 696, "- Giay to tuy than (ban sao)"),
        (40, 680, "5.7. Quy trinh xu ly cong viec"),
        *row(665, "Buoc", "Noi dung", "Trach nhiem", "Thoi gian", "Bieu mau"),
        *row(652, "Buoc 1", "Tiep nhan ho so", "Cong chuc mot cua", "01 gio", "Mau 01"),
        *row(639, "Buoc 2", "Tra cuu, in trich luc", "Cong chuc Tu phap", "04 gio", ""),
        *row(626, "Buoc 3", "Ky ban sao", "", "02 gio", "Mau 05"),
        (40, 605, "6. Bieu mau"),
        (40, 593, "- Mau 01: Giay tiep nhan ho so"),
        (40, 575, "7. Ho so can luu"),
        (40, 563, "- To khai, luu tai Bo phan mot cua, thoi gian luu 05 nam"),
    ]
    structure = read(pdf_with_text(lines), "quy-trinh.pdf")
    assert structure.source == "pdf" and structure.readable
    assert (structure.control.code, structure.control.issue_number) == ("QT-HT-04", 2)
    assert [(c.original, c.copy) for c in structure.dossier.components] == [(True, None), (None, True)]
    assert [(s.number, s.responsible, s.hours) for s in structure.steps.rows] == [
        ("1", "Cong chuc mot cua", 1), ("2", "Cong chuc Tu phap", 4), ("3", "", 2)
    ]
    assert structure.steps.rows[2].forms == ["Mẫu 05"]
    assert [f.code for f in structure.forms.items] == ["Mẫu 01"]
    assert structure.records.items[0].retention == "05 nam"


def test_a_pdf_without_a_text_layer_is_unreadable():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    structure = read(buffer.getvalue(), "scan.pdf")
    assert (structure.source, structure.readable) == ("pdf", False) and "scanned" in structure.problem


# --- broken files ---------------------------------------------------------------------------------


def broken_files() -> list[tuple[str, bytes]]:
    good = (FIXTURES / "documents" / "QT-HT-04_trich-luc_lan-01.docx").read_bytes()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document><w:body><w:p>")
    return [
        ("empty.docx", b""),
        ("random.docx", bytes(random.Random(5).randrange(256) for _ in range(4000))),
        ("truncated.docx", good[: len(good) // 2]),
        ("broken-xml.docx", zipped.getvalue()),
        ("garbage.pdf", b"%PDF-1.7\n garbage garbage"),
        ("truncated.pdf", pdf_with_text([(40, 700, "Quy trinh cap ban sao trich luc ho tich")])[:300]),
        ("legacy.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600),
    ]


@pytest.mark.parametrize(("name", "data"), broken_files(), ids=[name for name, _ in broken_files()])
def test_a_broken_file_gives_an_unreadable_structure_never_an_error(name, data):
    structure = read(data, name)
    assert structure.readable is False and structure.problem


def test_bytes_flipped_anywhere_in_a_document_never_raise():
    good = bytearray((FIXTURES / "documents" / "QT-CT-02_chung-thuc-chu-ky_lan-01.docx").read_bytes())
    rng = random.Random(11)
    for _ in range(25):
        damaged = bytearray(good)
        for _ in range(20):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        assert isinstance(read(bytes(damaged)), Structure)
