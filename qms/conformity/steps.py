"""The steps table (Bước | Nội dung | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả) and the stated processing time.

The table is found by its header words wherever it is; a table that follows it before another
section (the same header again, or rows of the same width) continues it, as when Word splits a
table over two pages.
"""

from __future__ import annotations

import re

from qms.catalogue.statutory_time import (
    NORMAL,
    OTHER,
    case_kind,
    normal_hours,
    parse_cases,
    parse_time,
    unit_named,
    working_hours,
)
from qms.conformity.blocks import Block, Cell, Paragraph, Table, one_line
from qms.conformity.columns import STEP_COLUMNS, Header, find_header, is_header_row, steps_header, value
from qms.conformity.form_codes import form_codes
from qms.conformity.headings import ANNEX, NOTES, STEPS, TIME, TOC, name_key
from qms.conformity.sections import Section
from qms.conformity.structure import StatedTime, Step, Steps, StepTime, TimeColumn

_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2})*)")
_STEP_PREFIX = re.compile(r"^\s*(?:bước|buoc|b)\s*(\d{1,2}(?:\.\d{1,2})*)\s*[:.)\-–]?", re.IGNORECASE)
# A total row: "Tổng thời gian", "Tổng cộng", "Cộng" alone (not "công cấp xã", the wrapped tail of a name).
_TOTAL = re.compile(r"^(?:tong(?: cong| so\b.*| thoi (?:gian|han)\b.*)?|cong(?: thoi gian\b.*)?)$")
# An unnumbered row "Thời gian giải quyết: 03 ngày" closing the table states the total, it is no step.
_TIME_ROW = re.compile(r"^(?:thoi gian|thoi han)(?: (?:giai quyet|xu ly|thuc hien)\b.*)?$")
_ORDER = ("step", "content", "responsible", "time", "results")
_NOTE = re.compile(r"^(?:luu y|ghi chu|chu y)\b")
# A number alone in a time cell, its unit given by the column's heading ("01" under "Thời gian (ngày)").
_BARE = re.compile(r"^\s*(?:\d+(?:[.,]\d+)?|\d+\s*/\s*\d+|½)\s*$")
_UNIT_WORDS = {"working_day": "ngày làm việc", "day": "ngày", "working_hour": "giờ làm việc", "hour": "giờ",
               "month": "tháng", "same_day": "ngày"}
#: Sections whose tables are never the process's steps.
_ASIDE = (ANNEX, NOTES, TOC)


def read_steps(sections: list[Section]) -> Steps:
    """The first steps table and the tables continuing it; in an annex only when the process has none of its own."""
    steps = _table_steps(sections, _ASIDE)
    if not steps.rows:
        steps = _table_steps(sections, (NOTES, TOC))
    if not steps.rows:
        _paragraph_steps(sections, steps)
    if not steps.rows:
        steps.unread = _unread(sections)
    return steps


def _table_steps(sections: list[Section], aside: tuple[str, ...]) -> Steps:
    steps = Steps()
    header: Header | None = None
    width = 0
    owner: Section | None = None
    for section, block in _walk(sections):
        if header is not None and section is not owner and section.kind not in (None, STEPS):
            break
        if not isinstance(block, Table) or section.kind in aside:
            continue
        found = steps_header(block)
        if found is not None and header is not None and block.width == width and _continues(block, found, steps):
            _read_rows(block, header, found.row + 1, steps)  # the header repeated on the next page
            steps.tables += 1
        elif found is not None and header is None:
            steps.section = section.heading or None
            steps.columns = [kind for kind in _ORDER if kind in found.columns]
            owner = section
            start = _header_tail(block, found)
            steps.time_columns = _time_columns(block, found, start)
            header, width = found, block.width
            _read_rows(block, found, start, steps)
            steps.tables += 1
        elif found is not None:
            break  # another steps table: a sub-process or an annexed one, not a continuation
        elif header is not None and block.width == width and not _other_header(block):
            _read_rows(block, header, 0, steps)
            steps.tables += 1
    return steps


