"""Dossier components (thành phần hồ sơ), from a table or a list, with original/copy where stated."""

from __future__ import annotations

import re

from qms.conformity.blocks import Table, one_line
from qms.conformity.columns import (
    DOSSIER_COLUMNS,
    FORM_COLUMNS,
    RECORD_COLUMNS,
    Header,
    find_header,
    steps_header,
    value,
)
from qms.conformity.headings import DOSSIER, DOSSIER_COUNT, kind_of, name_key
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


# Lines in a dossier section that are not components: time, place, fee, method, instructions to staff.
_NOT_COMPONENT = re.compile(
    r"^(?:thoi (?:gian|han)|noi (?:nop|tiep nhan)|dia diem|le phi|phi\b|cach thuc|cong chuc"
    r"|can bo|bo phan (?:tiep nhan|mot cua)|kiem tra|huong dan|tiep nhan|so luong)"
)


_NOTE = re.compile(r"^(?:luu y|chu y|ghi chu)\b")


def read_dossier(sections: list[Section]) -> Dossier:
    """The dossier components of the first dossier section and the dossier headings nested in it.

    «a. Thành phần, số lượng hồ sơ:» then «Thành phần hồ sơ:» then the list is one dossier; without a
    dossier section, a table anywhere with a dossier header (bản chính / bản sao columns).
    """
    group = _dossier_group(sections)
    if not group:
        for table in (t for s in sections for t in s.tables()):
            header = find_header(table, DOSSIER_COLUMNS, ("name",), 2)
            if header is not None and {"original", "copy"} & set(header.columns):
                return Dossier(None, _table_components(table, header))
        return Dossier()
    dossier = Dossier(group[0].heading)
    for section in group:
        if section.kind != DOSSIER:
            continue
        before = len(dossier.components)
        for table in section.tables():
            if _other_table(table):
                continue
            dossier.components.extend(_table_components(table, find_header(table, DOSSIER_COLUMNS, ("name",), 1)))
        for item in items(section.lines()):
            key = name_key(item.text)
            if _COUNT_LINE.match(key):
                continue
            if _NOTE.match(key):
                continue  # a note among the components ("Lưu ý: xuất trình bản chính để đối chiếu")
            if _NOT_COMPONENT.match(key) or _names_other_section(item.text):
                break  # what follows the list: the time, the place, instructions, not components
            if item.reference:
                dossier.reference = dossier.reference or item.text
            else:
                dossier.components.append(_component(item.text))
        if before == 0 and dossier.components:
            dossier.section = section.heading  # where the list is, for the findings to point at
    if not dossier.components and not dossier.reference:
        dossier.unread = _first_words(group)
    return dossier


def _first_words(group: list[Section]) -> str | None:
    """What a dossier section holds when no component was read from it: to quote in «không đọc được»."""
    for section in group:
        for block in section.blocks:
            text = block.text if not isinstance(block, Table) else " | ".join(block.texts(0))
            if text.strip():
                return one_line(text)[:200]
    return None


def _dossier_group(sections: list[Section]) -> list[Section]:
    """The first dossier section and the dossier or count sections right after it (nested headings)."""
    for index, section in enumerate(sections):
        if section.kind == DOSSIER:
            group = [section]
            for following in sections[index + 1 :]:
                if following.kind not in (DOSSIER, DOSSIER_COUNT):
                    break
                group.append(following)
            return group
    return []


def _other_table(table: Table) -> bool:
    """A steps, forms or records table standing in the dossier section: not components."""
    return steps_header(table) is not None or any(
        find_header(table, spec, ("code" if spec is FORM_COLUMNS else "place",), 2) is not None
        for spec in (FORM_COLUMNS, RECORD_COLUMNS)
    )


def _names_other_section(text: str) -> bool:
    """A line "Thời hạn giải quyết: …" or "Lệ phí: …" inside the list: the next part of the process."""
    name, colon, _ = text.partition(":")
    found = kind_of(name) if colon and len(name.split()) <= 8 else None
    return found is not None and found[0] not in (DOSSIER, DOSSIER_COUNT) and not name_key(name)[found[1]:].strip()


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
