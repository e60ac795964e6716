"""Tables as .xlsx workbooks (openpyxl): a title, a bold heading row that stays in view, user text always as text.

Each sheet prints as an inspector takes it away: A4 landscape, fitted to the page's width, the heading row
repeated on every page and filterable, "Trang x/y" in the footer.

Every workbook the application writes is made here, and every cell written here is text unless it is a
number or a date: a string that starts with ``=`` (an organisation named ``=HYPERLINK(…)``) is still a
string, where openpyxl would otherwise store it as a formula. Nothing here writes a formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as OpenpyxlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True)
class LocalTime:
    """A moment as the agency's wall clock showed it (naive, already converted by ``qms.clock``): date and time."""

    value: datetime

    def __str__(self) -> str:
        return self.value.strftime("%d/%m/%Y %H:%M:%S")


Cell = str | int | float | date | LocalTime | None

#: Characters XML 1.0 cannot carry; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_WIDTH = 60
#: Excel holds at most this many characters in a cell and "repairs" a workbook with more.
_MAX_CELL_CHARS = 32_767
#: Characters Excel refuses in a sheet's name, which openpyxl answers with an error.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
#: Row of the headings: the title, the subtitle (or nothing) and a blank line come first.
HEADING_ROW = 4
#: Excel's footer codes: the page number and the number of pages.
FOOTER = "Trang &P/&N"


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its tab name, title, optional subtitle, heading row and rows."""

    name: str
    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    subtitle: str = ""


def clean_text(text: str) -> str:
    """Text a workbook or a Word file can hold: without the control characters XML forbids."""
    return _ILLEGAL.sub("", text)


def workbook_bytes(
    sheet_title: str, title: str, headings: Sequence[str], rows: Iterable[Sequence[Cell]], *, subtitle: str = ""
) -> bytes:
    """One sheet: the title, an optional subtitle, a blank line, the heading row and the rows."""
    return sheets_bytes([Sheet(sheet_title, title, headings, rows, subtitle)])


def sheets_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of one or more sheets, in the order given; tab names made unique."""
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)  # a new workbook starts with one worksheet, the active one
    taken: set[str] = set()
    for position, content in enumerate(sheets):
        sheet = first if position == 0 else book.create_sheet()
        sheet.title = _unique(sheet_name(content.name), taken)
        _fill(sheet, content)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = name[: 31 - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _fill(sheet: Worksheet, content: Sheet) -> None:
    _text(sheet.cell(row=1, column=1), content.title).font = Font(bold=True, size=13)
    if content.subtitle:
        _text(sheet.cell(row=2, column=1), content.subtitle)
    headings = content.headings
    for column, heading in enumerate(headings, start=1):
        cell = _text(sheet.cell(row=HEADING_ROW, column=column), heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(heading) for heading in headings]
    last_row = HEADING_ROW
    for row, values in enumerate(content.rows, start=HEADING_ROW + 1):
        last_row = row
        for column, value in enumerate(values, start=1):
            _put(sheet.cell(row=row, column=column), value)
            widths[column - 1] = max(widths[column - 1], len(_shown(value)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), _MAX_WIDTH)
    sheet.freeze_panes = sheet.cell(row=HEADING_ROW + 1, column=1).coordinate
    if headings:
        sheet.auto_filter.ref = f"A{HEADING_ROW}:{get_column_letter(len(headings))}{last_row}"
    _print_setup(sheet)


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, as wide as one page and as long as it needs, headings on every page, page x/y."""
    sheet.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl gives every sheet its header and footer
    footer.center.text = FOOTER


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
    if isinstance(value, LocalTime):
        cell.value = value.value.replace(tzinfo=None, microsecond=0)  # shown to the second
        cell.number_format = "DD/MM/YYYY HH:MM:SS"
        return
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
    if isinstance(value, LocalTime):
        return "00/00/0000 00:00:00"
    if isinstance(value, date):
        return "00/00/0000"
    return "" if value is None else max(str(value).splitlines() or [""], key=len)
