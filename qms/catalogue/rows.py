"""From the rows of a catalogue file to procedures and row errors: find the heading, read each row.

Headings are matched after folding diacritics and case ("Mã TTHC", "MÃ THỦ TỤC", "Ma so" are one
column). Rows with a single text that looks like "I. Lĩnh vực Hộ tịch" set the field of the rows below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from qms.catalogue.codes import is_valid, normalize_code
from qms.catalogue.spreadsheets import Sheet
from qms.catalogue.statutory_time import parse_time
from qms.errors import Invalid
from qms.text.vietnamese import fold, normalize

HEADING_SEARCH_ROWS = 15

#: Heading words per column, folded; one-word headings must match exactly, longer ones may go on ("Lĩnh vực (ngành)").
HEADINGS: dict[str, tuple[str, ...]] = {
    "code": ("ma tthc", "ma so tthc", "ma thu tuc hanh chinh", "ma thu tuc", "ma so", "ma", "code"),
    "name": ("ten thu tuc hanh chinh", "ten tthc", "ten thu tuc", "thu tuc hanh chinh", "ten", "name"),
    "field": ("linh vuc", "field"),
    "level": ("cap thuc hien", "cap giai quyet", "cap", "level"),
    "time": ("thoi han giai quyet", "thoi gian giai quyet", "thoi han", "thoi gian xu ly", "thoi gian"),
    "time_value": ("time value",),
    "time_unit": ("time unit",),
    "fee": ("phi le phi", "phi va le phi", "le phi", "muc phi", "phi", "fee"),
    "number": ("stt", "tt", "so tt", "so thu tu"),
}
#: Attribute length limits of the Procedure columns.
LIMITS = {"field": 200, "level": 100, "time_text": 300}
LABELS = {"field": "Lĩnh vực", "level": "Cấp thực hiện", "time_text": "Thời hạn giải quyết"}

_ENUMERATOR = re.compile(r"^\s*(?:[IVXLC]+|[A-Za-z]|\d{1,3})\s*[.)/:-]\s*")
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVXLC]+|[A-Za-z])\.?$")
_FIELD_WORDS = re.compile(r"^l[ĩi]nh\s+v[ựu]c\s*[:\-–]?\s*", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\(([^)]*)\)")
_BARE_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Entry:
    """A procedure read from a row; ``values`` holds only the attributes the file gives."""

    row: int
    code: str
    values: dict[str, Any]


@dataclass(frozen=True)
class RowError:
    row: int
    message: str
    #: The row's code when it was readable: that procedure is still on the list.
    code: str | None = None


@dataclass
class Catalogue:
    sheet: str
    heading_row: int
    entries: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def heading_key(text: object) -> str:
    """A heading as compared: folded, lowercase, punctuation as spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(cell_text(text)).lower()).split())


def cell_text(value: object) -> str:
    """A cell as text: NFC, one space between words, whole numbers without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime | date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(normalize(_CONTROL_CHARACTERS.sub("", str(value))).split())


def match_columns(cells: list[object]) -> dict[str, int]:
    """Column index of each recognised heading; the first column wins when two match."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = heading_key(cell)
        for name, words in HEADINGS.items():
            if name not in columns and any(_heading_matches(key, word) for word in words):
                columns[name] = index
                break
    return columns


def _is_code_heading(cell: object) -> bool:
    key = heading_key(cell)
    return any(_heading_matches(key, word) for word in HEADINGS["code"])


def _heading_matches(key: str, word: str) -> bool:
    return key == word or (" " in word and key.startswith(word + " "))


def parse_sheets(sheets: list[Sheet]) -> Catalogue:
    """The catalogue of the first sheet with a heading row (code and name columns) in its first rows."""
    for sheet in sheets:
        for number, cells in sheet.rows[:HEADING_SEARCH_ROWS]:
            columns = match_columns(cells)
            if "code" in columns and "name" in columns:
                return _read(sheet, number, cells, columns)
    raise Invalid(
        f"Không tìm thấy dòng tiêu đề của danh mục trong {HEADING_SEARCH_ROWS} dòng đầu: cần có cột «Mã TTHC» "
        "(hoặc «Mã thủ tục», «Mã số») và cột «Tên thủ tục hành chính» (hoặc «Tên TTHC», «Tên thủ tục»).",
        code="no_heading",
    )


def _read(sheet: Sheet, heading_row: int, heading: list[object], columns: dict[str, int]) -> Catalogue:
    catalogue = Catalogue(sheet.name, heading_row)
    time_unit_heading = _unit_in_heading(heading[columns["time"]]) if "time" in columns else None
    section_field: str | None = None
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        if number <= heading_row:
            continue
        row = _Row(cells, columns)
        texts = row.texts()
        if not texts or _is_code_heading(row.raw("code")):
            continue  # blank, a bare number, or the heading repeated on a new page
        code = normalize_code(row.raw("code"))
        if not is_valid(code):
            kind, value = _single_text(row, texts)
            if kind == "section":
                section_field = _section_field(value) if _is_field_section(value) else None
            elif kind != "note":
                catalogue.errors.append(RowError(number, _code_problem(row.text("code"))))
            continue
        if code in first_row:
            catalogue.errors.append(RowError(number, f"Mã TTHC {code} trùng với dòng {first_row[code]}.", code))
            continue
        first_row[code] = number
        values, problem = _values(row, section_field, time_unit_heading)
        if problem:
            catalogue.errors.append(RowError(number, problem, code))
        else:
            catalogue.entries.append(Entry(number, code, values))
    return catalogue


