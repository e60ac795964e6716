"""The registers, generated from the data: rows checked in the .docx and .xlsx files themselves."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from sqlalchemy import update
from support.factories import fixture_file, make_docx, make_effective, upload

from qms import clock
from qms.documents import lifecycle
from qms.errors import NotFound
from qms.exports import administrative_docx
from qms.exports.xlsx import HEADING_ROW
from qms.inspection import register_files, registers
from qms.legal import register as legal
from qms.models import Document, Revision
from qms.periodic_review.schedule import add_months

FORMULA_TITLE = '=HYPERLINK("http://example.invalid","Bấm vào đây")'


def sheet_rows(content: bytes) -> tuple[list[str], list[list[object]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headings = [cell.value for cell in sheet[HEADING_ROW]]
    rows = [list(values) for values in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)]
    return headings, rows


def word_table(content: bytes) -> tuple[WordDocument, list[list[str]]]:
    word = WordDocument(io.BytesIO(content))
    table = word.tables[1]
    return word, [[cell.text for cell in row.cells] for row in table.rows]


def ddmmyyyy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


@pytest.fixture
def agency_documents(session, files, admin, secretary, reviewer, approver, document, today):
    """QT-HT-04 in force (issue 1, citing a replaced decree) with issue 2 returned; a policy in force; a form
    whose title looks like a formula; a manual in draft; a copy of a law (external); next year's objectives approved."""
    legal.create_legal_document(session, admin, number="61/2018/NĐ-CP", doc_type="Nghị định", title="Về một cửa",
                                issuer="Chính phủ", issued_on=date(2018, 4, 23), effective_from=date(2018, 6, 21),
                                today=clock.today())
    legal.create_legal_document(session, admin, number="118/2025/NĐ-CP", title="Một cửa mới",
                                effective_from=date(2025, 7, 1), replaces=["61/2018/NĐ-CP"], today=clock.today())
    process = make_effective(session, files, document, secretary, reviewer, approver, today,
                             fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    returned = upload(session, files, secretary, document, make_docx("Lần 2"), "Cập nhật căn cứ pháp lý")
    lifecycle.act(session, secretary, returned.id, "submit", today=today)
    lifecycle.act(session, reviewer, returned.id, "return", today=today, comment="Thiếu biểu mẫu")

    def new(code: str, title: str, kind: str):
        return lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=code, title=title,
                                         kind=kind)

    policy = make_effective(session, files, new("CSCL", "Chính sách chất lượng", "policy"), secretary, reviewer,
                            approver, today)
    form = make_effective(session, files, new("BM-01", FORMULA_TITLE, "form"), secretary, reviewer, approver, today)
    upload(session, files, secretary, new("STCL", "Sổ tay chất lượng", "manual"))
    make_effective(session, files, new("LHT", "Luật Hộ tịch", "external"), secretary, reviewer, approver, today)
    objectives = upload(session, files, secretary, new("MTCL", "Mục tiêu chất lượng", "objectives"))
    lifecycle.act(session, secretary, objectives.id, "submit", today=today)
    lifecycle.act(session, reviewer, objectives.id, "pass", today=today, comment="Đã xem")
    lifecycle.act(
        session, approver, objectives.id, "approve", today=today, effective_from=today + timedelta(days=30),
            comment="Đã xem"
    )
    return {"process": process, "returned": returned, "policy": policy, "form": form, "objectives": objectives}


def test_internal_register_lists_the_documents_in_force_in_both_files(session, inspector, agency_documents, today):
    register = registers.register(session, inspector, "XA-LOCBINH", "internal", as_of=today)
    policy, form, process = (agency_documents[k] for k in ("policy", "form", "process"))
    in_a_year, in_two_years = add_months(today, 12), add_months(today, 24)  # the policy's interval is 24 months
    expected = [
        [1, "CSCL", "Chính sách chất lượng", "Chính sách chất lượng", 1, today, today, in_two_years],
        [2, "QT-HT-04", "Cấp bản sao trích lục hộ tịch", "Quy trình giải quyết TTHC", 1, today, today, in_a_year],
        [3, "BM-01", FORMULA_TITLE, "Biểu mẫu", 1, today, today, in_a_year],
    ]
    assert register.rows == expected
    assert {policy.effective_from, form.effective_from, process.effective_from} == {today}

    headings, rows = sheet_rows(register_files.render(register, "xlsx", made_on=today))
    assert headings == ["STT", "Mã hiệu", "Tên tài liệu", "Loại tài liệu", "Lần ban hành", "Ngày ban hành",
                        "Ngày hiệu lực", "Hạn xem xét định kỳ"]
    assert [[*row[:5], row[5].date(), row[6].date(), row[7].date()] for row in rows] == expected
    formula = openpyxl.load_workbook(io.BytesIO(register_files.render(register, "xlsx", made_on=today))).active
    assert formula.cell(row=HEADING_ROW + 3, column=3).data_type == "s"  # text, not a formula

    word, table = word_table(register_files.render(register, "docx", made_on=today))
    assert table[0] == headings
    assert table[1:] == [[str(value) if not isinstance(value, date) else ddmmyyyy(value) for value in row]
                         for row in expected]


