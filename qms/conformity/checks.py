"""What an inspector would find in a process document, from what was read and what the application knows.

``run_checks`` is pure: the caller gathers the context (the document's code and kind, the issue
number the revision has or would get, the linked procedure's statutory time, the outdated
citations). The codes are part of the API.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from qms.catalogue.statutory_time import NORMAL, PART, TimeCase, parse_time
from qms.conformity.form_codes import form_key
from qms.conformity.headings import DOSSIER, FORMS, LEGAL_BASIS, RECORDS, REFERENCES, STEPS
from qms.conformity.structure import Step, Structure
from qms.messages import Message
from qms.models import TimeUnit

UNREADABLE = "unreadable"
METADATA_MISMATCH = "metadata_mismatch"
DOSSIER_MISSING = "dossier_missing"
STEPS_MISSING = "steps_missing"
STEP_NO_RESPONSIBLE = "step_no_responsible"
STEP_NO_TIME = "step_no_time"
STEP_TIME_UNREADABLE = "step_time_unreadable"
TIME_EXCEEDS_STATUTORY = "time_exceeds_statutory"
FORMS_MISSING = "forms_missing"
RECORDS_MISSING = "records_missing"
LEGAL_BASIS_OUTDATED = "legal_basis_outdated"
NOT_READ = "not_read"
STEP_NUMBERING = "step_numbering"
COLUMN_TOTAL_MISMATCH = "column_total_mismatch"
AMENDMENTS_EMPTY = "amendments_empty"
LEGAL_BASIS_UNREGISTERED = "legal_basis_unregistered"

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_LABELS = {ERROR: "Lỗi", WARNING: "Cảnh báo", INFO: "Lưu ý"}

CODE_LABELS = {
    UNREADABLE: "Không đọc được nội dung",
    METADATA_MISMATCH: "Mã hiệu, lần ban hành không khớp",
    DOSSIER_MISSING: "Thiếu thành phần hồ sơ",
    STEPS_MISSING: "Thiếu bảng quy trình xử lý",
    STEP_NO_RESPONSIBLE: "Bước chưa có người/đơn vị thực hiện",
    STEP_NO_TIME: "Bước chưa có thời gian",
    STEP_TIME_UNREADABLE: "Không đọc được thời gian của bước",
    TIME_EXCEEDS_STATUTORY: "Vượt thời hạn giải quyết",
    FORMS_MISSING: "Thiếu biểu mẫu",
    RECORDS_MISSING: "Thiếu hồ sơ cần lưu",
    LEGAL_BASIS_OUTDATED: "Căn cứ pháp lý đã thay đổi",
    NOT_READ: "Không đọc được một phần tài liệu",
    STEP_NUMBERING: "Số thứ tự các bước bị lặp hoặc bỏ sót",
    COLUMN_TOTAL_MISMATCH: "Tổng thời gian vượt thời gian ghi ở tiêu đề cột",
    AMENDMENTS_EMPTY: "Bảng theo dõi sửa đổi để trống",
    LEGAL_BASIS_UNREGISTERED: "Căn cứ nêu theo tên, chưa có trong danh mục",
}

CONTROL_BLOCK = Message("Thông tin kiểm soát (mã hiệu, lần ban hành)")
RUNNING_LINES = Message("Đầu trang, chân trang")
AMENDMENT_TABLE = Message("Bảng theo dõi sửa đổi")
_UNIT_LABELS = {
    "working_day": Message("%(count)s ngày làm việc"),
    "day": Message("%(count)s ngày"),
    "working_hour": Message("%(count)s giờ làm việc"),
    "hour": Message("%(count)s giờ"),
    "same_day": Message("%(count)s ngày"),
    "month": Message("%(count)s tháng"),
}
_DAY_UNITS = ("working_day", "day", "month")
_EPSILON = 1e-6

# Why a file could not be read, from the English reason of the text extractor.
_PROBLEMS = (
    ("no text layer", Message("tệp PDF không có lớp văn bản (có thể là bản quét)")),
    ("encrypted", Message("tệp PDF được đặt mật khẩu")),
    ("zip bomb", Message("tệp .docx có cấu trúc bất thường, không được mở")),
    ("DOCTYPE", Message("tệp .docx có cấu trúc bất thường, không được mở")),
    ("contains no text", Message("tài liệu không có nội dung chữ")),
    ("no text", Message("tài liệu không có nội dung chữ")),
    (".doc)", Message("tệp Word cũ (.doc); hãy lưu lại dưới dạng .docx")),
    ("corrupt", Message("tệp bị hỏng hoặc không đầy đủ")),
    ("not a Word", Message("tệp không phải văn bản Word")),
)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    #: Where in the document: {"section": heading or None, "step": step number or None, "row": row or None}.
    where: dict[str, str | None] = field(default_factory=dict)
    #: What was read there, as written, so that a person can check the finding in seconds.
    quote: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_stored(self) -> dict[str, Any]:
        """As stored: the message also as its catalogue id and values, so that it renders in any language."""
        stored = self.to_dict()
        if isinstance(self.message, Message):
            stored["message_data"] = self.message.as_data()
        return stored

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        # A finding stored before messages kept their values has only its Vietnamese text: shown as it is.
        message = Message.from_data(data["message_data"]) if data.get("message_data") else data.get("message", "")
        return cls(
            data["code"], data.get("severity", WARNING), message, dict(data.get("where") or {}),
            data.get("quote", ""),
        )


@dataclass(frozen=True)
class Statutory:
    """The statutory time the steps must fit in: from the catalogue, or else as the document states it."""

    hours: float
    text: str
    unit: str | None
    #: The TTHC code it comes from; None when it is the document's own statement.
    procedure_code: str | None = None
    #: The document's section stating it, when it is the document's own statement.
    section: str | None = None
    #: Every case the document states (normal, with verification, after 15:00, parts), when it is its own statement.
    cases: list[TimeCase] = field(default_factory=list)


@dataclass(frozen=True)
class Outdated:
    """A cited legal document that is replaced, or amended after the revision was issued."""

    number: str
    change: str  # "replaced" | "amended"
    by: list[str]
    since: date | None = None


@dataclass(frozen=True)
class Context:
    is_process: bool
    document_code: str
    #: The issue number the revision has, or would get if approved now.
    expected_issue: int | None
    issued: bool
    statutory: Statutory | None = None
    outdated: list[Outdated] = field(default_factory=list)
    #: Laws cited by name and year that the register does not hold, as written ("Luật Hộ tịch năm 2014").
    unregistered: list[str] = field(default_factory=list)


def run_checks(structure: Structure, context: Context) -> list[Finding]:
    """Every finding, in the order of the document; an unreadable file gives that one finding only."""
    if not structure.readable:
        return [_unreadable(structure.problem)]
    findings = _metadata(structure, context)
    if context.is_process:
        findings += _dossier(structure)
        findings += _steps(structure, context)
        findings += _forms(structure)
        findings += _records(structure)
    findings += _legal(structure, context)
    return findings


def _unreadable(problem: str | None) -> Finding:
    reason = next((text for key, text in _PROBLEMS if key.lower() in (problem or "").lower()), None)
    reason = reason or Message("tệp bị hỏng hoặc không đúng định dạng")
    # Nothing was read, so nothing is known to be wrong with the process: the reader's limit, not an error.
    damaged = any(word in (problem or "").lower() for word in ("corrupt", "not a word", "zip bomb", "doctype"))
    return Finding(
        UNREADABLE, WARNING if damaged else INFO,
        Message("Không đọc được nội dung tài liệu: %(reason)s. Hãy tải lên tệp .docx hoặc PDF có lớp văn bản.",
                reason=reason),
        _where(None),
    )


def _metadata(structure: Structure, context: Context) -> list[Finding]:
    found: list[Finding] = []
    code = structure.control.code
    if code and _code_key(code) != _code_key(context.document_code):
        found.append(Finding(
            METADATA_MISMATCH, WARNING,
            Message("Mã hiệu trong tệp (%(code)s) khác mã hiệu của tài liệu (%(expected)s).", code=code,
                    expected=context.document_code),
            _where(CONTROL_BLOCK),
        ))
    issue = structure.control.issue_number
    if issue is not None and context.expected_issue is not None and issue != context.expected_issue:
        text = (
            "Lần ban hành trong tệp (%(issue)s) khác lần ban hành của phiên bản này (%(expected)s)." if context.issued
            else "Lần ban hành trong tệp (%(issue)s) khác lần ban hành mà phiên bản này sẽ nhận khi được phê duyệt"
            " (%(expected)s)."
        )
        found.append(Finding(
            METADATA_MISMATCH, WARNING,
            Message(text, issue=f"{issue:02d}", expected=f"{context.expected_issue:02d}"),
            _where(CONTROL_BLOCK),
        ))
    found += _running_lines(structure)
    found += _amendments(structure, context)
    return found


def _running_lines(structure: Structure) -> list[Finding]:
    """Page headers or footers repeating another code or issue number than the cover: say so, prefer neither."""
    control = structure.control
    found: list[Finding] = []
    if control.running_code and control.code:
        found.append(Finding(
            METADATA_MISMATCH, WARNING,
            Message("Mã hiệu ở đầu trang/chân trang (%(running)s) khác mã hiệu ở trang bìa (%(code)s).",
                    running=control.running_code, code=control.code),
            _where(RUNNING_LINES), f"{control.running_code} / {control.code}",
        ))
    if control.running_issue is not None and control.issue_number is not None:
        found.append(Finding(
            METADATA_MISMATCH, WARNING,
            Message("Lần ban hành ở đầu trang/chân trang (%(running)s) khác lần ban hành ở trang bìa (%(issue)s).",
                    running=f"{control.running_issue:02d}", issue=f"{control.issue_number:02d}"),
            _where(RUNNING_LINES), f"{control.running_issue:02d} / {control.issue_number:02d}",
        ))
    return found


def _amendments(structure: Structure, context: Context) -> list[Finding]:
    """An amendment table left empty on an issue 2 or later: what changed is not recorded."""
    issue = structure.control.issue_number or (context.expected_issue if context.issued else None)
    if not structure.amendment_table or structure.amendments or issue is None or issue < 2:
        return []
    return [Finding(
        AMENDMENTS_EMPTY, WARNING,
        Message("Tài liệu ban hành lần %(issue)s nhưng bảng theo dõi sửa đổi để trống: chưa ghi nội dung sửa đổi.",
                issue=f"{issue:02d}"),
        _where(AMENDMENT_TABLE),
    )]


def _dossier(structure: Structure) -> list[Finding]:
    """An error only for a reference instead of a list (sure); a section not read is said so, not reported missing."""
    dossier = structure.dossier
    if dossier.components:
        return []
    where = _where(dossier.section or _label(DOSSIER))
    if dossier.reference:
        return [Finding(
            DOSSIER_MISSING, ERROR,
            Message("Mục «%(section)s» không liệt kê thành phần hồ sơ mà chỉ dẫn chiếu «%(reference)s»;"
                    " cần nêu từng giấy tờ (bản chính/bản sao).", section=dossier.section, reference=dossier.reference),
            where, dossier.reference,
        )]
    if dossier.section is None:
        return [Finding(
            DOSSIER_MISSING, WARNING,
            Message("Không tìm thấy mục Thành phần hồ sơ: chưa liệt kê các giấy tờ người dân phải nộp."), where,
        )]
    if dossier.unread:
        return [Finding(
            NOT_READ, INFO,
            Message("Không đọc được thành phần hồ sơ trong mục «%(section)s»; hãy kiểm tra trực tiếp.",
                    section=dossier.section),
            where, dossier.unread,
        )]
    return [Finding(DOSSIER_MISSING, WARNING,
                    Message("Mục «%(section)s» không liệt kê thành phần hồ sơ.", section=dossier.section), where)]


def _steps(structure: Structure, context: Context) -> list[Finding]:
    steps = structure.steps
    section = steps.section or structure.section_heading(STEPS) or _label(STEPS)
    if not steps.rows:
        if steps.unread:
            return [Finding(
                NOT_READ, INFO,
                Message("Không đọc được bảng quy trình xử lý trong mục «%(section)s»; hãy kiểm tra trực tiếp.",
                        section=section),
                _where(section), steps.unread,
            )]
        return [Finding(
            STEPS_MISSING, WARNING,
            Message("Không tìm thấy bảng quy trình xử lý"
                    " (Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả)."),
            _where(section),
        )]
    found: list[Finding] = []
    sure = structure.source == "docx" and "responsible" in steps.columns
    for row, step in enumerate(steps.rows, start=1):
        if not step.responsible and ("responsible" in steps.columns or not steps.columns):
            found.append(Finding(
                STEP_NO_RESPONSIBLE, ERROR if sure else WARNING,
                Message("Bước %(step)s chưa ghi người hoặc đơn vị thực hiện.", step=step.number),
                _where(section, step.number, row), _step_quote(step),
            ))
        if step.shared_time:
            continue
        if not step.time_text and not any(time.text for time in step.times):
            found.append(Finding(
                STEP_NO_TIME, WARNING, Message("Bước %(step)s chưa ghi thời gian thực hiện.", step=step.number),
                _where(section, step.number, row), _step_quote(step),
            ))
        for time in step.times or []:
            if time.text and time.hours is None and not time.shared_time:
                text = (
                    Message("Không đọc được thời gian của bước %(step)s (cột «%(column)s»): «%(time)s».",
                            step=step.number, column=time.condition, time=time.text)
                    if len(step.times) > 1 and time.condition
                    else Message("Không đọc được thời gian của bước %(step)s: «%(time)s».", step=step.number,
                                 time=time.text)
                )
                found.append(Finding(
                    STEP_TIME_UNREADABLE, INFO, text,
                    _where(section, step.number, row), time.text,
                ))
        if not step.times and step.time_text and step.hours is None:
            found.append(Finding(
                STEP_TIME_UNREADABLE, INFO,
                Message("Không đọc được thời gian của bước %(step)s: «%(time)s».", step=step.number,
                        time=step.time_text),
                _where(section, step.number, row), step.time_text,
            ))
    found += _numbering(structure, section)
    found += _column_totals(structure, section)
    found += _total_time(structure, context, section)
    return found


def _step_quote(step: Step) -> str:
    return " | ".join(part for part in (step.number, step.content, step.responsible, step.time_text) if part)[:200]


def _numbering(structure: Structure, section: str) -> list[Finding]:
    """Step numbers written in a step column that repeat or skip one (1, 2, 2, 4)."""
    steps = structure.steps
    if "step" not in steps.columns or not all(step.number.isdigit() for step in steps.rows):
        return []
    numbers = [int(step.number) for step in steps.rows if not step.merged_number]
    found: list[Finding] = []
    for row, (before, after) in enumerate(zip(numbers, numbers[1:], strict=False), start=2):
        if after == before:
            problem = Message("Số thứ tự các bước không liền mạch: bước %(step)s được đánh số hai lần.", step=after)
        elif after > before + 1:
            problem = Message("Số thứ tự các bước không liền mạch: sau bước %(before)s là bước %(after)s"
                              " (thiếu bước %(missing)s).", before=before, after=after, missing=before + 1)
        else:
            continue
        found.append(Finding(
            STEP_NUMBERING, WARNING, problem,
            _where(section, str(after), row), ", ".join(str(n) for n in numbers),
        ))
    return found


def _column_totals(structure: Structure, section: str) -> list[Finding]:
    """A time column whose heading states a time ("không xác minh: 03 ngày") and whose steps add up to more."""
    found: list[Finding] = []
    for index, column in enumerate(structure.steps.time_columns):
        if column.stated_hours is None:
            continue
        hours = _column_hours(structure, index)
        if hours is None or hours <= column.stated_hours + _EPSILON:  # fewer is within the time the heading allows
            continue
        found.append(Finding(
            COLUMN_TOTAL_MISMATCH, WARNING,
            Message("Các bước ở cột «%(column)s» cộng lại là %(total)s, vượt thời gian ghi ở tiêu đề cột (%(stated)s).",
                    column=column.heading, total=_duration(hours, "working_day"),
                    stated=_duration(column.stated_hours, "working_day")),
            _where(section), column.heading,
        ))
    return found


def _column_hours(structure: Structure, index: int) -> float | None:
    """The total of one time column (merged cells once); None when a step's time in it is not read."""
    total = 0.0
    for step in structure.steps.rows:
        if not step.times:
            if index or (step.hours is None and not step.shared_time):
                return None
            total += 0 if step.shared_time else step.hours or 0
            continue
        if index >= len(step.times):
            return None
        time = step.times[index]
        if time.shared_time or not time.text:
            continue
        if time.hours is None:
            return None
        total += time.hours
    return total


