"""Reading processes as real agencies write them (issue 15): no false error, each finding placed and quoted.

Documents are made here with python-docx, one class of writing per test; the examples in
tests/fixtures/reading/ (reduced from real processes) read as their README says.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from sqlalchemy import select
from support.factories import upload

from qms import conformity
from qms.catalogue.statutory_time import parse_cases, parse_time
from qms.conformity.checks import Context, Statutory, run_checks
from qms.conformity.reader import read_structure
from qms.conformity.structure import Structure
from qms.documents import lifecycle
from qms.models import AuditEntry, Citation, LegalDocument, RevisionCheck

READING = Path(__file__).resolve().parents[1] / "fixtures" / "reading"
STEPS = ["TT", "Nội dung công việc", "Trách nhiệm", "Thời gian"]


# --- a small builder of process documents ---------------------------------------------------------


class Process:
    """A .docx process document written the way one agency writes it."""

    def __init__(self) -> None:
        self.word = WordDocument()

    def line(self, text: str, *, bold: bool = False) -> Process:
        paragraph = self.word.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold or None
        return self

    def lines(self, *texts: str) -> Process:
        for text in texts:
            self.line(text)
        return self

    def table(self, rows: list[list[str]], *, merge_down: tuple[int, int, int] | None = None) -> Process:
        """A table; ``merge_down`` (column, first row, last row) merges a column's cells over rows."""
        table = self.word.add_table(rows=len(rows), cols=max(len(row) for row in rows))
        for cells, values in zip(table.rows, rows, strict=False):
            for cell, text in zip(cells.cells, values, strict=False):
                cell.text = text
        if merge_down is not None:
            column, first, last = merge_down
            top = table.cell(first, column)
            text = top.text
            top.merge(table.cell(last, column))
            top.text = text
        return self

    def footer(self, text: str) -> Process:
        self.word.sections[0].footer.is_linked_to_previous = False
        self.word.sections[0].footer.paragraphs[0].text = text
        return self

    def heading_paragraph(self, text: str) -> Process:
        paragraph = self.word.add_paragraph(text)
        properties = paragraph._p.get_or_add_pPr()
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "1")
        properties.append(outline)
        return self

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()

    def read(self) -> Structure:
        return read_structure(self.bytes(), "quy-trinh.docx")


def standard(time_line: str = "b. Thời hạn giải quyết: 03 ngày làm việc.",
             steps: list[list[str]] | None = None, header: list[str] | None = None) -> Process:
    """A process in the 101/QĐ-BKHCN model with everything an inspector asks for."""
    process = Process().lines("1. MỤC ĐÍCH", "Quy định trình tự.", "5. NỘI DUNG", "a. Thành phần hồ sơ:",
                              "- Tờ khai (bản chính);", time_line)
    process.table([header or STEPS, *(steps or [["1", "Tiếp nhận", "Công chức một cửa", "01 ngày"],
                                                ["2", "Ký duyệt", "Chủ tịch UBND", "01 ngày"]])])
    process.lines("6. BIỂU MẪU", "- Mẫu 01: Tờ khai", "7. HỒ SƠ CẦN LƯU")
    process.table([["TT", "Tên hồ sơ", "Nơi lưu", "Thời gian lưu"], ["1", "Tờ khai", "Bộ phận một cửa", "05 năm"]])
    return process


def findings(structure: Structure, **overrides) -> list:
    """The findings with the document's own statement as the statutory time, as without a catalogue."""
    stated = structure.stated_time
    statutory = (
        Statutory(stated.hours, stated.text, stated.unit, section=stated.section, cases=list(stated.cases))
        if stated.hours else None
    )
    values = {"is_process": True, "document_code": structure.control.code or "QT-01",
              "expected_issue": structure.control.issue_number, "issued": True, "statutory": statutory}
    return run_checks(structure, Context(**{**values, **overrides}))


def codes(found: list) -> list[str]:
    return [finding.code for finding in found]


def errors(found: list) -> list:
    return [finding for finding in found if finding.severity == "error"]


# --- 1. precision: an error only when sure, else «không đọc được» naming the place ------------------


def test_a_steps_table_the_reader_cannot_read_is_an_info_naming_the_section_never_an_error():
    structure = (
        Process().lines("5. NỘI DUNG", "a. Thành phần hồ sơ:", "- Tờ khai;", "b. Thời hạn giải quyết: 03 ngày.",
                        "k. Quy trình các bước xử lý công việc")
        .table([["Công đoạn", "Người làm", "Ghi chú"], ["Tiếp nhận", "Một cửa", ""]])
        .lines("6. BIỂU MẪU", "- Mẫu 01: Tờ khai", "7. HỒ SƠ CẦN LƯU", "- Tờ khai, lưu tại Một cửa, 05 năm").read()
    )
    found = findings(structure)
    assert errors(found) == []
    unread = [f for f in found if f.code == "not_read"]
    assert len(unread) == 1 and unread[0].severity == "info"
    assert unread[0].where["section"] == "k. Quy trình các bước xử lý công việc"
    assert "Không đọc được" in unread[0].message and unread[0].quote == "Công đoạn | Người làm | Ghi chú"


