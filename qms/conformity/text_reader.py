"""The blocks of plain text: a PDF's text layer laid out in columns, or text extracted at upload.

Two kinds of table rows are recognised: cells joined by " | " (how ``qms.text.extract`` writes .docx
tables) and chunks separated by wide gaps (how a PDF's layout puts columns); the column of a chunk is
the header column starting nearest to it (layout spacing drifts along a line).
"""

from __future__ import annotations

import io
import logging
import re

from qms.conformity.blocks import FOOTER, Block, Cell, Paragraph, Table
from qms.text.vietnamese import normalize

_BAR = " | "
# A chunk is words separated by at most two spaces; three or more spaces separate columns.
_CHUNK = re.compile(r"\S+(?: {1,2}\S+)*")
_INDENT = 4

_log = logging.getLogger(__name__)

_Chunks = list[tuple[int, str]]


def pdf_blocks(data: bytes) -> list[Block]:
    """The text layer of every page in layout mode (columns kept apart), as blocks."""
    from pypdf import PdfReader  # deferred: pypdf is only needed for .pdf files

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    pages: list[str] = []
    for page in reader.pages:
        try:
            pages.append(page.extract_text(extraction_mode="layout") or "")
        except Exception as exc:  # noqa: BLE001 - layout mode fails on some pages; plain text is better than none
            _log.info("PDF layout extraction failed: %s", exc)
            try:
                pages.append(page.extract_text() or "")
            except Exception:  # noqa: BLE001 - one broken page must not lose the others
                pages.append("")
    return page_blocks(pages)


def page_blocks(pages: list[str]) -> list[Block]:
    """The blocks of pages of text: lines repeated at the top or bottom of most pages are running headers or
    footers, kept once as such (the control block compares them with the cover), not body that splits a table."""
    body, running = _without_running_lines(pages)
    return [*text_blocks("\n".join(body)), *(Paragraph(line, region=FOOTER) for line in running)]


# Page numbers in a running line ("Trang 2/5", "2/5") differ from page to page: compared without digits.
_PAGE_NUMBER = re.compile(r"\d+")
_PAGE_ONLY = re.compile(r"^\s*(?:trang|page)?\s*\d{1,3}\s*(?:/|trên|of)?\s*\d{0,3}\s*$", re.IGNORECASE)
_EDGE = 3


def _without_running_lines(pages: list[str]) -> tuple[list[str], list[str]]:
    """Pages without the header and footer lines repeated on most pages; those lines once, as written first."""
    split = [[line for line in page.splitlines() if line.strip()] for page in pages]
    counts: dict[str, int] = {}
    for lines in split:
        for key in {_running_key(line) for line in (*lines[:_EDGE], *lines[-_EDGE:])}:
            counts[key] = counts.get(key, 0) + 1
    repeated = {key for key, count in counts.items() if len(split) >= 2 and count >= max(2, len(split) // 2 + 1)}
    body: list[str] = []
    running: dict[str, str] = {}
    for lines in split:
        edge = {*range(min(_EDGE, len(lines))), *range(max(0, len(lines) - _EDGE), len(lines))}
        for index, line in enumerate(lines):
            if index in edge and (_running_key(line) in repeated or _PAGE_ONLY.match(line)):
                if not _PAGE_ONLY.match(line):
                    running.setdefault(_running_key(line), " ".join(line.split()))
                continue
            body.append(line)
    return body, list(running.values())


def _running_key(line: str) -> str:
    return _PAGE_NUMBER.sub("#", " ".join(line.split()).lower())


def text_blocks(text: str) -> list[Block]:
    """Paragraph lines and tables (runs of row lines; blank lines do not end a table)."""
    blocks: list[Block] = []
    bar_rows: list[list[str]] = []
    layout_rows: list[_Chunks] = []

    def flush() -> None:
        if bar_rows:
            blocks.append(Table(tuple(tuple(Cell(text) for text in row) for row in bar_rows)))
            bar_rows.clear()
        if layout_rows:
            blocks.append(_layout_table(layout_rows))
            layout_rows.clear()

    for line in normalize(text).replace("\f", "\n").splitlines():
        if not line.strip():
            continue
        if _BAR in line:
            row = [cell.strip() for cell in line.split(_BAR)]
            if layout_rows or (bar_rows and len(bar_rows[-1]) != len(row)):
                flush()
            bar_rows.append(row)
            continue
        chunks = [(match.start(), match.group(0)) for match in _CHUNK.finditer(line)]
        indented = len(line) - len(line.lstrip(" ")) >= _INDENT
        if len(chunks) >= 2 or (layout_rows and indented):
            if bar_rows:
                flush()
            layout_rows.append(chunks)
            continue
        flush()
        blocks.append(Paragraph(" ".join(line.split())))
    flush()
    return blocks


def _layout_table(rows: list[_Chunks]) -> Table:
    """Chunks placed in the columns of the widest row (the header, usually), by the nearest column start."""
    widest = max(rows, key=len)
    starts = [start for start, _ in widest]
    grid: list[tuple[Cell, ...]] = []
    for chunks in rows:
        cells = [""] * len(starts)
        for start, text in chunks:
            index = min(range(len(starts)), key=lambda i: abs(starts[i] - start))
            cells[index] = f"{cells[index]} {text}".strip()
        grid.append(tuple(Cell(text) for text in cells))
    return Table(tuple(grid), wrapped=True)
