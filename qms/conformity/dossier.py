"""Dossier components (thành phần hồ sơ), from a table or a list, with original/copy where stated."""

from __future__ import annotations

import re

from qms.conformity.blocks import Table, one_line
from qms.conformity.columns import DOSSIER_COLUMNS, Header, find_header, value
from qms.conformity.headings import DOSSIER, name_key
from qms.conformity.listing import items
from qms.conformity.sections import Section
from qms.conformity.structure import Dossier, DossierComponent
from qms.text.vietnamese import fold

_UNMARKED = re.compile(r"^(?:|-|–|0|00|khong|k)$")
_ORIGINAL = re.compile(
    r"^ban chinh\b|\(\s*ban chinh|[,;:]\s*ban chinh|\bban chinh (?:hoac|va|de doi chieu)|\b(?:01|1|mot) ban chinh"
)
_COPY = re.compile(
    r"^ban sao\b|\(\s*ban sao|[,;:]\s*ban sao|\b(?:hoac|va) ban sao|\bban sao (?:co chung thuc|chung thuc|hop le)"
    r"|\b(?:01|1|mot) ban sao"
)
_COUNT_LINE = re.compile(r"^(?:so luong\b|\d{1,2} (?:\w+ )?bo\b|mot bo\b|\d{1,2} bo\b)")


def read_dossier(sections: list[Section]) -> Dossier:
    """The first dossier section's components; without one, a table anywhere with a dossier header."""
    section = next((s for s in sections if s.kind == DOSSIER), None)
    if section is None:
        for table in (t for s in sections for t in s.tables()):
            header = find_header(table, DOSSIER_COLUMNS, ("name",), 2)
            if header is not None and {"original", "copy"} & set(header.columns):
                return Dossier(None, _table_components(table, header))
        return Dossier()
    dossier = Dossier(section.heading)
    for table in section.tables():
        dossier.components.extend(_table_components(table, find_header(table, DOSSIER_COLUMNS, ("name",), 1)))
    for item in items(section.lines()):
        key = name_key(item.text)
        if _COUNT_LINE.match(key):
            continue
        if item.reference:
            dossier.reference = dossier.reference or item.text
        else:
            dossier.components.append(_component(item.text))
    return dossier


def _table_components(table: Table, header: Header | None) -> list[DossierComponent]:
    """A row per component; without a header, the longest text of each row is the component."""
    found: list[DossierComponent] = []
    start = header.row + 1 if header is not None else 0
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        if header is None:
            texts = [one_line(cell.text) for cell in row if not cell.spanned]
            name = max(texts, key=len, default="")
            if len(name) > 2:
                found.append(_component(name))
            continue
        name = value(row, header.columns["name"])
        if not name or name_key(name) in ("", "tt", "stt"):
            continue
        component = _component(name)
        if "original" in header.columns:
            component.original = not _UNMARKED.match(name_key(value(row, header.columns["original"])))
        if "copy" in header.columns:
            component.copy = not _UNMARKED.match(name_key(value(row, header.columns["copy"])))
        found.append(component)
    return found


def _component(text: str) -> DossierComponent:
    """A component named in text; "(bản chính)", "Bản sao …", "hoặc bản sao có chứng thực" say which form is asked for.

    A name that merely contains the words ("Tờ khai cấp bản sao trích lục") says nothing.
    """
    folded = " ".join(fold(text).lower().split())
    original = True if _ORIGINAL.search(folded) else None
    copy = True if _COPY.search(folded) else None
    return DossierComponent(text.rstrip(" ;.,"), original, copy)