def test_every_finding_names_its_place_and_quotes_what_was_read():
    structure = standard(steps=[["1", "Tiếp nhận", "", "01 ngày"], ["2", "Ký", "Chủ tịch", "05 ngày"]]).read()
    found = findings(structure)
    assert codes(found) == ["step_no_responsible", "time_exceeds_statutory"]
    nobody, exceeded = found
    assert nobody.where == {"section": "b. Thời hạn giải quyết", "step": "1", "row": "1"}
    assert nobody.quote == "1 | Tiếp nhận | 01 ngày" and nobody.severity == "error"
    assert exceeded.quote == "03 ngày làm việc" and "6 ngày" in exceeded.message


# --- 2. sections: contents, headings of every form, notes and annexes --------------------------------


def test_sections_after_a_table_of_contents_are_the_real_ones():
    structure = (
        Process().lines("MỤC LỤC", "1. Mục đích ........ 2", "6. Biểu mẫu ........ 5", "7. Hồ sơ cần lưu ..... 6")
        .table([["Trách nhiệm", "Soạn thảo", "Xem xét", "Phê duyệt"], ["Họ tên", "Nguyễn A", "Trần B", "Lê C"]])
        .lines("1. Mục đích", "Quy định trình tự.", "6. Biểu mẫu", "- Mẫu 02: Đơn đề nghị", "7. Hồ sơ cần lưu")
        .table([["TT", "Tên hồ sơ", "Nơi lưu", "Thời gian lưu"], ["1", "Đơn đề nghị", "Một cửa", "05 năm"]])
        .read()
    )
    assert structure.forms.section == "6. Biểu mẫu" and [f.code for f in structure.forms.items] == ["Mẫu 02"]
    assert [r.record for r in structure.records.items] == ["Đơn đề nghị"]
    assert [s.name for s in structure.control.signatures] == ["Nguyễn A", "Trần B", "Lê C"]


@pytest.mark.parametrize(
    ("dossier", "steps"),
    [
        ("II. THÀNH PHẦN HỒ SƠ", "III. QUY TRÌNH XỬ LÝ"),
        ("5.2. Thành phần hồ sơ", "5.7. Quy trình xử lý công việc"),
        ("a. Thành phần hồ sơ", "k. Quy trình các bước xử lý công việc"),
        ("Thành phần hồ sơ gồm", "Trình tự thực hiện"),
    ],
)
def test_headings_in_every_common_form(dossier, steps):
    structure = (
        Process().line(dossier, bold=True).lines("- Đơn đề nghị (bản chính);", "- Giấy tờ nhân thân (bản sao).")
        .line(steps, bold=True)
        .table([STEPS, ["1", "Tiếp nhận", "Một cửa", "04 giờ"]]).read()
    )
    assert [c.name for c in structure.dossier.components] == ["Đơn đề nghị (bản chính)", "Giấy tờ nhân thân (bản sao)"]
    assert [step.hours for step in structure.steps.rows] == [4]


def test_a_bold_heading_with_words_of_its_own_is_a_heading_a_plain_sentence_is_not():
    bold = Process().line("Thành phần hồ sơ nộp tại xã", bold=True).lines("- Tờ khai;").read()
    plain = Process().lines("Thành phần hồ sơ nộp tại xã gồm nhiều thứ khác nhau", "- Tờ khai;").read()
    assert [c.name for c in bold.dossier.components] == ["Tờ khai"]
    assert plain.dossier.section is None


def test_notes_and_annexed_e_forms_are_not_dossier_or_steps():
    structure = (
        Process().lines("a. Thành phần hồ sơ:", "- Tờ khai (bản chính);", "Lưu ý: công chức kiểm tra kỹ giấy tờ.",
                        "k. Quy trình các bước xử lý công việc")
        .table([STEPS, ["1", "Tiếp nhận", "Một cửa", "01 ngày"]])
        .lines("PHỤ LỤC: BIỂU MẪU ĐIỆN TỬ", "Thành phần hồ sơ", "- Mục điền số CCCD")
        .table([STEPS, ["1", "Điền mẫu", "Người dân", "10 ngày"]]).read()
    )
    assert [c.name for c in structure.dossier.components] == ["Tờ khai (bản chính)"]
    assert [step.content for step in structure.steps.rows] == ["Tiếp nhận"]


