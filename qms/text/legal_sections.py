"""The legal-basis sections of a process document's text, and the text without its amendment table.

A process document names its legal bases under headings such as "Cơ sở pháp lý", "Căn cứ pháp lý",
"Tài liệu viện dẫn" or "Căn cứ", numbered in any style (`3.`, `5.1.`, `III.`, `a)`) or not at all, in a
paragraph or in a table row. The amendment table ("SỬA ĐỔI TÀI LIỆU") names documents that were dropped
("Thay Nghị định 61/2018/NĐ-CP bằng …"), so it never counts as a legal basis.

Works on lines as `qms.text.extract` produces them: one line per paragraph, table cells joined by " | ".
"""

from __future__ import annotations

import re

from qms.text.citations import find_all
from qms.text.vietnamese import fold

__all__ = ["basis_text", "legal_basis_sections", "without_amendment_table"]

_CELL = " | "
_MAX_HEADING_WORDS = 12

# Numbering before a heading: "5.1.", "5.1", "3.", "III.", "a)", "(2)", "Mục 3.", "Điều 2:" …
_NUMBERING = re.compile(
    r"^\s*(?:[-–•*+]\s*)?(?:(?:phan|muc|chuong|dieu)\s+)?"
    r"(?:(?P<arabic>\d{1,2}(?:\.\d{1,2})*)(?:\s*[.):\-–]\s*|\s+)"
    r"|(?P<roman>[ivxlc]{1,6})\s*[.):\-–]\s*"
    r"|(?P<letter>[a-z])\s*[.)]\s*"
    r"|\((?P<paren>\d{1,2})\)\s*)",
    re.IGNORECASE,
)
# The names of a legal-basis heading, on folded lower-case text; a bare "căn cứ" must stand alone
# (a decision's preamble says "Căn cứ Luật …;").
_LEGAL_LONG = r"(?:cac\s+)?(?:co\s+so\s+phap\s+ly|can\s+cu\s+phap\s+ly|tai\s+lieu\s+vien\s+dan|van\s+ban\s+phap\s+ly)"
_LEGAL_HEADING = re.compile(
    rf"^(?:{_LEGAL_LONG}(?:\s+[^\d:;/|]{{0,60}}?)?|can\s+cu)\s*(?:[:.]\s*(?P<rest>.*))?$"
)
# Other section names of a process document, which end a legal-basis section when met unnumbered.
_SECTION_NAMES = re.compile(
    r"^(?:muc\s+dich|pham\s+vi|dinh\s+nghia|viet\s+tat|noi\s+dung|thanh\s+phan\s+ho\s+so|so\s+luong\s+ho\s+so"
    r"|thoi\s+(?:gian|han)\s+(?:xu\s+ly|giai\s+quyet)|noi\s+tiep\s+nhan|le\s+phi|phi|quy\s+trinh\s+xu\s+ly"
    r"|trinh\s+tu|bieu\s+mau|ho\s+so\s+can\s+luu|ho\s+so\s+luu|yeu\s+cau|dieu\s+kien|cach\s+thuc|doi\s+tuong"
    r"|ket\s+qua|trach\s+nhiem)\b"
)
_AMENDMENT_HEADING = re.compile(
    r"^(?:bang\s+)?(?:theo\s+doi\s+)?(?:sua\s+doi|thay\s+doi)(?:\s*,?\s*bo\s+sung)?\s+tai\s+lieu\b"
    r"|^(?:bang\s+)?theo\s+doi\s+(?:sua\s+doi|thay\s+doi)\b|^lich\s+su\s+sua\s+doi\b"
)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def basis_text(text: str) -> str:
    """Where to look for citations: the legal-basis sections when the text has any, else all but the amendment table."""
    sections = legal_basis_sections(text)
    return sections if sections is not None else without_amendment_table(text)


def without_amendment_table(text: str) -> str:
    """The text minus the amendment table: its heading and rows, or a table whose header row speaks of amendments."""
    return "\n".join(_drop_amendment_table(text.splitlines()))