def _unread(sections: list[Section]) -> str | None:
    """The first words of a steps section, or of a table that looks like steps, that gave no step."""
    for section in sections:
        if section.kind in _ASIDE:
            continue
        for block in section.blocks:
            if isinstance(block, Table):
                words = name_key(" ".join(block.texts(0)))
                if section.kind == STEPS or ("buoc" in words.split() and "thoi gian" in words):
                    return " | ".join(one_line(text) for text in block.texts(0) if text.strip())[:200]
            elif section.kind == STEPS and block.text.strip():
                return one_line(block.text)[:200]
    return None


def _continues(table: Table, header: Header, steps: Steps) -> bool:
    """A table with the steps header again continues the steps unless it starts again at step 1 (another process)."""
    for index in range(header.row + 1, len(table.rows)):
        label = value(table.rows[index], header.columns.get("step"))
        match = _NUMBER.search(label) if label else None
        if match:
            return not (match.group(1) == "1" and steps.rows)
    return True


def read_stated_time(sections: list[Section]) -> StatedTime:
    """The processing time the document itself states under "Thời gian xử lý", every case with its condition."""
    section = next((s for s in sections if s.kind == TIME), None)
    if section is None:
        return StatedTime()
    texts: list[str] = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        elif steps_header(block) is None:
            texts.extend(one_line(c.text) for r in block.rows for c in r if not c.spanned and c.text.strip())
    text = "\n".join(texts)
    cases = parse_cases(text[:3000])
    normal, hours = normal_hours(cases)
    if hours is None:
        first = next((block.text for block in section.blocks if isinstance(block, Paragraph)), "")
        return StatedTime(section.heading, first[:300], cases=cases)
    shown = normal.text if normal is not None and len(cases) == 1 else text
    value = normal.value if normal is not None else hours / 8
    unit = normal.unit if normal is not None else next((c.unit for c in cases if c.unit), None)
    return StatedTime(section.heading, shown[:600], value, unit, hours, cases)


def _header_tail(table: Table, header: Header) -> int:
    """The first row of steps: a row after the header with no step number and no time is the header's wrapped tail."""
    index = header.row + 1
    while index < len(table.rows) and index <= header.row + 2:
        row = table.rows[index]
        label = _own(row, header.columns.get("step"))
        times = [_own(row, [column]) for column in header.columns.get("time") or []]
        if label or any(parse_time(text)[0] is not None or _BARE.match(text) for text in times if text):
            break
        if not any(_own(row, [column]) for column in range(len(row))):
            break
        index += 1
    return index


def _own(row: tuple[Cell, ...], columns: list[int] | None) -> str:
    """The text a row has of its own in those columns (copies of merged cells from above left out)."""
    return " ".join(
        one_line(row[i].text) for i in columns or () if i < len(row) and not row[i].spanned and not row[i].continued
    ).strip()


def _time_columns(table: Table, header: Header, start: int) -> list[TimeColumn]:
    """One entry per time column, its case and heading total.

    A heading merged over two grid columns is one column, unless a sub-heading row splits it
    («Thời gian» over «Không xác minh | Có xác minh»).
    """
    found: list[TimeColumn] = []
    kinds: set[str] = set()
    for grid in _time_groups(table, header, start):
        index = grid[0] if len(grid) == 1 else next(
            (i for i in grid if any(not table.rows[r][i].spanned for r in range(header.row + 1, start))), grid[0]
        )
        heading = " ".join(dict.fromkeys(
            one_line(table.rows[r][index].text) for r in range(header.row, start)
            if index < len(table.rows[r]) and table.rows[r][index].text.strip()
            and not (r > header.row and table.rows[r][index].continued)
        ))
        kind, _ = case_kind(heading)
        kind = OTHER if kind in kinds else kind
        kinds.add(kind)
        cases = parse_cases(heading)
        unit = unit_named(heading)
        found.append(TimeColumn(kind, heading, cases[0].hours if cases else None, unit.value if unit else None, grid))
    if found and not any(column.kind == NORMAL for column in found):
        found[0].kind = NORMAL
    return found