# --- 2b. the control block: the cover first, running footers that disagree said so ------------------


def test_the_cover_control_table_rules_and_a_disagreeing_footer_is_a_finding():
    structure = (
        Process().table([["UBND XÃ LỘC BÌNH", "QUY TRÌNH ĐĂNG KÝ KHAI SINH", "Mã hiệu: QT-HT-01\nLần ban hành: 02"]])
        .lines("1. Mục đích", "Quy định trình tự.")
        .footer("Mã hiệu: QT-HT-01   Lần ban hành: 01   Trang 1/5").read()
    )
    assert (structure.control.code, structure.control.issue_number) == ("QT-HT-01", 2)
    assert structure.control.running_issue == 1
    found = [f for f in findings(structure, is_process=False, expected_issue=2) if f.code == "metadata_mismatch"]
    assert len(found) == 1 and "(01)" in found[0].message and "(02)" in found[0].message
    assert found[0].where["section"] == "Đầu trang, chân trang" and found[0].severity == "warning"


def test_a_footer_that_agrees_with_the_cover_says_nothing():
    structure = (
        Process().table([["Mã hiệu: QT-HT-01", "Lần ban hành: 02"]]).lines("1. Mục đích", "Quy định trình tự.")
        .footer("QT-HT-01 · Lần ban hành: 02 · Trang 1/5").read()
    )
    assert structure.control.running_issue is None and structure.control.running_code is None


# --- 3. statutory time as cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cases"),
    [
        ("03 ngày làm việc; trường hợp cần xác minh thì không quá 08 ngày làm việc.",
         [("normal", 24.0), ("verification", 64.0)]),
        ("Ngay trong ngày tiếp nhận; trường hợp tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo.",
         [("normal", 8.0), ("after_hours", 16.0)]),
        ("- Thời gian xác minh: 02 ngày làm việc;\n- Thời gian lấy ý kiến: 10 ngày làm việc;",
         [("part", 16.0), ("part", 80.0)]),
        ("xác minh 02 ngày; lấy ý kiến 10 ngày", [("part", 16.0), ("part", 80.0)]),
        ("05 ngày làm việc (trường hợp cần xác minh thì không quá 10 ngày làm việc)",
         [("normal", 40.0), ("verification", 80.0)]),
        ("15 ngày làm việc, đối với hồ sơ phức tạp là 20 ngày làm việc", [("normal", 120.0), ("other", 160.0)]),
        ("Trong thời hạn 15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ, cơ quan có thẩm quyền xem xét, cấp giấy phép cho"
         " người đề nghị theo đúng quy định của pháp luật về xây dựng và các văn bản hướng dẫn thi hành.",
         [("normal", 120.0)]),
    ],
)
def test_a_statutory_time_is_read_as_cases_with_their_conditions(text, cases):
    assert [(case.kind, case.hours) for case in parse_cases(text)] == cases


def test_the_steps_are_compared_with_the_time_in_parts_added_up():
    structure = standard(time_line="b. Thời hạn giải quyết: Thời gian xác minh: 02 ngày; Thời gian lấy ý kiến:"
                                   " 10 ngày.", steps=[["1", "Lấy ý kiến", "Tư pháp", "10 ngày"]]).read()
    assert structure.stated_time.hours == 96 and findings(structure) == []


# --- 3b. steps tables ------------------------------------------------------------------------------


def test_two_time_columns_are_two_cases_each_against_its_own_statutory_case():
    header = [*STEPS[:3], "Thời gian không xác minh", "Trường hợp có xác minh"]
    rows = [["1", "Tiếp nhận", "Một cửa", "01 ngày", "01 ngày"], ["2", "Thẩm tra", "Tư pháp", "02 ngày", "07 ngày"]]
    fits = standard("b. Thời hạn giải quyết: 03 ngày làm việc; trường hợp xác minh không quá 08 ngày.", rows, header)
    structure = fits.read()
    assert [step.hours for step in structure.steps.rows] == [8, 16]
    assert [[t.hours for t in step.times] for step in structure.steps.rows] == [[8, 8], [16, 56]]
    assert [c.kind for c in structure.steps.time_columns] == ["normal", "verification"]
    assert findings(structure) == []
    rows[1][4] = "08 ngày"
    over = standard("b. Thời hạn giải quyết: 03 ngày làm việc; trường hợp xác minh không quá 08 ngày.", rows, header)
    exceeded = findings(over.read())
    assert codes(exceeded) == ["time_exceeds_statutory"]
    assert "Trường hợp có xác minh" in exceeded[0].message and "9 ngày" in exceeded[0].message


