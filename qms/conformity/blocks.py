"""A document as a flat sequence of blocks, paragraphs and table grids, whatever format it came in.

Tables are grids: a merged cell appears in every grid column and row it covers, flagged so that
readers can tell a value of its own from a copy (a time merged over two steps counts once).
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER, BODY, FOOTER = "header", "body", "footer"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    #: Covered by the cell to its left (horizontal merge): a copy of its text, not a value of its own.
    spanned: bool = False
    #: Continues the cell above (vertical merge): the value is shared with the row above.
    continued: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    #: Styled as a heading in the file (Heading n, Title, an outline level).
    styled: bool = False
    region: str = BODY
    #: Every run with text is bold: a heading hint for a known section name with a few extra words.
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    region: str = BODY
    #: Read from a text layout: a row whose first cell is empty may be the wrapped tail of the row above.
    wrapped: bool = False

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def texts(self, index: int) -> list[str]:
        """The texts of one row, one per grid column, merged copies included."""
        return [cell.text for cell in self.rows[index]]


Block = Paragraph | Table


def one_line(text: str) -> str:
    """Cell or paragraph text on one line with single spaces."""
    return " ".join(text.split())