def _total_time(structure: Structure, context: Context, section: str) -> list[Finding]:
    """Each time column against its own statutory case: never the verification column against the normal limit."""
    statutory = context.statutory
    if statutory is None:
        return []
    columns = structure.steps.time_columns or []
    kinds = [column.kind for column in columns] or [NORMAL]
    found: list[Finding] = []
    for index, kind in enumerate(kinds):
        limit = _limit(statutory, kind)
        if limit is None:
            continue
        hours, text, severity = limit
        total = _read_hours(structure, index)
        if total is None or total <= hours + _EPSILON:
            continue
        whole_days = _read_hours(structure, index, same_day=False)
        if whole_days is not None and whole_days <= hours + _EPSILON:
            severity = WARNING  # only over with "trong ngày" steps counted as whole days: they may run in one day
        if statutory.procedure_code:
            where = Message("thời hạn giải quyết %(time)s của thủ tục %(procedure)s", time=text,
                            procedure=statutory.procedure_code)
        else:
            where = Message("thời gian xử lý %(time)s nêu tại mục «%(section)s»", time=text, section=statutory.section)
        unit = statutory.unit if statutory.unit != "same_day" or total < 8 else "working_day"
        message = (
            Message("Tổng thời gian các bước ở cột «%(column)s» là %(total)s, vượt %(limit)s.",
                    column=columns[index].heading, total=_duration(total, unit), limit=where)
            if len(columns) > 1
            else Message("Tổng thời gian các bước là %(total)s, vượt %(limit)s.", total=_duration(total, unit),
                         limit=where)
        )
        found.append(Finding(
            TIME_EXCEEDS_STATUTORY, severity, message,
            _where(section), text,
        ))
    return found