def test_the_word_file_has_the_form_of_an_administrative_document(session, secretary, agency_documents, today):
    register = registers.register(session, secretary, "XA-LOCBINH", "internal", as_of=today)
    word = WordDocument(io.BytesIO(register_files.render(register, "docx", made_on=date(2026, 2, 5))))
    header = word.tables[0]
    left, right = ([p.text for p in cell.paragraphs] for cell in header.rows[0].cells)
    assert left == ["UBND TỈNH LẠNG SƠN", "UBND XÃ LỘC BÌNH"]
    # A register's place and date line stands over the head's signature, under the table (see tests/exports).
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    signed = [p.text for p in word.tables[2].rows[0].cells[1].paragraphs]
    assert signed[:2] == ["Lộc Bình, ngày 05 tháng 02 năm 2026", "THỦ TRƯỞNG CƠ QUAN"]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    assert [p.text for p in word.paragraphs[:2]] == [
        "DANH MỤC TÀI LIỆU NỘI BỘ", f"UBND xã Lộc Bình · tình trạng tại ngày {today:%d/%m/%Y}",
    ]
    assert word.paragraphs[0].runs[0].bold
    normal = word.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13
    table = word.tables[1]
    assert table.style.name == "Table Grid"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])


def test_date_line_and_place(agency):
    assert administrative_docx.date_line("Lộc Bình", date(2026, 3, 9)) == "Lộc Bình, ngày 09 tháng 3 năm 2026"
    assert administrative_docx.date_line("Lộc Bình", date(2026, 1, 15)) == "Lộc Bình, ngày 15 tháng 01 năm 2026"
    assert administrative_docx.place_of(agency["department"]) == "Lạng Sơn"  # from its parent, the province


def test_external_register_lists_the_cited_legal_documents_with_their_status(
    session, inspector, agency_documents, today
):
    register = registers.register(session, inspector, "XA-LOCBINH", "external", as_of=today)
    by_number = {row[1]: row for row in register.rows}
    replaced = by_number["61/2018/NĐ-CP"]
    assert replaced[2:8] == ["Nghị định", "Về một cửa", "Chính phủ", date(2018, 4, 23), date(2018, 6, 21),
                             "Đã bị thay thế (thay thế bởi 118/2025/NĐ-CP)"]
    assert replaced[8] == "QT-HT-04"
    assert [row[0] for row in register.rows] == list(range(1, len(register.rows) + 1))
    headings, rows = sheet_rows(register_files.render(register, "xlsx", made_on=today))
    assert headings[1] == "Số, ký hiệu" and headings[7] == "Tình trạng"
    assert {row[1]: row[7] for row in rows} == {row[1]: row[7] for row in register.rows}
    _word, table = word_table(register_files.render(register, "docx", made_on=today))
    assert [row[1] for row in table[1:]] == [row[1] for row in register.rows]


def test_amendment_register_has_every_revision_with_its_description_and_approver(
    session, inspector, approver, agency_documents, today
):
    register = registers.register(session, inspector, "XA-LOCBINH", "amendments", as_of=today)
    rows = {(row[1], row[3]): row for row in register.rows}
    assert len(register.rows) == 7
    first = rows[("QT-HT-04", 1)]
    assert first[4:] == [1, "Ban hành lần đầu", "Nguyễn Văn Thuky, Công chức Văn phòng - Thống kê", today,
                         f"{approver.full_name}, Chủ tịch UBND xã", today, today, "Đang hiệu lực"]
    drafter = "Nguyễn Văn Thuky, Công chức Văn phòng - Thống kê"
    assert rows[("QT-HT-04", 2)][4:] == [None, "Cập nhật căn cứ pháp lý", drafter, today, "", None, None,
                                         "Bị trả lại: Thiếu biểu mẫu"]
    assert rows[("MTCL", 1)][10:] == [today + timedelta(days=30), "Đã phê duyệt, chờ hiệu lực"]
    assert rows[("STCL", 1)][11] == "Dự thảo"
    headings, sheet = sheet_rows(register_files.render(register, "xlsx", made_on=today))
    assert headings[5] == "Nội dung sửa đổi" and headings[8] == "Người phê duyệt"
    assert [(row[1], row[3], row[5], row[8] or "") for row in sheet] == [
        (row[1], row[3], row[5], row[8]) for row in register.rows
    ]
    _word, table = word_table(register_files.render(register, "docx", made_on=today))
    assert [(row[1], row[5], row[11]) for row in table[1:]] == [(row[1], row[5], row[11]) for row in register.rows]


def test_registers_as_of_an_earlier_day(session, files, secretary, reviewer, approver, inspector, document, today):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    long_ago = clock.now() - timedelta(days=10)
    session.execute(update(Revision).where(Revision.id == first.id).values(
        created_at=long_ago, submitted_at=long_ago, reviewed_at=long_ago, approved_at=long_ago, took_effect_at=long_ago,
        effective_from=today - timedelta(days=10)))
    session.execute(update(Document).where(Document.id == document.id).values(created_at=long_ago))
    session.commit()
    second = make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Lần 2")
    five_days_ago = today - timedelta(days=5)

    then = registers.register(session, inspector, "XA-LOCBINH", "internal", as_of=five_days_ago)
    assert [(row[1], row[4]) for row in then.rows] == [("QT-HT-04", 1)]
    now = registers.register(session, inspector, "XA-LOCBINH", "internal", as_of=today)
    assert [(row[1], row[4]) for row in now.rows] == [("QT-HT-04", second.issue_number)]
    book = registers.register(session, inspector, "XA-LOCBINH", "amendments", as_of=five_days_ago)
    assert [(row[3], row[11]) for row in book.rows] == [(1, "Đang hiệu lực")]
    assert registers.register(session, inspector, "XA-LOCBINH", "internal", as_of=today - timedelta(days=20)).rows == []


def test_who_may_read_the_registers(session, staff, admin, outsider, inspector, agency_documents, today):
    for user in (staff, admin, outsider):
        with pytest.raises(NotFound):
            registers.register(session, user, "XA-LOCBINH", "internal", as_of=today)
    with pytest.raises(NotFound):
        registers.register(session, inspector, "XA-LOCBINH", "khac", as_of=today)
    assert registers.register(session, None, "XA-LOCBINH", "internal", as_of=today).rows
