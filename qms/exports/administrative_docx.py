"""A table in the form of a Vietnamese administrative document, as a Word file (python-docx).

The layout follows Nghị định 30/2020/NĐ-CP: A4, Times New Roman 13, the issuing agency at the left and the
national motto at the right of a borderless two-column table, the place and date under the motto, a bold
centred title, and a table whose heading row repeats on every page. Every value is written as text.

A register also carries "Trang x/y" in the footer of every page and, under the table, the signature block of
the forms agencies keep: the person who drew it up (Người lập biểu) at the left, the place and date line over
the head of the agency (Thủ trưởng cơ quan) at the right. The columns are fitted to their content
(``qms.exports.column_widths``) unless relative widths are given.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime

from docx import Document as WordDocument
from docx.document import Document as WordFile
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from qms.exports import column_widths as fitting
from qms.exports.xlsx import Cell, LocalTime, clean_text
from qms.models import Organization

FONT = "Times New Roman"
SIZE = Pt(13)
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"
PREPARER = "NGƯỜI LẬP BIỂU"
HEAD = "THỦ TRƯỞNG CƠ QUAN"
PREPARER_HINT = "(Ký, ghi rõ họ tên)"
HEAD_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"
_PLACE = re.compile(r"\b(?:xã|phường|thị trấn|thị xã|thành phố|tỉnh|huyện|quận|đặc khu)\s+(.+)$", re.IGNORECASE)


def place_of(organization: Organization) -> str:
    """The place name of the date line: from the agency's name ("UBND xã Lộc Bình" → "Lộc Bình") or its parent's."""
    current: Organization | None = organization
    while current is not None:
        found = _PLACE.search(current.name)
        if found:
            return found.group(1).strip()
        current = current.parent
    return "……"


def date_line(place: str, day: date) -> str:
    """"Lộc Bình, ngày 05 tháng 3 năm 2026": a zero before days under 10 and before months 1 and 2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def document_bytes(
    organization: Organization,
    title: str,
    subtitle: str,
    headings: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    widths: Sequence[int] | None = None,
    made_on: date,
    landscape: bool = True,
    signed: bool = False,
    intro: Sequence[str] = (),
    page_numbers: bool = False,
) -> bytes:
    """The Word file: header block, title, subtitle, then the table; ``signed``: the page numbers and the signature
    block of a register, whose date line then stands over the head's signature instead of under the motto.
    Without ``widths`` the columns are fitted to their content; ``intro``: paragraphs between the subtitle and the
    table (a heading in capitals is set in bold); ``page_numbers``: "Trang x/y" without a signature block."""
    word = WordDocument()
    _set_fonts(word)
    usable = _set_page(word, landscape)
    _header_block(word, organization, None if signed else made_on, usable)
    _paragraph(word.add_paragraph(), title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(12))
    if subtitle:
        _paragraph(word.add_paragraph(), subtitle, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for number, text in enumerate(intro):
        _paragraph(word.add_paragraph(), text, bold=text.isupper(), align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                   space_before=Pt(12) if number == 0 or text.isupper() else Pt(3))
    _table(word, headings, rows, widths, usable)
    if signed or page_numbers:
        _page_numbers(word)
    if signed:
        _signature_block(word, organization, made_on, usable)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _set_fonts(word: WordFile) -> None:
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = SIZE
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(0)


def _set_page(word: WordFile, landscape: bool) -> int:
    """A4 with the decree's margins; the usable width in EMU."""
    section = word.sections[0]
    short, long = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    return int(section.page_width - section.left_margin - section.right_margin)


def _header_block(word: WordFile, organization: Organization, made_on: date | None, usable: int) -> None:
    table = word.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    for column, cell, share in zip(table.columns, (left, right), (0.42, 0.58), strict=True):
        column.width = cell.width = int(usable * share)
    parent = organization.parent
    first = left.paragraphs[0]
    if parent is not None:
        _paragraph(first, parent.name.upper(), align=WD_ALIGN_PARAGRAPH.CENTER)
        first = left.add_paragraph()
    _paragraph(first, organization.name.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(right.paragraphs[0], MOTTO, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(right.add_paragraph(), MOTTO_LINE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if made_on is not None:
        _paragraph(right.add_paragraph(), date_line(place_of(organization), made_on), italic=True,
                   align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(6))


def _table(word: WordFile, headings: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[int] | None,
           usable: int) -> None:
    texts = [[_text(value) for value in values] for values in rows]
    size: float | None = None
    if widths is None:
        column_widths, size = fitting.fitted_with_size(headings, texts, usable)
    else:
        total = sum(widths)
        column_widths = [int(usable * width / total) for width in widths]
    table = word.add_table(rows=1, cols=len(headings))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # the widths hold: a fixed layout, not one the word processor fits itself
    for column, width in zip(table.columns, column_widths, strict=True):
        column.width = width
    heading_row = table.rows[0]
    _repeat_as_heading(heading_row._tr)
    for cell, heading, width in zip(heading_row.cells, headings, column_widths, strict=True):
        cell.width = width
        _paragraph(cell.paragraphs[0], heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    for values in texts:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row is read on one page
        cells = row.cells
        for cell, value, width in zip(cells, values, column_widths, strict=True):
            cell.width = width
            _paragraph(cell.paragraphs[0], value, size=size)
    # The last row keeps with what follows, the signature block (LibreOffice honours it when it can).
    for cell in table.rows[-1].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _page_numbers(word: WordFile) -> None:
    """"Trang x/y" centred in the footer of every page, as fields the word processor fills in."""
    footer = word.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Trang ").font.size = Pt(11)
    _field(paragraph, "PAGE")
    paragraph.add_run("/").font.size = Pt(11)
    _field(paragraph, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) as Word writes it: begin, instruction, separator, a placeholder result, end."""

    def run_with(element: str, **attributes: str) -> BaseOxmlElement:
        run = paragraph.add_run()
        run.font.size = Pt(11)
        child = OxmlElement(element)
        for name, value in attributes.items():
            child.set(qn(name), value)
        run._r.append(child)
        return child

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    code = run_with("w:instrText", **{"xml:space": "preserve"})
    code.text = f" {instruction} "
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run("1").font.size = Pt(11)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


def _signature_block(word: WordFile, organization: Organization, made_on: date, usable: int) -> None:
    """Người lập biểu at the left; the place and date line over Thủ trưởng cơ quan at the right; room to sign."""
    table = word.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    for column, cell in zip(table.columns, (left, right), strict=True):
        column.width = cell.width = usable // 2
    # The left column starts one line lower, level with the head's title under the date line.
    _paragraph(left.paragraphs[0], "", space_before=Pt(12))
    _paragraph(left.add_paragraph(), PREPARER, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(left.add_paragraph(), PREPARER_HINT, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(right.paragraphs[0], date_line(place_of(organization), made_on), italic=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(12))
    _paragraph(right.add_paragraph(), HEAD, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(right.add_paragraph(), HEAD_HINT, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for cell in (left, right):  # room for the signature and the seal
        for _ in range(4):
            cell.add_paragraph()
    # One block, never split across two pages.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _text(value: Cell) -> str:
    if isinstance(value, LocalTime):
        return str(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _paragraph(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    space_before: Pt | None = None,
    size: float | None = None,
) -> Paragraph:
    run = paragraph.add_run(clean_text(text))  # a run's text is stored as text, whatever it contains
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if space_before is not None:
        paragraph.paragraph_format.space_before = space_before
    return paragraph


def _repeat_as_heading(tr: CT_Row) -> None:
    """Word repeats a row marked w:tblHeader at the top of every page the table runs onto."""
    properties = tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.insert_element_before(
        marker, "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"
    )


def _no_borders(table: Table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # The schema orders the children of w:tblPr; borders come before shading, layout, margins and look.
    properties.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
        "w:tblPrChange",
    )
