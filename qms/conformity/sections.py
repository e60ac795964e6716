"""The body of a document cut into sections at its headings, in paragraphs or in the rows of a two-column table."""

from __future__ import annotations

from dataclasses import dataclass, field

from qms.conformity.blocks import BODY, Block, Paragraph, Table, one_line
from qms.conformity.headings import (
    ANNEX,
    TOC,
    Heading,
    Numbering,
    ends_section,
    heading_of,
    name_key,
    split_numbering,
)

# A table with this many rows naming sections is a layout of sections ("Thời hạn giải quyết | Trong ngày").
_SECTION_ROWS = 2


@dataclass
class Section:
    #: None for what comes before the first heading, and for headings of no known kind.
    kind: str | None
    #: The heading as written ("5.2. Thành phần hồ sơ"); empty for the front matter.
    heading: str
    number: Numbering | None = None
    blocks: list[Block] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The section's paragraphs, one line each (tables left out)."""
        return [block.text for block in self.blocks if isinstance(block, Paragraph)]

    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]


def split_sections(blocks: list[Block]) -> list[Section]:
    """The front matter, then one section per heading; page headers and footers are left out.

    A table of contents (MỤC LỤC) names the sections before they come: its entries stay in it until a
    heading it named comes again. After an annex (phụ lục, the agency's e-forms), a heading of a kind
    already read belongs to the annex: it is not the process's section.
    """
    sections = _split(blocks, contents=True)
    toc = next((section for section in sections if section.kind == TOC), None)
    if toc is not None and toc is sections[-1]:  # no entry came again: it was not a table of contents
        sections = _split(blocks, contents=False)
    return sections


def _split(blocks: list[Block], *, contents: bool) -> list[Section]:
    sections = [Section(None, "")]
    listed: set[str] | None = None  # the keys of the table of contents' entries while in it
    seen: set[str] = set()
    annexed = False
    for block in blocks:
        if block.region != BODY:
            continue
        current = sections[-1]
        if isinstance(block, Paragraph):
            heading = heading_of(block.text, styled=block.styled, bold=block.bold)
            if listed is not None:
                if heading is not None and _entry_key(heading.text) in listed:
                    listed = None
                else:
                    listed.add(_entry_key(block.text))
                    current.blocks.append(block)
                    continue
            if heading is not None and heading.kind == TOC and contents and not seen:
                sections.append(_open(heading))
                listed = set()
                continue
            if heading is not None and annexed and heading.kind in seen:
                heading = None
            if heading is not None and ends_section(heading, current.number):
                sections.append(_open(heading))
                seen.add(heading.kind or "")
                annexed = annexed or heading.kind == ANNEX
                continue
        elif listed is None and not annexed and _is_section_table(block):
            opened = _table_sections(block, current)
            seen.update(section.kind or "" for section in opened)
            sections.extend(opened)
            continue
        current.blocks.append(block)
    return sections


def _entry_key(text: str) -> str:
    """A contents entry or heading without its numbering, dot leaders and page number: "1. MỤC ĐÍCH ..... 3"."""
    _, name = split_numbering(" ".join(text.split()))
    return name_key(name.partition(":")[0]).rstrip(" 0123456789")


def _open(heading: Heading) -> Section:
    section = Section(heading.kind, heading.text, heading.number)
    if heading.rest:
        section.blocks.append(Paragraph(heading.rest))
    return section


def _row_heading(texts: list[str]) -> tuple[Heading, int] | None:
    """A known heading in the first cell, or a number in the first and the name in the second; and the cells it took."""
    cells = [one_line(text) for text in texts]
    if not cells or not cells[0]:
        return None
    number, remainder = split_numbering(cells[0] + " ")
    if number is not None and not remainder and len(cells) > 1:
        heading = heading_of(f"{cells[0]} {cells[1]}")
        if heading is not None and heading.kind is not None:
            return heading, 2
    heading = heading_of(cells[0])
    if heading is not None and heading.kind is not None:
        return heading, 1
    return None


def _is_section_table(table: Table) -> bool:
    count = sum(1 for index in range(len(table.rows)) if _row_heading(table.texts(index)) is not None)
    return count >= _SECTION_ROWS


def _table_sections(table: Table, current: Section) -> list[Section]:
    """Each heading row opens a section whose content is the rest of the row, a line per cell paragraph."""
    opened: list[Section] = []
    for index, row in enumerate(table.rows):
        texts = table.texts(index)
        found = _row_heading(texts)
        cells = [cell for cell in row if not cell.spanned]
        if found is not None:
            heading, used = found
            current = _open(heading)
            opened.append(current)
            cells = [cell for cell in row[used:] if not cell.spanned]
        for cell in cells:
            current.blocks.extend(Paragraph(line.strip()) for line in cell.text.splitlines() if line.strip())
    return opened
