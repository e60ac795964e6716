"""The steps table (Bước | Nội dung | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả) and the stated processing time.

The table is found by its header words wherever it is; a table that follows it before another
section (the same header again, or rows of the same width) continues it, as when Word splits a
table over two pages.
"""

from __future__ import annotations

import re

from qms.catalogue.statutory_time import parse_time, working_hours
from qms.conformity.blocks import Block, Paragraph, Table, one_line
from qms.conformity.columns import STEP_COLUMNS, Header, find_header, is_header_row, steps_header, value
from qms.conformity.form_codes import form_codes
from qms.conformity.headings import STEPS, TIME, name_key
from qms.conformity.sections import Section
from qms.conformity.structure import StatedTime, Step, Steps

_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2})*)")
_STEP_PREFIX = re.compile(r"^\s*(?:bước|buoc|b)\s*(\d{1,2}(?:\.\d{1,2})*)\s*[:.)\-–]?", re.IGNORECASE)
_TOTAL = re.compile(r"^(?:tong|cong)\b")
_ORDER = ("step", "content", "responsible", "time", "results")


def read_steps(sections: list[Section]) -> Steps:
    """The first steps table and the tables continuing it."""
    steps = Steps()
    header: Header | None = None
    width = 0
    owner: Section | None = None
    for section, block in _walk(sections):
        if header is not None and section is not owner and section.kind not in (None, STEPS):
            break
        if not isinstance(block, Table):
            continue
        found = steps_header(block)
        if found is not None:
            if header is None:
                steps.section = section.heading or None
                steps.columns = [kind for kind in _ORDER if kind in found.columns]
                owner = section
            header, width = found, block.width
            _read_rows(block, found, found.row + 1, steps)
            steps.tables += 1
        elif header is not None and block.width == width and not _other_header(block):
            _read_rows(block, header, 0, steps)
            steps.tables += 1
    if not steps.rows:
        _paragraph_steps(sections, steps)
    return steps


def read_stated_time(sections: list[Section]) -> StatedTime:
    """The processing time the document itself states under "Thời gian xử lý"."""
    section = next((s for s in sections if s.kind == TIME), None)
    if section is None:
        return StatedTime()
    for block in section.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [one_line(c.text) for r in block.rows for c in r]
        for text in texts:
            amount, unit = parse_time(text)
            if amount is not None and unit is not None:  # parse_time gives both or neither
                return StatedTime(section.heading, text[:300], amount, unit.value, working_hours(amount, unit))
    first = next((block.text for block in section.blocks if isinstance(block, Paragraph)), "")
    return StatedTime(section.heading, first[:300])


def _walk(sections: list[Section]) -> list[tuple[Section, Block]]:
    return [(section, block) for section in sections for block in section.blocks]


def _other_header(table: Table) -> bool:
    """A table that starts with a header row of its own (a forms or records list, say)."""
    from qms.conformity.columns import DOSSIER_COLUMNS, FORM_COLUMNS, RECORD_COLUMNS

    return any(find_header(table, spec, (), 2) is not None for spec in (DOSSIER_COLUMNS, FORM_COLUMNS, RECORD_COLUMNS))


def _read_rows(table: Table, header: Header, start: int, steps: Steps) -> None:
    columns = header.columns
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        texts = table.texts(index)
        if not any(text.strip() for text in texts) or is_header_row(texts, header, STEP_COLUMNS):
            continue
        if _is_banner(row):
            continue
        first = next((one_line(text) for text in texts if text.strip()), "")
        if _TOTAL.match(name_key(first)):
            steps.stated_total = value(row, columns.get("time")) or first
            continue
        label = value(row, columns.get("step"))
        content = value(row, columns.get("content"))
        if table.wrapped and not label and steps.rows and "step" in columns:
            _continue_step(steps.rows[-1], row, columns)
            continue
        steps.rows.append(_step(row, columns, _number(label, content, len(steps.rows) + 1), content))


def _step(row: tuple, columns: dict[str, list[int]], number: str, content: str) -> Step:
    time_columns = columns.get("time") or []
    shared = any(row[i].continued for i in time_columns if i < len(row)) and bool(value(row, time_columns))
    step = Step(
        number=number,
        content=content,
        responsible=value(row, columns.get("responsible")),
        time_text=value(row, time_columns),
        shared_time=shared,
        results=value(row, columns.get("results")),
    )
    _read_time(step)
    step.forms = form_codes(" ".join(one_line(cell.text) for cell in row if not cell.spanned))
    return step


