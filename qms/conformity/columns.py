"""Tables told apart by the words of their header row, and their columns found by those words, not by position.

A header row is looked for among the first rows (a title row may come first); a merged header cell
names every grid column it covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qms.conformity.blocks import Cell, Table, one_line
from qms.conformity.headings import name_key

_HEADER_ROWS = 3

# Column kinds of each table kind: (column, pattern on the header cell's key), first match wins per cell.
STEP_COLUMNS: tuple[tuple[str, str], ...] = (
    ("time", r"\b(?:thoi gian|thoi han|thoi luong)\b(?! luu)|^truong hop (?:co |khong |can |phai )?xac minh\b"
             r"|^so (?:ngay|gio)(?: lam viec)?$"),
    ("results", r"\b(?:bieu mau|mau bieu|ket qua|san pham|ho so bieu mau)\b"),
    ("responsible", r"\b(?:trach nhiem|nguoi thuc hien|don vi thuc hien|bo phan|can bo|cong chuc|nguoi xu ly|chu tri"
                    r"|don vi|nguoi phu trach|vi tri)\b"),
    ("content", r"\b(?:noi dung|trinh tu|cong viec|mo ta|dien giai|hoat dong|cac buoc|thu tuc)\b"),
    ("responsible", r"\bthuc hien\b"),
    ("step", r"^(?:s?tt|so tt|thu tu|buoc(?: thuc hien| so)?|b|so)$"),
    ("note", r"\bghi chu\b"),
)
DOSSIER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("original", r"\bban chinh\b"),
    ("copy", r"\bban sao\b"),
    ("count", r"\bso luong\b"),
    ("name", r"\b(?:thanh phan|ten giay to|giay to|ten ho so|ten tai lieu|noi dung|loai giay to)\b"),
    ("step", r"^(?:s?tt|so tt|thu tu)$"),
)
FORM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", r"\b(?:ma hieu|ky hieu|ma so|so hieu|ma bieu mau|mau so|so mau|ma)\b"),
    ("name", r"\b(?:ten bieu mau|ten mau|ten|bieu mau|noi dung|mau bieu)\b"),
    ("step", r"^(?:s?tt|so tt|thu tu)$"),
)
RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("retention", r"\b(?:thoi gian luu|thoi han luu|luu trong|thoi gian|thoi han)\b"),
    ("place", r"\b(?:noi luu|bo phan luu|nguoi luu|don vi luu|trach nhiem luu|vi tri luu|noi luu tru|trach nhiem)\b"),
    ("record", r"\b(?:ho so luu|ten ho so|ho so|tai lieu|loai ho so|ten bieu mau|bieu mau)\b"),
    ("step", r"^(?:s?tt|so tt|thu tu)$"),
)
AMENDMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("issue", r"\b(?:lan ban hanh|lan sua doi)\b"),
    ("date", r"^ngay\b|\bngay (?:ban hanh|sua doi|hieu luc)\b"),
    ("place", r"\b(?:trang|vi tri|phan lien quan|muc)\b"),
    ("description", r"\b(?:mo ta|noi dung)\b"),
    ("request", r"\byeu cau\b"),
    ("step", r"^(?:s?tt|so tt|thu tu)$"),
)

_COMPILED: dict[tuple[tuple[str, str], ...], tuple[tuple[str, re.Pattern[str]], ...]] = {}


@dataclass(frozen=True)
class Header:
    """Where a table's header row is and which grid columns hold each kind of value."""

    row: int
    columns: dict[str, list[int]]

    def has(self, *kinds: str) -> bool:
        return all(kind in self.columns for kind in kinds)


def classify_cell(text: str, spec: tuple[tuple[str, str], ...]) -> str | None:
    """The column kind a header cell names, if any."""
    if spec not in _COMPILED:
        _COMPILED[spec] = tuple((kind, re.compile(pattern)) for kind, pattern in spec)
    key = name_key(text)
    if not key:
        return None
    words = key.split()
    if len(words) > 8:  # a long heading ("Thời gian không xác minh: 03 ngày làm việc") is named by its first words
        key = " ".join(words[:4])
    for kind, pattern in _COMPILED[spec]:
        if pattern.search(key):
            return kind
    return None


def row_columns(texts: list[str], spec: tuple[tuple[str, str], ...]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        kind = classify_cell(text, spec)
        if kind is not None:
            columns.setdefault(kind, []).append(index)
    return columns


def find_header(
    table: Table, spec: tuple[tuple[str, str], ...], required: tuple[str, ...], minimum: int
) -> Header | None:
    """The first of the top rows naming the required columns and at least ``minimum`` kinds."""
    for index in range(min(_HEADER_ROWS, len(table.rows))):
        columns = row_columns(table.texts(index), spec)
        if all(kind in columns for kind in required) and len(columns) >= minimum:
            return Header(index, columns)
    return None


def steps_header(table: Table) -> Header | None:
    """A steps table: time plus responsible or content, and three kinds of columns at least; not a records table."""
    header = find_header(table, STEP_COLUMNS, ("time",), 3)
    if header is None or not ({"responsible", "content"} & set(header.columns)):
        return None
    if find_header(table, RECORD_COLUMNS, ("place", "retention"), 2) is not None and "content" not in header.columns:
        return None
    return header


def is_header_row(texts: list[str], header: Header, spec: tuple[tuple[str, str], ...]) -> bool:
    """A row repeating the header (a table continued on the next page)."""
    columns = row_columns(texts, spec)
    return len(columns) >= max(2, len(header.columns) - 1)


def value(row: tuple[Cell, ...], columns: list[int] | None) -> str:
    """The text of a kind of column in one row: its grid columns joined, a merged cell's copies once."""
    parts: list[str] = []
    for index in columns or ():
        if index >= len(row) or row[index].spanned:
            continue
        text = one_line(row[index].text)
        if text and text not in parts:
            parts.append(text)
    return " ".join(parts)