class _Row:
    def __init__(self, cells: list[object], columns: dict[str, int]) -> None:
        self.cells, self.columns = cells, columns

    def raw(self, name: str) -> object:
        index = self.columns.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, name: str) -> str:
        return cell_text(self.raw(name))

    def texts(self) -> dict[int, str]:
        """Non-empty cells by column; an STT cell holding only a number or enumerator does not count."""
        found = {index: cell_text(value) for index, value in enumerate(self.cells) if cell_text(value)}
        number = self.columns.get("number")
        if number in found and (found[number].isdigit() or _ROMAN_OR_LETTER.match(found[number])):
            del found[number]
        return found


def _single_text(row: _Row, texts: dict[int, str]) -> tuple[str, str]:
    """("section", text), ("note", text) or ("row", "") for a row without a valid code."""
    distinct = set(texts.values())
    if len(distinct) != 1:
        return "row", ""
    value = next(iter(distinct))
    number = cell_text(row.raw("number"))
    spans = len(texts) > 1  # a merged cell across columns
    if spans or _ENUMERATOR.match(value) or _FIELD_WORDS.match(value) or _ROMAN_OR_LETTER.match(number):
        return "section", value
    lone_column = next(iter(texts))
    if lone_column in (row.columns["code"], row.columns["name"]):
        return "row", ""
    return "note", value  # a title, a footnote or a total: not a procedure


def _is_field_section(text: str) -> bool:
    """"I. Lĩnh vực Hộ tịch" or "II. CHỨNG THỰC" name a field; "A. Thủ tục hành chính cấp xã" names a level."""
    rest = _ENUMERATOR.sub("", text, count=1)
    folded = fold(rest).lower()
    if _FIELD_WORDS.match(rest):
        return True
    return not (folded.startswith(("thu tuc", "tthc")) or re.search(r"\bcap (tinh|xa|huyen|trung uong)\b", folded))


def _section_field(text: str) -> str:
    rest = _FIELD_WORDS.sub("", _ENUMERATOR.sub("", text, count=1), count=1).strip(" :-–.")
    return rest[:1] + rest[1:].lower() if rest.isupper() else rest


def _code_problem(raw: str) -> str:
    if not raw:
        return "Thiếu mã TTHC."
    return f"Mã TTHC «{raw[:80]}» không đúng dạng (ví dụ: 1.001193 hoặc 2.000815.000.00.00.H55)."


def _values(row: _Row, section_field: str | None, time_unit_heading: str | None) -> tuple[dict[str, Any], str | None]:
    name = row.text("name")
    if not name:
        return {}, "Thiếu tên thủ tục hành chính."
    values: dict[str, Any] = {"name": name}
    if "field" in row.columns and row.text("field"):
        values["field"] = row.text("field")
    elif section_field is not None or "field" in row.columns:
        values["field"] = section_field or ""
    for attribute in ("level", "fee"):
        if attribute in row.columns:
            values[attribute] = row.text(attribute)
    time_text = _time_text(row, time_unit_heading)
    if time_text is not None:
        values["time_text"] = time_text
        values["time_value"], values["time_unit"] = parse_time(time_text)
    for attribute, limit in LIMITS.items():
        if len(values.get(attribute, "")) > limit:
            return {}, f"{LABELS[attribute]} dài quá {limit} ký tự."
    return values, None


def _time_text(row: _Row, time_unit_heading: str | None) -> str | None:
    """The time as published; from the fixture's time_value/time_unit pair, or a bare number under "(ngày)"."""
    if "time" in row.columns:
        text = row.text("time")
        if time_unit_heading and _BARE_NUMBER.match(text):
            return f"{text} {time_unit_heading}"
        return text
    if "time_value" in row.columns or "time_unit" in row.columns:
        value, unit = row.text("time_value"), row.text("time_unit")
        if parse_time(unit)[0] is not None:  # "trong ngày" needs no number
            return unit[:1].upper() + unit[1:]
        return " ".join(filter(None, (value, unit)))
    return None


def _unit_in_heading(heading: object) -> str | None:
    """"ngày làm việc" of a heading "Thời hạn giải quyết (ngày làm việc)", when it is a unit."""
    match = _PARENTHESIS.search(cell_text(heading))
    if match and parse_time(f"1 {match.group(1)}")[1] is not None:
        return match.group(1).strip()
    return None
