"""Widths of a Word table's columns fitted to their content, so that no word of a heading and no date is broken.

A word processor breaks a word only when it is wider than its cell. Each column is therefore at least as wide
as the widest word of its heading (bold) and the widest unbreakable piece of its cells (a date ``05/03/2026``,
a code ``QT.TP.05``, a number ``61/2018``); the space left goes to the columns whose text is long, so the
table stays short. Text is measured with Times New Roman's advance widths (LibreOffice's Liberation Serif has
the same metrics), a little generously, so the result holds in Word and in LibreOffice alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: Advance widths of Times New Roman (regular) in thousandths of an em, for the characters whose width differs
#: from the default; a letter with diacritics takes its base letter's width.
_ADVANCE = {
    **dict.fromkeys("abcdeghknopquvxy", 500), **dict.fromkeys("ceaz", 444), "f": 333, "r": 333, "s": 389,
    **dict.fromkeys("ijlt", 278), "m": 778, "w": 722,
    **dict.fromkeys("ACDGHKNOQUVXY", 722), **dict.fromkeys("BR", 667), **dict.fromkeys("ELTZ", 611),
    **dict.fromkeys("FPS", 556), "I": 333, "J": 389, "M": 889, "W": 944,
    **dict.fromkeys("0123456789", 500), **dict.fromkeys(" .,;", 250), **dict.fromkeys(":/", 278),
    **dict.fromkeys("-()[]", 333), "%": 833, "&": 778, "@": 921, "_": 500, "·": 250, "–": 500, "—": 1000,
}
_DEFAULT_ADVANCE = 556
#: Bold Times is wider than regular; text with diacritics (ư, ơ, stacked marks) a little wider still.
_BOLD, _MARKED, _MARGIN_OF_SAFETY = 1.12, 1.04, 1.06
EMU_PER_POINT = 12_700
#: Space a cell takes besides its text: Word's default left and right cell margins (0.19 cm each) and borders.
CELL_PADDING = int(0.5 * 360_000)
#: The sizes tried, largest first: the first at which a row takes at most ``_LINES_PER_ROW`` lines on average, so
#: the register stays short enough to read; failing that, the smallest at which the words fit at all.
SIZES = (13.0, 12.0, 11.0, 10.0)
_LINES_PER_ROW = 3.0
#: Where a word processor may break inside a long word (Unicode line breaking): after a hyphen or a slash that a
#: letter follows, as in ``2.000815.000.00.00.H55/|QĐ-|UBND``; never inside a date or a number like ``61/2018``.
#: Shorter words (codes, numbers of legal documents, dates) are kept whole.
_WHOLE = 16
_BREAKABLE_AFTER = re.compile(r"(?<=[-/])(?=[^\W\d])")


@functools.lru_cache(maxsize=65_536)
def _units(text: str, bold: bool = False) -> float:
    """The width of ``text`` on one line at 1 point, in EMU: widths scale with the size."""
    thousandths = 0.0
    for char in text:
        base = unicodedata.normalize("NFD", char)[0] if char not in "đĐ" else {"đ": "d", "Đ": "D"}[char]
        advance = _ADVANCE.get(base, _DEFAULT_ADVANCE)
        thousandths += advance * (_MARKED if base != char else 1.0)
    factor = (_BOLD if bold else 1.0) * _MARGIN_OF_SAFETY
    return thousandths / 1000 * EMU_PER_POINT * factor


def text_width(text: str, size: float, *, bold: bool = False) -> int:
    """The width of ``text`` on one line in EMU, at ``size`` points."""
    return int(_units(text, bold) * size)


def _widest_piece(text: str) -> float:
    """The widest piece of a cell's text that is not to be broken: a word up to ``_WHOLE`` characters (a code, a
    number, a date), else the pieces of a longer one between its break opportunities."""
    return max((_units(piece) for word in text.split()
                for piece in ([word] if len(word) <= _WHOLE else _BREAKABLE_AFTER.split(word))), default=0.0)


def _longest_line(text: str, bold: bool = False) -> float:
    return max((_units(line, bold) for line in text.splitlines()), default=0.0)


@dataclass(frozen=True)
class _Measures:
    """The table measured once at 1 point: per column what must fit on a line and what would like to; per cell
    its longest line and its number of lines."""

    #: The widest heading word (bold), the widest piece of a cell not to be broken, the longest line.
    heading_words: list[float]
    needs: list[float]
    wants: list[float]
    cells: list[list[tuple[float, int]]]


def _measure(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> _Measures:
    heading_words: list[float] = []
    needs: list[float] = []
    wants: list[float] = []
    for column, heading in enumerate(headings):
        cells = [row[column] for row in rows if column < len(row)]
        heading_words.append(max((_units(word, True) for word in heading.split()), default=0.0))
        needs.append(max((_widest_piece(cell) for cell in cells), default=0.0))
        wants.append(max([_longest_line(heading, True) / 2, *(_longest_line(cell) for cell in cells)]))
    lines = [[(_longest_line(cell), max(len(cell.splitlines()), 1)) for cell in row] for row in rows]
    return _Measures(heading_words, needs, wants, lines)


def fitted(
    headings: Sequence[str], rows: Sequence[Sequence[str]], usable: int, size: float
) -> list[int] | None:
    """Column widths (EMU) summing to ``usable`` in which no heading word and no word of a cell is broken at
    ``size`` points; None when the words alone are wider than the page. A cell word wider than a quarter of
    the page (a hash, an address) is allowed to break."""
    return _fitted(_measure(headings, rows), usable, size)


def _fitted(measures: _Measures, usable: int, size: float) -> list[int] | None:
    cap = usable // 4
    needs, wants = [], []
    for heading_need, need_units, want_units in zip(measures.heading_words, measures.needs, measures.wants,
                                                    strict=True):
        need = max(int(heading_need * size), min(int(need_units * size), cap))
        needs.append(need + CELL_PADDING)
        wants.append(max(int(want_units * size), need) + CELL_PADDING)
    spare = usable - sum(needs)
    if spare < 0:
        return None
    # First widen each column towards one line for its longest text, in proportion to what it lacks ...
    lacking = [want - need for need, want in zip(needs, wants, strict=True)]
    total_lacking = sum(lacking)
    if total_lacking >= spare:
        widths = [need + int(spare * lack / total_lacking) if total_lacking else need
                  for need, lack in zip(needs, lacking, strict=True)]
    else:  # ... and what is left after every column holds its text on one line goes to all in proportion.
        left = spare - total_lacking
        total_wanted = sum(wants)
        widths = [want + int(left * want / total_wanted) for want in wants]
    widths[-1] += usable - sum(widths)  # rounding
    return widths


def fitted_with_size(
    headings: Sequence[str], rows: Sequence[Sequence[str]], usable: int, sizes: Sequence[float] = SIZES
) -> tuple[list[int], float]:
    """The largest size in ``sizes`` at which the rows stay short, with its widths; else the smallest at which
    the words fit; else the smallest, evenly split."""
    measures = _measure(headings, rows)
    fitting = [(size, widths) for size in sizes
               if (widths := _fitted(measures, usable, size)) is not None]
    for size, widths in fitting:
        if _lines_per_row(measures, widths, size) <= _LINES_PER_ROW:
            return widths, size
    if fitting:
        size, widths = fitting[-1]
        return widths, size
    even = usable // max(len(headings), 1)
    return [even] * len(headings), sizes[-1]


def _lines_per_row(measures: _Measures, widths: Sequence[int], size: float) -> float:
    """About how many lines a row takes, on average: its tallest cell, a little more than text over width."""
    if not measures.cells:
        return 1.0
    total = 0
    for row in measures.cells:
        total += max((-(-int(line * size * 1.15) // max(width - CELL_PADDING, 1)) * count
                      for (line, count), width in zip(row, widths, strict=False)), default=1)
    return total / len(measures.cells)
