"""The external register names first what every agency's system rests on: the standard TCVN ISO 9001:2015 and the
model framework of Quyết định 101/QĐ-BKHCN, even when no document cites them; then the documents cited."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from docx import Document as WordDocument
from support.factories import make_effective

from qms import clock
from qms.exports.xlsx import HEADING_ROW
from qms.inspection import register_files, registers
from qms.legal import register as legal

STANDARD = "TCVN ISO 9001:2015"
FRAMEWORK = "101/QĐ-BKHCN"


def test_the_standard_and_the_framework_head_the_external_register_in_both_files(
    session, files, inspector, secretary, reviewer, approver, document, today
):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    register = registers.register(session, inspector, "XA-LOCBINH", "external", as_of=today)
    assert register.rows[0] == [1, STANDARD, "Tiêu chuẩn quốc gia", "Hệ thống quản lý chất lượng - Các yêu cầu",
                                "Bộ Khoa học và Công nghệ", date(2015, 12, 31), None, "Còn hiệu lực", "Toàn bộ HTQLCL"]
    assert register.rows[1][:3] == [2, FRAMEWORK, "Quyết định"]
    assert register.rows[1][5:] == [date(2019, 1, 21), date(2019, 1, 21), "Còn hiệu lực", "Toàn bộ HTQLCL"]
    sheet = openpyxl.load_workbook(io.BytesIO(register_files.render(register, "xlsx", made_on=today))).active
    assert [row[1] for row in sheet.iter_rows(min_row=HEADING_ROW + 1, values_only=True)][:2] == [STANDARD, FRAMEWORK]
    table = WordDocument(io.BytesIO(register_files.render(register, "docx", made_on=today))).tables[1]
    assert [row.cells[1].text for row in table.rows[1:3]] == [STANDARD, FRAMEWORK]


def test_the_legal_register_entry_is_used_when_there_is_one_and_listed_once(
    session, files, admin, inspector, secretary, reviewer, approver, document, today
):
    legal.create_legal_document(session, admin, number=FRAMEWORK, doc_type="Quyết định", title="Mô hình khung",
                                issuer="Bộ Khoa học và Công nghệ", issued_on=date(2019, 1, 21),
                                effective_from=date(2019, 1, 21), today=clock.today())
    legal.create_legal_document(session, admin, number="61/2018/NĐ-CP", doc_type="Nghị định", title="Về một cửa",
                                issuer="Chính phủ", issued_on=date(2018, 4, 23), effective_from=date(2018, 6, 21),
                                today=clock.today())
    legal.create_legal_document(session, admin, number="999/QĐ-BKHCN", title="Mô hình khung mới",
                                effective_from=date(2025, 1, 1), replaces=[FRAMEWORK], today=clock.today())
    make_effective(session, files, document, secretary, reviewer, approver, today)
    register = registers.register(session, inspector, "XA-LOCBINH", "external", as_of=today)
    numbers = [row[1] for row in register.rows]
    assert numbers[:2] == [STANDARD, FRAMEWORK] and numbers.count(FRAMEWORK) == 1
    assert register.rows[1][3] == "Mô hình khung"
    assert register.rows[1][7] == "Đã bị thay thế (thay thế bởi 999/QĐ-BKHCN)"
    assert [row[0] for row in register.rows] == list(range(1, len(register.rows) + 1))


def test_before_the_framework_was_issued_only_the_standard_is_listed(session, inspector, agency):
    register = registers.register(session, inspector, "XA-LOCBINH", "external", as_of=date(2018, 6, 1))
    assert [row[1] for row in register.rows] == [STANDARD]
    assert registers.register(session, inspector, "XA-LOCBINH", "external", as_of=date(2015, 1, 1)).rows == []