def test_a_verification_column_is_never_compared_with_the_normal_limit():
    header = [*STEPS[:3], "Thời gian", "Thời gian có xác minh"]
    rows = [["1", "Thẩm tra", "Tư pháp", "02 ngày", "10 ngày"]]
    assert findings(standard(steps=rows, header=header).read()) == []


@pytest.mark.parametrize(
    ("cell", "heading", "hours"),
    [("½ ngày", "Thời gian", 4), ("1/2 ngày", "Thời gian", 4), ("0,5 ngày", "Thời gian", 4),
     ("04 giờ", "Thời gian", 4), ("01", "Thời gian (ngày)", 8), ("2", "Thời gian thực hiện (giờ)", 2)],
)
def test_times_as_agencies_write_them(cell, heading, hours):
    structure = standard(steps=[["1", "Tiếp nhận", "Một cửa", cell]], header=[*STEPS[:3], heading]).read()
    assert structure.steps.rows[0].hours == hours


def test_a_time_merged_over_steps_counts_once():
    structure = (
        Process().lines("b. Thời hạn giải quyết: 02 ngày làm việc.")
        .table([STEPS, ["1", "Thẩm tra", "Tư pháp", "01 ngày"], ["2", "Trình ký", "Tư pháp", ""],
                ["3", "Ký", "Chủ tịch", "01 ngày"]], merge_down=(3, 1, 2)).read()
    )
    assert [(s.hours, s.shared_time) for s in structure.steps.rows] == [(8, False), (None, True), (8, False)]
    assert codes(findings(structure, is_process=True)).count("time_exceeds_statutory") == 0


def test_repeated_and_skipped_step_numbers_are_noticed():
    rows = [["1", "Tiếp nhận", "Một cửa", "04 giờ"], ["2", "Thẩm tra", "Tư pháp", "04 giờ"],
            ["2", "Trình ký", "Tư pháp", "04 giờ"], ["4", "Ký", "Chủ tịch", "04 giờ"]]
    found = [f for f in findings(standard(steps=rows).read()) if f.code == "step_numbering"]
    assert [(f.where["step"], f.severity) for f in found] == [("2", "warning"), ("4", "warning")]
    assert found[0].quote == "1, 2, 2, 4"


def test_a_table_split_over_pages_is_joined():
    structure = (
        Process().lines("b. Thời hạn giải quyết: 03 ngày làm việc.", "k. Quy trình các bước xử lý công việc")
        .table([STEPS, ["1", "Tiếp nhận", "Một cửa", "01 ngày"]])
        .table([["2", "Thẩm tra", "Tư pháp", "01 ngày"], ["3", "Ký", "Chủ tịch", "01 ngày"]]).read()
    )
    assert [s.number for s in structure.steps.rows] == ["1", "2", "3"] and structure.steps.tables == 2
    assert codes(findings(structure, is_process=False)) == []


def test_a_column_adding_up_to_more_than_its_own_heading_says_so():
    header = [*STEPS[:3], "Thời gian: 02 ngày làm việc"]
    rows = [["1", "Tiếp nhận", "Một cửa", "01 ngày"], ["2", "Ký", "Chủ tịch", "02 ngày"]]
    found = findings(standard("b. Thời hạn giải quyết: 05 ngày làm việc.", rows, header).read())
    assert codes(found) == ["column_total_mismatch"] and found[0].quote == "Thời gian: 02 ngày làm việc"
    fewer = standard("b. Thời hạn giải quyết: 05 ngày làm việc.", rows[:1], header).read()
    assert findings(fewer) == []


# --- 4. dossier, forms, records -------------------------------------------------------------------


def test_a_nested_dossier_lists_components_only():
    structure = Process().lines(
        "a. Thành phần, số lượng hồ sơ:", "Thành phần hồ sơ:", "- Tờ khai đăng ký khai sinh (bản chính);",
        "- Giấy chứng sinh (bản chính).", "Số lượng hồ sơ: 01 bộ",
        "Thời hạn giải quyết: trong ngày", "Lệ phí: không", "Công chức tiếp nhận kiểm tra tính hợp lệ.",
    ).read()
    assert [c.name for c in structure.dossier.components] == [
        "Tờ khai đăng ký khai sinh (bản chính)", "Giấy chứng sinh (bản chính)"
    ]


@pytest.mark.parametrize("reference", ["Theo quy định hiện hành", "Xem quy trình QT-HT-01"])
def test_a_dossier_that_refers_elsewhere_is_a_reference_not_a_list(reference):
    structure = Process().lines("5.2. Thành phần hồ sơ", reference, "5.3. Số lượng hồ sơ: 01 bộ").read()
    assert structure.dossier.reference == reference and structure.dossier.components == []
    found = [f for f in findings(structure) if f.code == "dossier_missing"]
    assert found[0].severity == "error" and found[0].quote == reference


