"""The blocks of a .docx: page headers, body and footers; tables as grids with merges resolved, nested tables after.

Only called on files that ``qms.text.extract`` has already accepted (no zip bomb, no DTD).
"""

from __future__ import annotations

import io
from typing import Any

from qms.conformity.blocks import BODY, FOOTER, HEADER, Block, Cell, Paragraph, Table
from qms.text.extract import iter_blocks, paragraph_text
from qms.text.vietnamese import normalize

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_VAL = f"{_W}val"
_HEADING_STYLES = ("heading", "title", "tieu de", "tiêu đề", "đề mục")


def docx_blocks(data: bytes) -> list[Block]:
    """Header blocks, body blocks, footer blocks, in reading order."""
    import docx  # deferred: python-docx is only needed for .docx files

    document = docx.Document(io.BytesIO(data))
    styles = _heading_style_ids(document)
    headers: list[Block] = []
    footers: list[Block] = []
    seen: set[str] = set()
    for section in document.sections:
        for target, region, parts in (
            (headers, HEADER, (section.first_page_header, section.even_page_header, section.header)),
            (footers, FOOTER, (section.first_page_footer, section.even_page_footer, section.footer)),
        ):
            for part in parts:
                if part.is_linked_to_previous:  # no definition of its own: it shows the previous one
                    continue
                name = str(part.part.partname)
                if name in seen:
                    continue
                seen.add(name)
                target.extend(_container_blocks(part._element, region, styles))
    return [*headers, *_container_blocks(document.element.body, BODY, styles), *footers]


def _heading_style_ids(document: Any) -> set[str]:
    """Ids of paragraph styles that are headings by name or outline level (ids differ by language of Word)."""
    ids: set[str] = set()
    try:
        for style in document.styles:
            name = (getattr(style, "name", "") or "").lower()
            element = style.element
            outline = element.find(f"{_W}pPr/{_W}outlineLvl")
            if name.startswith(_HEADING_STYLES) or outline is not None:
                ids.add(style.style_id)
    except Exception:  # noqa: BLE001 - a broken styles part only loses the styling hint
        return ids
    return ids


def _container_blocks(container: Any, region: str, styles: set[str]) -> list[Block]:
    blocks: list[Block] = []
    for element in iter_blocks(container):
        if element.tag == _P:
            text = normalize(paragraph_text(element))
            if text.strip():
                blocks.append(Paragraph(text.strip(), _is_styled(element, styles), region, _is_bold(element)))
        else:
            blocks.extend(_table_blocks(element, region, styles))
    return blocks


def _is_styled(paragraph: Any, styles: set[str]) -> bool:
    properties = paragraph.find(f"{_W}pPr")
    if properties is None:
        return False
    if properties.find(f"{_W}outlineLvl") is not None:
        return True
    style = properties.find(f"{_W}pStyle")
    return style is not None and style.get(_VAL) in styles


def _is_bold(paragraph: Any) -> bool:
    """Every run carrying text is bold (w:b on the run, not switched off)."""
    runs = [run for run in paragraph.iter(f"{_W}r") if "".join(t.text or "" for t in run.iter(f"{_W}t")).strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.find(f"{_W}rPr/{_W}b")
        if bold is None or bold.get(_VAL) in ("0", "false", "off"):
            return False
    return True


def _table_blocks(table: Any, region: str, styles: set[str]) -> list[Block]:
    """The table as a grid, then its nested tables; a one-column table is a frame: its content counts as body."""
    rows, nested = _grid(table)
    if rows and max(len(row) for row in rows) == 1:
        blocks: list[Block] = []
        for tr in table.iterchildren(_TR):
            for tc in tr.iterchildren(_TC):
                blocks.extend(_container_blocks(tc, region, styles))
        return blocks
    blocks = [Table(tuple(tuple(row) for row in rows), region)] if rows else []
    for element in nested:
        blocks.extend(_table_blocks(element, region, styles))
    return blocks


def _grid(table: Any) -> tuple[list[list[Cell]], list[Any]]:
    """Rows of grid cells (merges spread over the columns they cover) and the tables nested in cells."""
    rows: list[list[Cell]] = []
    nested: list[Any] = []
    above: dict[int, str] = {}
    for tr in table.iterchildren(_TR):
        column = _int_property(tr, f"{_W}trPr/{_W}gridBefore", 0)
        row: dict[int, Cell] = {}
        for tc in tr.iterchildren(_TC):
            span = max(1, min(_int_property(tc, f"{_W}tcPr/{_W}gridSpan", 1), 64))
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continued = merge is not None and merge.get(_VAL) in (None, "continue")
            text = above.get(column, "") if continued else _cell_text(tc, nested)
            for offset in range(span):
                row[column + offset] = Cell(text, spanned=offset > 0, continued=continued)
                above[column + offset] = text
            column += span
        if row:
            width = max(row) + 1
            rows.append([row.get(index, Cell("")) for index in range(width)])
    width = max((len(row) for row in rows), default=0)
    return [row + [Cell("")] * (width - len(row)) for row in rows], nested


def _cell_text(tc: Any, nested: list[Any]) -> str:
    """A cell's paragraphs, one per line; tables inside it are kept aside for later."""
    lines: list[str] = []
    for element in iter_blocks(tc):
        if element.tag == _P:
            lines.append(normalize(paragraph_text(element)).strip())
        else:
            nested.append(element)
    return "\n".join(line for line in lines if line)


def _int_property(element: Any, path: str, default: int) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return int(found.get(_VAL, default))
    except (TypeError, ValueError):
        return default