def _limit(statutory: Statutory, kind: str) -> tuple[float, str, str] | None:
    """The statutory hours a column of this case must fit in, how it is written, and how sure the comparison is."""
    if statutory.procedure_code and kind == NORMAL:
        return statutory.hours, statutory.text, ERROR
    if not statutory.cases:
        return (statutory.hours, statutory.text, ERROR) if kind == NORMAL else None
    same = [case for case in statutory.cases if case.kind == kind and case.hours is not None]
    if same:
        return same[0].hours or 0, same[0].text.rstrip(" ."), ERROR
    parts = [case for case in statutory.cases if case.kind == PART and case.hours is not None]
    if kind == NORMAL and parts:  # a time given in parts: the steps must fit in all of them together
        return sum(case.hours or 0 for case in parts), "; ".join(case.text for case in parts), WARNING
    return None


def _read_hours(structure: Structure, index: int, *, same_day: bool = True) -> float | None:
    """What the steps of one column add up to, counting only what was read (a sure lower bound).

    Without ``same_day``, steps written "trong ngày" count nothing: several of them may share one day.
    """
    total = 0.0
    any_read = False
    for step in structure.steps.rows:
        if step.times:
            time = step.times[index] if index < len(step.times) else None
            hours = None if time is None or time.shared_time else time.hours
            text = time.text if time is not None else ""
        else:
            hours = None if index or step.shared_time else step.hours
            text = step.time_text
        if hours is not None and not same_day and parse_time(text)[1] is TimeUnit.SAME_DAY:
            hours = 0.0
        if hours is not None:
            total += hours
            any_read = True
    return total if any_read else None


