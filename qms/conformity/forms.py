"""The forms list (biểu mẫu): code and name, from a table or a list."""

from __future__ import annotations

import re

from qms.conformity.blocks import Table
from qms.conformity.columns import FORM_COLUMNS, Header, find_header, value
from qms.conformity.form_codes import form_codes
from qms.conformity.headings import FORMS, name_key
from qms.conformity.listing import items
from qms.conformity.sections import Section
from qms.conformity.structure import Form, Forms

_SEPARATOR = re.compile(r"^\s*[:.\-–—)]\s*")


def read_forms(sections: list[Section]) -> Forms:
    """The first forms section's list; without one, a table anywhere headed by a code and a form name."""
    section = next((s for s in sections if s.kind == FORMS), None)
    if section is None:
        for table in (t for s in sections for t in s.tables()):
            header = find_header(table, FORM_COLUMNS, ("code", "name"), 2)
            if header is not None and "bieu mau" in name_key(" ".join(table.texts(header.row))):
                return Forms(None, _table_forms(table, header))
        return Forms()
    forms = Forms(section.heading)
    for table in section.tables():
        forms.items.extend(_table_forms(table, find_header(table, FORM_COLUMNS, ("name",), 1)))
    for item in items(section.lines()):
        if not item.reference:
            forms.items.extend(_line_form(part) for part in _parts(item.text))
    return forms


def _parts(text: str) -> list[str]:
    """One paragraph listing several forms ("Mẫu 01: …; Mẫu 07: …; Tờ khai …"): one part per form."""
    parts = [part.strip(" .,") for part in text.split(";")]
    parts = [part for part in parts if part]
    if len(parts) > 1 and sum(1 for part in parts if form_codes(part)) >= 1:
        return parts
    return [text]


def _table_forms(table: Table, header: Header | None) -> list[Form]:
    found: list[Form] = []
    start = header.row + 1 if header is not None else 0
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        if header is None:
            texts = [" ".join(cell.text.split()) for cell in row if not cell.spanned]
            line = " ".join(text for text in texts if text)
            if line:
                found.append(_line_form(line))
            continue
        code = value(row, header.columns.get("code"))
        name = value(row, header.columns.get("name"))
        if not code and not name:
            continue
        if not code:
            codes = form_codes(name)
            code = codes[0] if codes else ""
        found.append(Form(code, name))
    return found


def _line_form(text: str) -> Form:
    """"Mẫu 01: Giấy tiếp nhận …" -> (Mẫu 01, Giấy tiếp nhận …); a line naming no code is a name alone."""
    codes = form_codes(text)
    if not codes:
        return Form("", text)
    code = codes[0]
    head = re.match(r"^\s*(?:(?:bi[ểe]u\s+)?m[ẫa]u(?:\s+s[ốo])?\s*[:.]?\s*\S+|BM\S*)", text, re.IGNORECASE)
    if head is not None and code in form_codes(head.group(0)):
        return Form(code, _SEPARATOR.sub("", text[head.end() :]).strip() or text)
    return Form(code, text)
