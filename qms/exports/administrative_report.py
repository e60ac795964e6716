"""A report or minutes in the Vietnamese administrative format (the layout of ``administrative_docx``): header block,
title, numbered sections of paragraphs and tables, signature block; the same data always gives the same bytes.

Word files are zip packages whose entries carry the time they were written, and whose core properties carry the
times of creation and change; both are set to the day the document is dated, so generating it twice gives the same
bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from docx import Document as WordDocument
from docx.document import Document as WordFile
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from qms.exports import administrative_docx as layout
from qms.exports.xlsx import Cell
from qms.models import Organization


@dataclass(frozen=True)
class Table:
    headings: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    widths: Sequence[int]


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: Sequence[str] = ()
    table: Table | None = None
    #: Paragraphs after the table.
    after: Sequence[str] = field(default_factory=tuple)


def report_bytes(
    organization: Organization,
    title: str,
    subtitle: str,
    sections: Sequence[Section],
    *,
    made_on: date,
    opening: Sequence[str] = (),
    signatures: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The Word file (A4 portrait): header block of the issuing organisation, title, opening paragraphs, sections,
    then one signature column per (title, name) pair."""
    word = WordDocument()
    layout._set_fonts(word)
    usable = layout._set_page(word, landscape=False)
    layout._header_block(word, organization, made_on, usable)
    layout._paragraph(word.add_paragraph(), title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=Pt(12))
    if subtitle:
        layout._paragraph(word.add_paragraph(), subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for text in opening:
        layout._paragraph(word.add_paragraph(), text, space_before=Pt(6))
    for section in sections:
        layout._paragraph(word.add_paragraph(), section.heading, bold=True, space_before=Pt(12))
        for text in section.paragraphs:
            layout._paragraph(word.add_paragraph(), text, space_before=Pt(3))
        if section.table is not None:
            layout._table(word, section.table.headings, section.table.rows, section.table.widths, usable)
        for text in section.after:
            layout._paragraph(word.add_paragraph(), text, space_before=Pt(3))
    if signatures:
        _signatures(word, signatures, usable)
    stamp = datetime(made_on.year, made_on.month, made_on.day, tzinfo=UTC)
    properties = word.core_properties
    properties.created = properties.modified = properties.last_printed = stamp
    properties.author = properties.last_modified_by = organization.name
    properties.title = title
    properties.revision = 1
    out = io.BytesIO()
    word.save(out)
    return fixed_package(out.getvalue(), made_on)


def _signatures(word: WordFile, signatures: Sequence[tuple[str, str]], usable: int) -> None:
    layout._paragraph(word.add_paragraph(), "", space_before=Pt(12))
    table = word.add_table(rows=1, cols=len(signatures))
    layout._no_borders(table)
    for column, cell, (role, name) in zip(table.columns, table.rows[0].cells, signatures, strict=True):
        column.width = cell.width = usable // len(signatures)
        layout._paragraph(cell.paragraphs[0], role, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        layout._paragraph(cell.add_paragraph(), "(Ký, ghi rõ họ tên)", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for _blank in range(3):
            cell.add_paragraph()
        layout._paragraph(cell.add_paragraph(), name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def fixed_package(content: bytes, day: date) -> bytes:
    """The same package with every entry dated ``day`` at midnight, in the same order, compressed alike."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()