def _forms(structure: Structure) -> list[Finding]:
    forms = structure.forms
    section = forms.section or _label(FORMS)
    listed = {form_key(form.code) for form in forms.items if form.code}
    if not forms.items:
        return [Finding(FORMS_MISSING, WARNING, Message("Không có danh mục biểu mẫu sử dụng trong quy trình."),
                        _where(section))]
    found: list[Finding] = []
    reported: set[str] = set()
    for step in structure.steps.rows:
        for code in step.forms:
            key = form_key(code)
            if key in listed or key in reported:
                continue
            reported.add(key)
            found.append(Finding(
                FORMS_MISSING, WARNING,
                Message("%(form)s được nêu ở bước %(step)s nhưng không có trong danh mục biểu mẫu (mục «%(section)s»).",
                        form=code, step=step.number, section=section),
                _where(section, step.number),
            ))
    return found


def _records(structure: Structure) -> list[Finding]:
    records = structure.records
    if records.items:
        return []
    if records.section is None:
        message = Message("Không tìm thấy mục Hồ sơ cần lưu (hồ sơ, nơi lưu, thời gian lưu).")
    elif records.reference:
        message = Message("Mục «%(section)s» không nêu hồ sơ cần lưu mà chỉ dẫn chiếu «%(reference)s».",
                          section=records.section, reference=records.reference)
    else:
        message = Message("Mục «%(section)s» không nêu hồ sơ cần lưu (hồ sơ, nơi lưu, thời gian lưu).",
                          section=records.section)
    return [Finding(RECORDS_MISSING, WARNING, message, _where(records.section or _label(RECORDS)))]


