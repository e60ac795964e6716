"""Tables as .xlsx workbooks (openpyxl): a title, a bold heading row that stays in view, user text always as text.

Every workbook the application writes is made here, and every cell written here is text unless it is a
number or a date: a string that starts with ``=`` (an organisation named ``=HYPERLINK(…)``) is still a
string, where openpyxl would otherwise store it as a formula. Nothing here writes a formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

Cell = str | int | float | date | None

#: Characters XML 1.0 cannot carry; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_WIDTH = 60
#: Excel holds at most this many characters in a cell and "repairs" a workbook with more.
_MAX_CELL_CHARS = 32_767
#: Characters Excel refuses in a sheet's name, which openpyxl answers with an error.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
#: Row of the headings: the title, the subtitle (or nothing) and a blank line come first.
HEADING_ROW = 4


def clean_text(text: str) -> str:
    """Text a workbook or a Word file can hold: without the control characters XML forbids."""
    return _ILLEGAL.sub("", text)


def workbook_bytes(
    sheet_title: str, title: str, headings: Sequence[str], rows: Iterable[Sequence[Cell]], *, subtitle: str = ""
) -> bytes:
    """One sheet: the title, an optional subtitle, a blank line, the heading row and the rows."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one worksheet, the active one
    sheet.title = sheet_name(sheet_title)
    _text(sheet.cell(row=1, column=1), title).font = Font(bold=True, size=13)
    if subtitle:
        _text(sheet.cell(row=2, column=1), subtitle)
    for column, heading in enumerate(headings, start=1):
        cell = _text(sheet.cell(row=HEADING_ROW, column=column), heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(heading) for heading in headings]
    for row, values in enumerate(rows, start=HEADING_ROW + 1):
        for column, value in enumerate(values, start=1):
            _put(sheet.cell(row=row, column=column), value)
            widths[column - 1] = max(widths[column - 1], len(_shown(value)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), _MAX_WIDTH)
    sheet.freeze_panes = sheet.cell(row=HEADING_ROW + 1, column=1).coordinate
    sheet.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_name(text: str) -> str:
    """A name Excel accepts for a sheet: no ``[]:*?/\\``, no quote at either end, 1-31 characters."""
    name = _NOT_IN_SHEET_NAMES.sub(" ", clean_text(text)).strip().strip("'").strip()[:31].strip()
    return name or "Sheet"


def _text(cell: OpenpyxlCell | MergedCell, text: str) -> OpenpyxlCell | MergedCell:
    """The cell holding ``text`` as text, never as a formula, whatever it starts with."""
    cell.value = clean_text(str(text))[:_MAX_CELL_CHARS]
    cell.data_type = "s"
    return cell


def _put(cell: OpenpyxlCell | MergedCell, value: Cell) -> None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        cell.value = value
    elif value is None:
        cell.value = None
    else:
        _text(cell, str(value)).alignment = Alignment(wrap_text=True, vertical="top")


def _shown(value: Cell) -> str:
    if isinstance(value, date):
        return "00/00/0000"
    return "" if value is None else max(str(value).splitlines() or [""], key=len)