def legal_basis_sections(text: str) -> str | None:
    """The lines under every legal-basis heading up to the next heading; None when there is no such heading."""
    lines = _drop_amendment_table(text.splitlines())
    found = False
    taken: list[str] = []
    level: tuple[int, ...] | None = None
    inside = False
    for line in lines:
        heading = _legal_heading(line)
        if heading is not None:
            found, inside = True, True
            level, rest = heading
            if rest.strip():
                taken.append(rest)
            continue
        if inside and _ends_section(line, level):
            inside = False
        if inside:
            taken.append(line)
    return "\n".join(taken) if found else None


# --- headings ------------------------------------------------------------------------------------


def _legal_heading(line: str) -> tuple[tuple[int, ...] | None, str] | None:
    """(numbering, text after the heading) when the line (or a table row's first cells) is a legal-basis heading."""
    cells = line.split(_CELL)
    for count in range(1, min(len(cells), 2) + 1):
        head = " ".join(cell.strip() for cell in cells[:count])
        number, remainder = _split_numbering(head)
        key = fold(remainder).lower()
        match = _LEGAL_HEADING.match(key)
        if match is None:
            continue
        rest = match.group("rest") or ""
        if rest and len(key) == len(remainder):  # folding kept the length: take the tail as written
            rest = remainder[match.start("rest") :]
        return number, " ".join(filter(None, [rest, _CELL.join(cells[count:])]))
    return None


def _ends_section(line: str, level: tuple[int, ...] | None) -> bool:
    """Whether a line is the next heading: a later number at the same or a higher level, a section name, or capitals.

    Under an unnumbered heading, numbered lines are the list of bases, not headings.
    """
    if not line.strip():
        return False
    cells = line.split(_CELL)
    head = " ".join(cell.strip() for cell in cells[:2]) if len(cells) > 1 else line.strip()
    if _is_amendment_heading(head):
        return True
    number, remainder = _split_numbering(head)
    # A table row of a later section may cite documents in its other cells; any other line that cites is content.
    later = number is not None and level is not None and number > level and len(number) <= len(level)
    if _cites(head if later and len(cells) > 1 else line):
        return False
    words = remainder.split()
    if not words or len(words) > _MAX_HEADING_WORDS or remainder.rstrip().endswith((";", ",")):
        return False
    if later:
        return True
    if _SECTION_NAMES.match(fold(remainder).lower()):
        return True
    letters = [char for char in remainder if char.isalpha()]
    return len(letters) >= 4 and all(char.isupper() for char in letters)


def _cites(text: str) -> bool:
    return any(not citation.partial for citation in find_all(text))


def _split_numbering(text: str) -> tuple[tuple[int, ...] | None, str]:
    """The heading's number as a tuple ((5, 1) for "5.1.") and the words after it."""
    match = _NUMBERING.match(text)
    if match is None:
        return None, text.strip()
    remainder = text[match.end() :].strip()
    if match.group("arabic"):
        return tuple(int(part) for part in match.group("arabic").split(".")), remainder
    if match.group("roman"):
        return (_roman(match.group("roman")),), remainder
    if match.group("letter"):
        return (ord(match.group("letter").lower()) - ord("a") + 1,), remainder
    return (int(match.group("paren")),), remainder


def _roman(numeral: str) -> int:
    values = [_ROMAN[char] for char in numeral.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


# --- the amendment table -------------------------------------------------------------------------


def _is_amendment_heading(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 10 and _AMENDMENT_HEADING.match(fold(text).lower().strip()) is not None


def _is_amendment_header_row(line: str) -> bool:
    folded = fold(line).lower()
    return _CELL in line and ("sua doi" in folded or "thay doi" in folded) and (
        "yeu cau" in folded or "noi dung" in folded or "lan ban hanh" in folded or "lan sua" in folded
    )


def _drop_amendment_table(lines: list[str]) -> list[str]:
    """Lines without the amendment heading and the table rows that follow it (blank lines between are allowed)."""
    kept: list[str] = []
    skipping = False
    for line in lines:
        is_row = _CELL in line
        if not is_row and _is_amendment_heading(line.strip()):
            skipping = True
            continue
        if is_row and _is_amendment_header_row(line):
            skipping = True
            continue
        if skipping:
            if is_row or not line.strip():
                continue
            skipping = False
        kept.append(line)
    return kept
