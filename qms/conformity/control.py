"""The control block (code, issue number, issue date, signature row) and the amendment table of a document.

The control block is looked for in the page headers and footers and in what comes before the first
section, in paragraphs ("Mã hiệu: QT-01. Lần ban hành: 02."), in cells, and in label | value cell pairs.
"""

from __future__ import annotations

import re
from datetime import date

from qms.conformity.blocks import FOOTER, HEADER, Block, Paragraph, Table, one_line
from qms.conformity.columns import AMENDMENT_COLUMNS, find_header, value
from qms.conformity.headings import TOC, name_key
from qms.conformity.sections import Section
from qms.conformity.structure import AmendmentRow, ControlBlock, Signature
from qms.text.vietnamese import fold

_CODE_LABEL = re.compile(
    r"\b(?:ma\s+hieu|ma\s+so\s+tai\s+lieu|ma\s+tai\s+lieu|ma\s+quy\s+trinh|ky\s+hieu\s+tai\s+lieu|ky\s+hieu"
    r"|ma\s+so(?!\s+(?:tthc|thu\s+tuc|ho\s+so|thue|bhxh)))(?:\s+tai\s+lieu)?\s*[:.\-–]?\s*"
)
_CODE_END = re.compile(r"\n|\||;|,|\t|\s{2,}|\s/\s")
_NEXT_LABEL = re.compile(r"\s(?:lan\s+ban\s+hanh|lan\s+sua\s+doi|ngay|trang|hieu\s+luc|ban\s+hanh)\b")
_CODE = re.compile(r"^[\w][\w .\-/]{0,63}$")
_ISSUE = re.compile(r"\blan\s+ban\s+hanh\s*(?:so|thu)?\s*[:.\-–]?\s*(\d{1,3})(?![\d/])")
_AMENDMENT = re.compile(r"\blan\s+sua\s+doi\s*(?:so|thu)?\s*[:.\-–]?\s*(\d{1,3})(?![\d/])")
_ISSUE_DATE = re.compile(
    r"\bngay\s+ban\s+hanh\s*[:.\-–]?\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)"
)
_LABELS = ("ma hieu", "ma so", "ky hieu", "ma tai lieu", "lan ban hanh", "lan sua doi", "ngay ban hanh")

_ROLES = (
    ("draft", re.compile(r"\b(?:soan thao|bien soan|nguoi viet|nguoi lap)\b")),
    ("review", re.compile(r"\b(?:kiem tra|xem xet|soat xet|tham dinh)\b")),
    ("approve", re.compile(r"\b(?:phe duyet|duyet)\b")),
)
_NAME_LABEL = re.compile(r"^(?:ho va ten|ho ten|ten|nguoi ky)$")
_TITLE_LABEL = re.compile(r"^(?:chuc vu|chuc danh)$")
_SIGNED = re.compile(r"^\(?\s*(?:da ky|chu ky|ky ten|ky ghi ro ho ten|ky va ghi ro ho ten)\s*\)?$")


def read_control(blocks: list[Block], sections: list[Section]) -> ControlBlock:
    """Code, issue number and date from the cover first, then the page headers and footers; and the signatures.

    When the headers or footers repeat another code or issue number than the cover, both are kept
    (``running_code``, ``running_issue``) for a finding: neither is silently preferred.
    """
    front = _front(sections)
    around = [block for block in blocks if block.region in (HEADER, FOOTER)]
    control = _labelled(_texts(front))
    running = _labelled(_texts(around))
    if control.code is None:
        control.code = running.code
    elif running.code is not None and _code_key(running.code) != _code_key(control.code):
        control.running_code = running.code
    if control.issue_number is None:
        control.issue_number = running.issue_number
    elif running.issue_number is not None and running.issue_number != control.issue_number:
        control.running_issue = running.issue_number
    control.amendment_number = control.amendment_number if control.amendment_number is not None \
        else running.amendment_number
    control.issue_date = control.issue_date or running.issue_date
    region = [*around, *front]
    tables = [block for block in region if isinstance(block, Table)]
    control.signatures = _signatures(tables) or _signatures([b for b in blocks if isinstance(b, Table)])
    return control


def _labelled(texts: list[str]) -> ControlBlock:
    control = ControlBlock()
    for text in texts:
        folded = fold(text).lower()
        if control.code is None:
            control.code = _code(text, folded)
        if control.issue_number is None and (match := _ISSUE.search(folded)):
            control.issue_number = int(match.group(1))
        if control.amendment_number is None and (match := _AMENDMENT.search(folded)):
            control.amendment_number = int(match.group(1))
        if control.issue_date is None and (match := _ISSUE_DATE.search(folded)):
            control.issue_date = _date(*match.groups())
    return control


def _code_key(code: str) -> str:
    """Codes compare without separators, case or leading zeros: "QT.HT.4" is "QT-HT-04"."""
    text = re.sub(r"[^A-Z0-9]", "", fold(code).upper())
    return re.sub(r"(?<!\d)0+(?=\d)", "", text)


def read_amendments(blocks: list[Block]) -> list[AmendmentRow]:
    """The rows of every amendment table (its header speaks of amendments), empty rows left out."""
    rows: list[AmendmentRow] = []
    for table in (block for block in blocks if isinstance(block, Table)):
        header = _amendment_header(table)
        if header is None:
            continue
        columns = header.columns
        for index in range(header.row + 1, len(table.rows)):
            row = table.rows[index]
            entry = AmendmentRow(
                request=value(row, columns.get("request")),
                place=value(row, columns.get("place")),
                description=value(row, columns.get("description")),
                issue=value(row, columns.get("issue")),
                date=value(row, columns.get("date")),
            )
            if any((entry.request, entry.place, entry.description, entry.issue, entry.date)):
                rows.append(entry)
    return rows