@pytest.mark.parametrize(
    "written",
    [
        ["6. Biểu mẫu", "Mẫu 01: Tờ khai; Mẫu 07: Giấy đề nghị; Tờ khai cấp bản sao"],
        ["6. Biểu mẫu", "- Mẫu 01: Tờ khai", "- Mẫu 07: Giấy đề nghị", "- Tờ khai cấp bản sao"],
    ],
)
def test_forms_as_one_paragraph_or_a_bullet_list(written):
    structure = Process().lines(*written).read()
    assert [(f.code, f.name) for f in structure.forms.items] == [
        ("Mẫu 01", "Tờ khai"), ("Mẫu 07", "Giấy đề nghị"), ("", "Tờ khai cấp bản sao")
    ]


def test_forms_as_a_table_and_a_form_named_in_a_step_but_not_listed():
    structure = (
        Process().lines("5.7. Quy trình xử lý công việc")
        .table([[*STEPS, "Biểu mẫu/Kết quả"], ["1", "Tiếp nhận", "Một cửa", "04 giờ", "Mẫu 01"],
                ["2", "Trả kết quả", "Một cửa", "04 giờ", "Mẫu 09"]])
        .lines("6. Biểu mẫu").table([["TT", "Mã hiệu", "Tên biểu mẫu"], ["1", "Mẫu 01", "Tờ khai"]])
        .lines("7. Hồ sơ cần lưu", "- Tờ khai, lưu tại Một cửa, thời gian lưu 05 năm").read()
    )
    assert [f.code for f in structure.forms.items] == ["Mẫu 01"]
    assert [r.retention for r in structure.records.items] == ["05 năm"]
    missing = [f for f in findings(structure) if f.code == "forms_missing"]
    assert [(f.where["step"], f.severity) for f in missing] == [("2", "warning")]


def test_an_empty_amendment_table_on_issue_two_is_a_finding():
    amendments = [["Yêu cầu sửa đổi", "Trang", "Nội dung sửa đổi", "Lần ban hành", "Ngày"], ["", "", "", "", ""]]
    structure = (
        Process().lines("Mã hiệu: QT-HT-01", "Lần ban hành: 02", "THEO DÕI SỬA ĐỔI TÀI LIỆU").table(amendments)
        .lines("1. Mục đích", "Quy định trình tự.").read()
    )
    found = [f for f in findings(structure, is_process=False) if f.code == "amendments_empty"]
    assert len(found) == 1 and "02" in found[0].message
    first = (
        Process().lines("Mã hiệu: QT-HT-01", "Lần ban hành: 01").table(amendments)
        .lines("1. Mục đích", "Quy định trình tự.").read()
    )
    assert findings(first, is_process=False, expected_issue=1) == []


# --- 5. the legal basis cited by name -------------------------------------------------------------


def test_laws_cited_by_name_resolve_by_title_and_year_and_an_unknown_one_is_said_so(session, files, secretary):
    session.add(LegalDocument(number="60/2014/QH13", doc_type="Luật", title="Luật Hộ tịch",
                              issuer="Quốc hội"))
    session.commit()
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-01",
                                         title="Đăng ký khai sinh", kind="process")
    content = Process().lines("2. Căn cứ pháp lý", "- Luật Hộ tịch năm 2014;", "- Luật Trẻ em năm 2016.",
                              "3. Nội dung").bytes()
    revision = upload(session, files, secretary, document, content)
    cited = session.scalars(select(Citation).where(Citation.revision_id == revision.id)).all()
    assert [c.legal_document.number for c in cited] == ["60/2014/QH13"]
    assert cited[0].raw == "Luật Hộ tịch năm 2014"
    assert session.scalar(select(LegalDocument).where(LegalDocument.title.like("%Trẻ em%"))) is None
    unregistered = [f for f in conformity.stored_check(session, revision.id).findings
                    if f.code == "legal_basis_unregistered"]
    assert [(f.quote, f.severity) for f in unregistered] == [("Luật Trẻ em năm 2016", "info")]
    assert unregistered[0].where["section"] == "2. Căn cứ pháp lý"


# --- 6. a PDF reads as its .docx ------------------------------------------------------------------


def test_a_pdf_with_a_text_layer_reads_as_the_docx_of_the_same_document():
    pdf = read_structure((READING / "r7_pdf_wrapped_cell.pdf").read_bytes(), "r7.pdf")
    docx = read_structure((READING / "r7_pdf_wrapped_cell.docx").read_bytes(), "r7.docx")
    assert pdf.source == "pdf"
    assert [(s.number, s.content, s.responsible, s.hours) for s in pdf.steps.rows] == [
        (s.number, s.content, s.responsible, s.hours) for s in docx.steps.rows
    ]
    assert codes(findings(pdf)) == codes(findings(docx)) == []