def _continue_step(step: Step, row: tuple, columns: dict[str, list[int]]) -> None:
    """A wrapped line of a text layout: its words belong to the step above."""
    step.content = f"{step.content} {value(row, columns.get('content'))}".strip()
    step.responsible = f"{step.responsible} {value(row, columns.get('responsible'))}".strip()
    step.results = f"{step.results} {value(row, columns.get('results'))}".strip()
    if not step.time_text:
        step.time_text = value(row, columns.get("time"))
        _read_time(step)
    step.forms = form_codes(" ".join((step.content, step.responsible, step.results)))


def _read_time(step: Step) -> None:
    if step.shared_time:
        return
    amount, unit = parse_time(step.time_text)
    if amount is not None and unit is not None:
        step.time_value, step.time_unit, step.hours = amount, unit.value, working_hours(amount, unit)


def _number(label: str, content: str, position: int) -> str:
    """"Bước 2" -> "2"; without a step column, the "Bước 2:" starting the content; else the position."""
    match = _NUMBER.search(label) if label else None
    if match:
        return match.group(1)
    prefix = _STEP_PREFIX.match(content)
    return prefix.group(1) if prefix else str(position)


def _is_banner(row: tuple) -> bool:
    """A row that is one cell merged across the table: a phase title, not a step."""
    filled = [cell for cell in row if cell.text.strip() and not cell.spanned]
    return len(row) >= 3 and len(filled) == 1 and sum(1 for cell in row if cell.spanned) >= len(row) - 1


# --- steps written as paragraphs ---------------------------------------------------------------------

_STEP_LINE = re.compile(r"^\s*(?:[-–•+]\s*)?(?:bước|buoc)\s*(\d{1,2}(?:\.\d{1,2})*)\s*[:.)\-–]?\s*(.*)$", re.IGNORECASE)
_LABELLED = re.compile(
    r"(?P<label>trách nhiệm(?: thực hiện)?|người thực hiện|bộ phận thực hiện|đơn vị thực hiện|thực hiện"
    r"|thời gian(?: thực hiện)?|thời hạn|kết quả|biểu mẫu)\s*:\s*",
    re.IGNORECASE,
)
_PARTS = re.compile(r"\s+[-–—]\s+|;\s*|\s*\|\s*")
_WHO = re.compile(
    r"^(?:công chức|cán bộ|bộ phận|chủ tịch|phó chủ tịch|lãnh đạo|văn thư|chuyên viên|ubnd|ủy ban|uỷ ban|phòng|trưởng"
    r"|phó trưởng|người|tổ|đội|thủ trưởng|giám đốc|phó giám đốc|kế toán|thư ký)\b",
    re.IGNORECASE,
)


def _paragraph_steps(sections: list[Section], steps: Steps) -> None:
    """Lines "Bước 1: Tiếp nhận hồ sơ - Công chức một cửa - 01 giờ" (or with "Trách nhiệm:", "Thời gian:" labels)."""
    for section in sections:
        if section.kind != STEPS:
            continue
        for line in (text for paragraph in section.lines() for text in paragraph.splitlines()):
            match = _STEP_LINE.match(line)
            if match is None:
                if steps.rows and line.strip() and section.kind == STEPS:
                    _paragraph_detail(steps.rows[-1], line)
                continue
            if steps.section is None:
                steps.section = section.heading
            step = Step(number=match.group(1))
            steps.rows.append(step)
            _paragraph_detail(step, match.group(2))
        if steps.rows:
            steps.columns = ["step", "content", "responsible", "time", "results"]
            return


def _paragraph_detail(step: Step, text: str) -> None:
    """Labelled values first; otherwise the dash-separated parts: who does it, how long, and the rest is content."""
    labels = list(_LABELLED.finditer(text))
    if labels:
        head = text[: labels[0].start()].strip(" .;,-–")
        if head:
            step.content = f"{step.content} {head}".strip()
        for index, label in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
            found = text[label.end() : end].strip(" .;,")
            name = name_key(label.group("label"))
            if name.startswith(("thoi gian", "thoi han")):
                step.time_text = step.time_text or found
            elif name.startswith(("ket qua", "bieu mau")):
                step.results = f"{step.results} {found}".strip()
            else:
                step.responsible = step.responsible or found
    else:
        for part in (p.strip(" .") for p in _PARTS.split(text) if p.strip(" .")):
            if not step.time_text and parse_time(part)[0] is not None and len(part.split()) <= 8:
                step.time_text = part
            elif not step.responsible and _WHO.match(part):
                step.responsible = part
            else:
                step.content = f"{step.content} {part}".strip()
    _read_time(step)
    step.forms = form_codes(" ".join((step.content, step.responsible, step.results)))