def _legal(structure: Structure, context: Context) -> list[Finding]:
    section = structure.section_heading(LEGAL_BASIS) or structure.section_heading(REFERENCES)
    found: list[Finding] = []
    for cited in context.outdated:
        by = ", ".join(cited.by)
        since = cited.since.strftime("%d/%m/%Y") if cited.since else None
        if cited.change == "replaced":
            message = (
                Message("Căn cứ %(number)s đã bị thay thế bởi %(by)s (từ ngày %(since)s).", number=cited.number, by=by,
                        since=since)
                if since else Message("Căn cứ %(number)s đã bị thay thế bởi %(by)s.", number=cited.number, by=by)
            )
            severity = ERROR
        else:
            message = (
                Message("Căn cứ %(number)s đã được sửa đổi, bổ sung bởi %(by)s (từ ngày %(since)s), sau khi phiên bản"
                        " này được ban hành.", number=cited.number, by=by, since=since)
                if since else Message("Căn cứ %(number)s đã được sửa đổi, bổ sung bởi %(by)s, sau khi phiên bản này"
                                      " được ban hành.", number=cited.number, by=by)
            )
            severity = WARNING
        found.append(Finding(LEGAL_BASIS_OUTDATED, severity, message, _where(section), cited.number))
    for raw in context.unregistered:
        found.append(Finding(
            LEGAL_BASIS_UNREGISTERED, INFO,
            Message("«%(cited)s» được nêu theo tên, không có trong danh mục văn bản pháp luật: chưa xác định được số"
                    " hiệu và hiệu lực. Hãy thêm văn bản vào danh mục hoặc ghi số hiệu.", cited=raw),
            _where(section), raw,
        ))
    return found