# --- 7. the reader's version, the recheck, the dashboard ------------------------------------------


def test_results_of_an_older_reader_are_rechecked_and_the_dashboard_follows(session, files, secretary, today, runner):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-09",
                                         title="Quy trình", kind="process")
    revision = upload(session, files, secretary, document,
                      (READING / "r5_nested_dossier.docx").read_bytes(), filename="r5.docx")
    row = session.scalar(select(RevisionCheck).where(RevisionCheck.revision_id == revision.id))
    assert row.checker_version == conformity.CHECKER_VERSION and json.loads(row.findings) == []
    # As the old reader left it: a false "thiếu thành phần hồ sơ".
    row.checker_version = "1"
    row.findings = json.dumps([{"code": "dossier_missing", "severity": "error", "message": "…", "where": {}}])
    row.finding_count = 1
    session.commit()
    assert conformity.summaries(session, secretary, [revision])[revision.id].errors == 1

    result = runner.invoke(args=["qms", "recheck"])
    assert result.exit_code == 0 and "1 phiên bản" in result.output
    session.expire_all()
    assert conformity.summaries(session, secretary, [revision])[revision.id].count == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "conformity_check")).one()
    assert json.loads(entry.details)["before"] == ["dossier_missing"] and entry.actor_username is None
    assert "0 phiên bản" in runner.invoke(args=["qms", "recheck"]).output


# --- 8. the API keeps its fields and adds the cases -----------------------------------------------


def test_the_api_gives_the_normal_hours_and_the_other_cases_beside_them(client, bearer, session, files, secretary):
    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-08",
                                         title="Quy trình", kind="process")
    revision = upload(session, files, secretary, document,
                      (READING / "r1b_two_time_columns.docx").read_bytes(), filename="r1b.docx")
    body = client.get(f"/api/v1/revisions/{revision.id}/findings", headers=bearer(secretary)).get_json()
    structure = body["structure"]
    assert structure["stated_time"]["hours"] == 24
    assert [(c["kind"], c["hours"]) for c in structure["stated_time"]["cases"]] == [
        ("normal", 24), ("verification", 64)
    ]
    rows = structure["steps"]["rows"]
    assert [(r["hours"], r["shared_time"]) for r in rows] == [(8, False), (16, False)]
    assert [[(t["kind"], t["hours"]) for t in r["times"]] for r in rows] == [
        [("normal", 8), ("verification", 8)], [("normal", 16), ("verification", 56)]
    ]
    assert structure["records"]["items"][0]["record"] == "Tờ khai"
    assert structure["forms"]["items"][0]["code"] == "Mẫu 01"
    assert body["findings"] == []


# --- the examples in reading/, as their README says ------------------------------------------------


def example(name: str) -> Structure:
    return read_structure((READING / name).read_bytes(), name)


def test_r1_a_long_time_heading():
    structure = example("r1_long_time_header.docx")
    assert [step.hours for step in structure.steps.rows] == [8, 8] and findings(structure) == []


def test_r1b_two_time_columns():
    structure = example("r1b_two_time_columns.docx")
    totals = [sum(step.times[i].hours for step in structure.steps.rows) for i in (0, 1)]
    assert totals == [24, 64]
    assert [(c.kind, c.hours) for c in structure.stated_time.cases] == [("normal", 24), ("verification", 64)]
    assert findings(structure) == []


def test_r2_a_table_of_contents():
    structure = example("r2_table_of_contents.docx")
    assert structure.forms.section == "6. BIỂU MẪU" and structure.records.section == "7. HỒ SƠ CẦN LƯU"
    assert [r.record for r in structure.records.items] == ["Tờ khai"]
    assert [s.role for s in structure.control.signatures] == ["draft", "review", "approve"]
    assert findings(structure) == []


def test_r3_half_a_day_and_a_bare_number_under_a_heading_in_days():
    structure = example("r3_half_day.docx")
    assert [step.hours for step in structure.steps.rows] == [4, 8] and findings(structure) == []


def test_r4_a_long_time_sentence_and_steps_that_exceed_it():
    structure = example("r4_long_time_line.docx")
    assert [(c.kind, c.hours) for c in structure.stated_time.cases] == [("normal", 8), ("after_hours", 16)]
    assert sum(step.hours for step in structure.steps.rows) == 40
    found = findings(structure)
    assert [(f.code, f.severity) for f in found] == [("time_exceeds_statutory", "error")]
    assert "5 ngày" in found[0].message


