"""Every cell of every workbook the application writes is text, unless it is a number or a date it computed.

An organisation, a document or a heading named like a formula stays the text it is: no cell is a formula.
"""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from support.factories import make_effective

from qms.accounts import organizations
from qms.exports import xlsx
from qms.inspection import overview, overview_file, register_files, registers

FORMULA = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'


def formula_cells(content: bytes) -> list[str]:
    """Where the workbook holds a formula, as sheet!cell."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]


def texts(content: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def test_the_shared_writer_keeps_titles_headings_and_values_as_text():
    content = xlsx.workbook_bytes(
        "=A1 [tổng]: */?\\'", FORMULA, ["=1+1", "@SUM(A1)", "Số", "Tỷ lệ", "Ngày", "Trống"],
        [[FORMULA, "+1", 3, 2.5, date(2026, 3, 5), None]],
        subtitle="=cmd|' /C calc'!A0",
    )
    assert formula_cells(content) == []
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "=A1  tổng"
    assert sheet["A1"].value == FORMULA and sheet["A2"].value == "=cmd|' /C calc'!A0"
    assert [c.value for c in sheet[xlsx.HEADING_ROW]][:2] == ["=1+1", "@SUM(A1)"]
    values = [c.value for c in sheet[xlsx.HEADING_ROW + 1]]
    assert values[:4] == [FORMULA, "+1", 3, 2.5] and values[4].date() == date(2026, 3, 5)
    assert [c.data_type for c in sheet[xlsx.HEADING_ROW + 1]][:4] == ["s", "s", "n", "n"]


def test_registers_of_an_organisation_named_like_a_formula_hold_no_formula(
    session, files, admin, inspector, secretary, reviewer, approver, document, today
):
    commune = organizations.by_code(session, "XA-LOCBINH")
    organizations.update(session, admin, commune.id, code=commune.code, name=FORMULA, parent_id=commune.parent_id)
    make_effective(session, files, document, secretary, reviewer, approver, today)
    for kind in ("internal", "external", "amendments"):
        register = registers.register(session, inspector, "XA-LOCBINH", kind, as_of=today)
        content = register_files.render(register, "xlsx", made_on=today)
        assert formula_cells(content) == [], kind
        assert any(text.startswith(FORMULA) for text in texts(content)), kind


def test_the_overview_of_organisations_named_like_formulas_holds_no_formula(session, admin, inspector, today):
    organizations.create(session, admin, "XA-CONGTHUC", FORMULA, "TINH-LS")
    organizations.create(session, admin, "THON-1", "=1+2", "XA-CONGTHUC")
    for parent in (None, "XA-CONGTHUC"):
        found = overview.overview(session, inspector, today=today, parent_code=parent)
        content = overview_file.workbook(found, made_on=today)
        assert formula_cells(content) == []
        assert FORMULA in texts(content) and "=1+2" in texts(content)