# --- small pieces ----------------------------------------------------------------------------------


def _where(section: str | None, step: str | None = None, row: int | None = None) -> dict[str, str | None]:
    return {"section": section, "step": step, "row": str(row) if row is not None else None}


def _label(kind: str) -> str:
    from qms.conformity.headings import LABELS

    return LABELS[kind]


def same_code(a: str, b: str) -> bool:
    """Two document codes name the same document (separators, case and leading zeros aside)."""
    return _code_key(a) == _code_key(b)


def _code_key(code: str) -> str:
    """Codes compare without separators, case or leading zeros: "QT.HT.4" is "QT-HT-04"."""
    from qms.text.vietnamese import fold

    text = re.sub(r"[^A-Z0-9]", "", fold(code).upper())
    return re.sub(r"(?<!\d)0+(?=\d)", "", text)


def _duration(hours: float, unit: str | None) -> str:
    """Working hours as the statutory time counts them: days for a time in days, hours otherwise."""
    if unit in _DAY_UNITS:
        days = _number(hours / 8)
        return Message("%(count)s ngày làm việc", count=days) if unit == "working_day" else Message("%(count)s ngày",
                                                                                                       count=days)
    if unit == "same_day":
        return Message("%(count)s giờ làm việc", count=_number(hours))
    return Message(_UNIT_LABELS.get(unit or "hour", _UNIT_LABELS["hour"]).msgid, count=_number(hours))


def _number(value: float) -> str:
    rounded = round(value, 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:g}".replace(".", ",")