def test_r5_a_nested_dossier():
    structure = example("r5_nested_dossier.docx")
    assert len(structure.dossier.components) == 2 and findings(structure) == []


def test_r6_a_time_of_several_parts():
    structure = example("r6_multicase_time.docx")
    assert [c.kind for c in structure.stated_time.cases] == ["part", "part"]
    assert structure.stated_time.hours == 96 and findings(structure) == []


def test_r7_the_docx_of_the_wrapped_cell():
    structure = example("r7_pdf_wrapped_cell.docx")
    assert [step.hours for step in structure.steps.rows] == [4, 8, 4] and findings(structure) == []


def test_parse_time_reads_half_days_and_ignores_times_of_day():
    assert parse_time("½ ngày") == parse_time("1/2 ngày") == parse_time("0,5 ngày")
    assert parse_time("sau 15 giờ thì 04 giờ")[0] == 4


def test_a_signature_table_in_the_records_section_is_not_a_record():
    structure = (
        Process().lines("7. Hồ sơ cần lưu", "- Tờ khai, lưu tại Một cửa, thời gian lưu 05 năm")
        .table([["Trách nhiệm", "Soạn thảo", "Xem xét", "Phê duyệt"], ["Họ tên", "Nguyễn A", "Trần B", "Lê C"]])
        .read()
    )
    assert [r.record for r in structure.records.items] == ["Tờ khai"]


def test_a_file_with_nothing_read_is_never_an_error():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scan = io.BytesIO()
    writer.write(scan)
    found = findings(read_structure(scan.getvalue(), "ban-quet.pdf"))
    assert [(f.code, f.severity) for f in found] == [("unreadable", "info")]


def test_the_catalogue_cases_rule_each_column(session):
    header = [*STEPS[:3], "Thời gian", "Thời gian có xác minh"]
    structure = standard(steps=[["1", "Thẩm tra", "Tư pháp", "02 ngày", "10 ngày"]], header=header).read()
    catalogue = Statutory(24, "03 ngày làm việc", "working_day", procedure_code="1.000001",
                          cases=parse_cases("03 ngày làm việc; trường hợp xác minh 08 ngày làm việc"))
    found = findings(structure, statutory=catalogue)
    assert [(f.code, f.quote) for f in found] == [("time_exceeds_statutory", "trường hợp xác minh 08 ngày làm việc")]
    assert "1.000001" in found[0].message and "10 ngày" in found[0].message


def test_the_revision_page_shows_the_cases_read_next_to_the_findings(app, session, files, secretary):
    from support.pages import signed_in, text_of

    document = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-07",
                                         title="Quy trình", kind="process")
    revision = upload(session, files, secretary, document,
                      (READING / "r1b_two_time_columns.docx").read_bytes(), filename="r1b.docx")
    page = text_of(signed_in(app, secretary).get(f"/revisions/{revision.id}/findings"))
    assert "Có xác minh (trường hợp xác minh không quá): 64 giờ làm việc" in page
    assert "Có xác minh: 07 ngày = 56 giờ làm việc" in page


def test_a_time_heading_split_by_sub_headings_is_two_cases():
    process = Process().lines("b. Thời hạn giải quyết: 03 ngày làm việc; trường hợp xác minh không quá 08 ngày.")
    table = process.word.add_table(rows=4, cols=5)
    rows = [["TT", "Nội dung công việc", "Trách nhiệm", "Thời gian", ""],
            ["", "", "", "Không xác minh", "Có xác minh"],
            ["1", "Tiếp nhận", "Một cửa", "01 ngày", "01 ngày"],
            ["2", "Thẩm tra", "Tư pháp", "02 ngày", "07 ngày"]]
    for cells, values in zip(table.rows, rows, strict=False):
        for cell, text in zip(cells.cells, values, strict=False):
            cell.text = text
    table.cell(0, 3).merge(table.cell(0, 4)).text = "Thời gian"
    structure = process.read()
    assert [(c.kind, c.heading) for c in structure.steps.time_columns] == [
        ("normal", "Thời gian Không xác minh"), ("verification", "Thời gian Có xác minh")
    ]
    assert [[t.hours for t in step.times] for step in structure.steps.rows] == [[8, 8], [16, 56]]
    assert [f for f in findings(structure, is_process=True) if f.code.startswith(("time", "step", "column"))] == []


def test_steps_each_within_the_day_are_not_a_sure_excess_of_a_same_day_time():
    rows = [["1", "Tiếp nhận", "Một cửa", "Trong ngày"], ["2", "Ký", "Chủ tịch", "Trong ngày"]]
    found = findings(standard("b. Thời hạn giải quyết: Trong ngày.", rows).read())
    assert [(f.code, f.severity) for f in found] == [("time_exceeds_statutory", "warning")]