def has_amendment_table(blocks: list[Block]) -> bool:
    return any(isinstance(block, Table) and _amendment_header(block) is not None for block in blocks)


def _amendment_header(table: Table):
    header = find_header(table, AMENDMENT_COLUMNS, (), 3)
    if header is None or not {"issue", "request", "description"} & set(header.columns):
        return None
    words = name_key(" ".join(table.texts(header.row)))
    return header if ("sua doi" in words or "thay doi" in words) else None


# --- the region and its texts -------------------------------------------------------------------


def _front(sections: list[Section]) -> list[Block]:
    """The body before the first known section (the cover), a table of contents included."""
    front: list[Block] = []
    for section in sections:
        if section.kind is not None and section.kind != TOC:
            break
        if section.heading:
            front.append(Paragraph(section.heading))
        front.extend(section.blocks)
    return front


def _texts(region: list[Block]) -> list[str]:
    """Paragraphs, lines of cells, and "label: value" made of a label cell and the cell after it."""
    texts: list[str] = []
    for block in region:
        if isinstance(block, Paragraph):
            texts.append(block.text)
            continue
        if _amendment_header(block) is not None:
            continue
        for row in block.rows:
            cells = [cell.text for cell in row if not cell.spanned]
            for index, text in enumerate(cells):
                texts.extend(line for line in text.splitlines() if line.strip())
                label = name_key(text)
                if label in _LABELS and index + 1 < len(cells):
                    texts.append(f"{one_line(text).rstrip(':')}: {one_line(cells[index + 1])}")
    return texts


def _code(text: str, folded: str) -> str | None:
    """The document code after its label, as written; up to the next label, separator or full stop."""
    match = _CODE_LABEL.search(folded)
    if match is None:
        return None
    source = text if len(text) == len(folded) else folded
    rest = source[match.end() :]
    folded_rest = folded[match.end() :]
    cut = _CODE_END.search(rest)
    end = cut.start() if cut else len(rest)
    label = _NEXT_LABEL.search(folded_rest, 0, end)
    end = label.start() if label else end
    candidate = rest[:end]
    stop = re.search(r"\.(?:\s|$)", candidate)
    candidate = (candidate[: stop.start()] if stop else candidate).strip(" .:-–")
    if not candidate or len(candidate.split()) > 4 or not _CODE.match(candidate):
        return None
    return candidate


def _date(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


# --- signatures ----------------------------------------------------------------------------------


def _role(text: str) -> str | None:
    key = name_key(text)
    if not key or len(key.split()) > 6:
        return None
    return next((role for role, pattern in _ROLES if pattern.search(key)), None)


def _clean_signed(text: str) -> str:
    text = one_line(text)
    return "" if _SIGNED.match(name_key(text) if text else "") or not name_key(text) else text


def is_signature_table(table: Table) -> bool:
    """The signature row of the control block (Soạn thảo | Kiểm tra | Phê duyệt)."""
    return bool(_signatures([table]))


def _signatures(tables: list[Table]) -> list[Signature]:
    for table in tables:
        found = _across(table) or _down(table)
        if found:
            return found
    return []


def _across(table: Table) -> list[Signature]:
    """Roles across a row (Soạn thảo | Kiểm tra | Phê duyệt); rows below labelled "Họ và tên", "Chức vụ" in column 0."""
    for index in range(len(table.rows)):
        roles = {column: role for column, text in enumerate(table.texts(index)) if (role := _role(text))}
        if len(set(roles.values())) < 2:
            continue
        found = {role: Signature(role) for role in roles.values()}
        unlabelled: list[list[str]] = []
        for below in range(index + 1, len(table.rows)):
            texts = table.texts(below)
            label = name_key(texts[0]) if 0 not in roles else ""
            cells = {column: _clean_signed(texts[column]) for column in roles if column < len(texts)}
            if _NAME_LABEL.match(label):
                for column, text in cells.items():
                    found[roles[column]].name = found[roles[column]].name or text
            elif _TITLE_LABEL.match(label):
                for column, text in cells.items():
                    found[roles[column]].title = found[roles[column]].title or text
            elif not label and any(cells.values()):
                unlabelled.append([cells.get(column, "") for column in roles])
        if unlabelled and not any(signature.name for signature in found.values()):
            for column_index, column in enumerate(roles):
                texts = [row[column_index] for row in unlabelled if row[column_index]]
                if texts:
                    found[roles[column]].name = texts[-1]
        return _ordered(found)
    return []


def _down(table: Table) -> list[Signature]:
    """Roles down column 0; the header row says which columns hold the name and the title."""
    roles = {index: role for index in range(len(table.rows)) if (role := _role(table.texts(index)[0]))}
    if len(set(roles.values())) < 2:
        return []
    header = table.texts(0)
    name_column = next((i for i, text in enumerate(header) if _NAME_LABEL.match(name_key(text))), 1)
    title_column = next((i for i, text in enumerate(header) if _TITLE_LABEL.match(name_key(text))), 2)
    found: dict[str, Signature] = {}
    for index, role in roles.items():
        texts = table.texts(index)
        name = _clean_signed(texts[name_column]) if name_column < len(texts) else ""
        title = _clean_signed(texts[title_column]) if title_column < len(texts) else ""
        found.setdefault(role, Signature(role, name, title))
    return _ordered(found)


def _ordered(found: dict[str, Signature]) -> list[Signature]:
    return [found[role] for role, _ in _ROLES if role in found]
