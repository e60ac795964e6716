"""Records to keep (hồ sơ cần lưu): the record, where it is kept and for how long, from a table or a list."""

from __future__ import annotations

import re

from qms.conformity.blocks import Table
from qms.conformity.columns import RECORD_COLUMNS, Header, find_header, value
from qms.conformity.control import is_signature_table
from qms.conformity.headings import RECORDS
from qms.conformity.listing import items
from qms.conformity.sections import Section
from qms.conformity.structure import RecordItem, Records

_RETENTION = re.compile(
    r"(?:th[ờo]i\s+(?:gian|h[ạa]n)\s+l[ưu]u\s*:?\s*)?"
    r"(\d{1,3}\s*(?:n[ăa]m|th[áa]ng)|v[ĩi]nh\s+vi[ễe]n|l[âa]u\s+d[àa]i|[đd][ếe]n\s+khi[^,;.]*)",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"(?:l[ưu]u\s+t[ạa]i|n[ơo]i\s+l[ưu]u\s*:?|l[ưu]u\s+[ởo])\s+([^,;]+?)(?=\s*(?:[,;(]|th[ờo]i|$))", re.IGNORECASE
)


def read_records(sections: list[Section]) -> Records:
    """The first records section's list; without one, a table anywhere headed by where and how long."""
    section = next((s for s in sections if s.kind == RECORDS), None)
    if section is None:
        for table in (t for s in sections for t in s.tables()):
            header = find_header(table, RECORD_COLUMNS, ("record", "place", "retention"), 3)
            if header is not None:
                return Records(None, _table_records(table, header))
        return Records()
    records = Records(section.heading)
    for table in section.tables():
        if is_signature_table(table):
            continue  # the control block's Soạn thảo | Kiểm tra | Phê duyệt, not records
        records.items.extend(_table_records(table, find_header(table, RECORD_COLUMNS, ("record",), 1)))
    for item in items(section.lines()):
        if item.reference:
            records.reference = records.reference or item.text
        else:
            records.items.append(_line_record(item.text))
    return records


def _table_records(table: Table, header: Header | None) -> list[RecordItem]:
    found: list[RecordItem] = []
    start = header.row + 1 if header is not None else 0
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        if header is None:
            texts = [" ".join(cell.text.split()) for cell in row if not cell.spanned]
            line = "; ".join(text for text in texts if text)
            if line:
                found.append(_line_record(line))
            continue
        record = value(row, header.columns.get("record"))
        if record:
            found.append(RecordItem(record, value(row, header.columns.get("place")),
                                    value(row, header.columns.get("retention"))))
    return found


def _line_record(text: str) -> RecordItem:
    """"Phiếu kiểm soát, lưu tại BPTN&TKQ, thời gian lưu 05 năm" -> record, place, retention."""
    retention = _RETENTION.search(text)
    place = _PLACE.search(text)
    cut = min([m.start() for m in (retention, place) if m is not None], default=len(text))
    record = re.sub(r"\s*\((?:\s*l[ưu]u)?\s*$", "", text[:cut]).strip(" ,;:-–") or text
    return RecordItem(record, place.group(1).strip() if place else "", retention.group(1).strip() if retention else "")