def test_running_footers_of_a_pdf_are_dropped_from_the_body_and_compared_with_the_cover():
    from qms.conformity.parts import read_parts
    from qms.conformity.text_reader import page_blocks

    footer = "Mã hiệu: QT-HT-01      Lần ban hành: 01      Trang {}/2"
    first = "\n".join([
        "Mã hiệu: QT-HT-01", "Lần ban hành: 02", "1. Mục đích", "Quy định trình tự.",
        "b. Thời hạn giải quyết: 02 ngày làm việc.",
        "TT     Nội dung công việc     Trách nhiệm        Thời gian",
        "1      Tiếp nhận hồ sơ        Công chức một cửa   01 ngày",
        footer.format(1),
    ])
    second = "\n".join([
        "2      Ký duyệt               Chủ tịch UBND      01 ngày",
        "6. Biểu mẫu", "- Mẫu 01: Tờ khai",
        footer.format(2),
    ])
    structure = Structure(source="pdf")
    read_parts(structure, page_blocks([first, second]))
    assert [(s.number, s.responsible, s.hours) for s in structure.steps.rows] == [
        ("1", "Công chức một cửa", 8), ("2", "Chủ tịch UBND", 8)
    ]
    assert (structure.control.issue_number, structure.control.running_issue) == (2, 1)


def test_notes_and_detail_lines_inside_a_steps_table_are_not_steps():
    rows = [["1", "Tiếp nhận", "Một cửa", "01 ngày"], ["", "- Kiểm tra giấy tờ tùy thân", "", ""],
            ["2", "Ký duyệt", "Chủ tịch UBND", "01 ngày"], ["", "Lưu ý: trả qua bưu chính", "", ""]]
    structure = standard(steps=rows).read()
    assert [s.number for s in structure.steps.rows] == ["1", "2"]
    assert "Kiểm tra giấy tờ" in structure.steps.rows[0].content
    assert findings(structure) == []


def test_a_step_number_merged_over_two_rows_is_one_step_on_two_rows_not_a_repeat():
    rows = [["1", "Tiếp nhận", "Một cửa", "04 giờ"], ["2", "Thẩm tra", "Tư pháp", "04 giờ"],
            ["", "Trình ký", "Văn phòng", "04 giờ"], ["3", "Ký", "Chủ tịch", "04 giờ"]]
    process = Process().lines("b. Thời hạn giải quyết: 02 ngày làm việc.").table([STEPS, *rows], merge_down=(0, 2, 3))
    structure = process.read()
    assert [(s.number, s.responsible, s.hours) for s in structure.steps.rows] == [
        ("1", "Một cửa", 4), ("2", "Tư pháp", 4), ("2", "Văn phòng", 4), ("3", "Chủ tịch", 4)
    ]
    assert [f for f in findings(structure) if f.code in ("step_numbering", "time_exceeds_statutory")] == []


def test_a_second_steps_table_starting_again_at_step_one_is_not_added_to_the_first():
    structure = (
        Process().lines("b. Thời hạn giải quyết: 02 ngày làm việc.", "k. Quy trình các bước xử lý công việc")
        .table([STEPS, ["1", "Tiếp nhận", "Một cửa", "01 ngày"], ["2", "Ký", "Chủ tịch", "01 ngày"]])
        .table([STEPS, ["1", "Liên thông", "Một cửa", "01 ngày"], ["2", "Ký", "Chủ tịch", "01 ngày"]])
        .read()
    )
    assert [s.content for s in structure.steps.rows] == ["Tiếp nhận", "Ký"]
    assert codes(findings(structure, is_process=False)) == []


def test_a_note_among_the_dossier_lines_is_skipped_not_the_end_of_the_list():
    structure = Process().lines(
        "a. Thành phần hồ sơ:", "Lưu ý: xuất trình bản chính để đối chiếu.", "- Tờ khai (bản chính);",
        "- Giấy chứng sinh (bản chính).", "b. Thời hạn giải quyết: trong ngày.",
    ).read()
    assert [c.name for c in structure.dossier.components] == ["Tờ khai (bản chính)", "Giấy chứng sinh (bản chính)"]


@pytest.mark.parametrize("total", ["Tổng cộng", "Tổng số ngày", "Thời gian giải quyết", "Tổng thời gian thực hiện"])
def test_a_total_row_is_not_a_step(total):
    rows = [["1", "Tiếp nhận", "Một cửa", "01 ngày"], ["2", "Ký", "Chủ tịch", "01 ngày"], ["", total, "", "02 ngày"]]
    structure = standard(steps=rows).read()
    assert [s.number for s in structure.steps.rows] == ["1", "2"] and structure.steps.stated_total == "02 ngày"
    assert findings(structure) == []