def _time_groups(table: Table, header: Header, start: int) -> list[list[int]]:
    """The grid columns of each time heading: a new one wherever a header row has a cell of its own."""
    groups: list[list[int]] = []
    for index in header.columns.get("time") or []:
        own = any(
            index < len(table.rows[r]) and not table.rows[r][index].spanned for r in range(header.row, start)
        )
        if groups and not own and index == groups[-1][-1] + 1:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


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
        unnumbered = not value(row, columns.get("step")) or "step" not in columns
        if _TOTAL.match(name_key(first)) or (unnumbered and _TIME_ROW.match(name_key(first))):
            steps.stated_total = value(row, columns.get("time")) or first
            continue
        if _NOTE.match(name_key(first)):
            continue  # "Lưu ý: …" written in the table: not a step
        label = value(row, columns.get("step"))
        content = value(row, columns.get("content"))
        if table.wrapped and not label and steps.rows and "step" in columns:
            _continue_step(steps.rows[-1], row, columns, steps.time_columns)
            continue
        if not label and steps.rows and "step" in columns and not _own(row, columns.get("responsible")) \
                and not _own(row, columns.get("time")):
            _continue_step(steps.rows[-1], row, columns, steps.time_columns)  # a detail line of the step above
            continue
        step = _step(row, columns, _number(label, content, len(steps.rows) + 1), content, steps)
        step.merged_number = bool(label) and all(row[i].continued for i in columns.get("step") or [] if i < len(row))
        steps.rows.append(step)


def _step(row: tuple, columns: dict[str, list[int]], number: str, content: str, steps: Steps) -> Step:
    step = Step(
        number=number,
        content=content,
        responsible=value(row, columns.get("responsible")),
        results=value(row, columns.get("results")),
    )
    step.times = _step_times(row, columns, steps.time_columns)
    _adopt_normal(step)
    step.forms = form_codes(" ".join(one_line(cell.text) for cell in row if not cell.spanned))
    return step


def _step_times(row: tuple, columns: dict[str, list[int]], time_columns: list[TimeColumn]) -> list[StepTime]:
    """The step's time in each time column; a cell merged across columns is the time of each case it spans."""
    indexes = [i for i in columns.get("time") or []]
    if not time_columns:
        text = value(row, indexes)
        shared = any(row[i].continued for i in indexes if i < len(row)) and bool(text)
        return [_time(StepTime(NORMAL, "", text, None, shared), None)]
    found: list[StepTime] = []
    for column in time_columns:
        cells = [row[i] for i in column.grid if i < len(row)]
        text = " ".join(dict.fromkeys(one_line(cell.text) for cell in cells if cell.text.strip()))
        shared = any(cell.continued for cell in cells) and bool(text)
        found.append(_time(StepTime(column.kind, column.heading, text, None, shared), column.unit))
    return found


def _time(time: StepTime, unit: str | None) -> StepTime:
    """Hours of a time cell: "½ ngày", "0,5 ngày", "04 giờ", a bare number in the heading's unit; shared ones not."""
    if time.shared_time or not time.text:
        return time
    amount, parsed = parse_time(time.text)
    if amount is None and unit is not None and _BARE.match(time.text):
        amount, parsed = parse_time(f"{time.text.strip()} {_UNIT_WORDS[unit]}")
    if amount is not None and parsed is not None:
        time.hours = working_hours(amount, parsed)
    return time


def _adopt_normal(step: Step) -> None:
    """The step's own fields carry the normal case (the API's ``hours``); other cases stay in ``times``."""
    normal = next((time for time in step.times if time.kind == NORMAL), step.times[0] if step.times else None)
    if normal is None:
        return
    step.time_text, step.shared_time, step.hours = normal.text, normal.shared_time, normal.hours
    if normal.hours is not None and not normal.shared_time:
        amount, unit = parse_time(normal.text)
        if amount is not None and unit is not None:
            step.time_value, step.time_unit = amount, unit.value
        else:
            step.time_value, step.time_unit = normal.hours / 8, "day"


def _continue_step(step: Step, row: tuple, columns: dict[str, list[int]], time_columns: list[TimeColumn]) -> None:
    """A wrapped line of a text layout: its words belong to the step above."""
    step.content = f"{step.content} {value(row, columns.get('content'))}".strip()
    step.responsible = f"{step.responsible} {value(row, columns.get('responsible'))}".strip()
    step.results = f"{step.results} {value(row, columns.get('results'))}".strip()
    if not step.time_text:
        step.times = _step_times(row, columns, time_columns)
        _adopt_normal(step)
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
