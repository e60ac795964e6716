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

from qms.conformity.form_codes import form_key
from qms.conformity.headings import DOSSIER, FORMS, LEGAL_BASIS, RECORDS, REFERENCES, STEPS
from qms.conformity.structure import Structure

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
}

CONTROL_BLOCK = "Thông tin kiểm soát (mã hiệu, lần ban hành)"
_UNIT_LABELS = {
    "working_day": "ngày làm việc",
    "day": "ngày",
    "working_hour": "giờ làm việc",
    "hour": "giờ",
    "same_day": "ngày",
    "month": "tháng",
}
_DAY_UNITS = ("working_day", "day", "month")
_EPSILON = 1e-6

# Why a file could not be read, from the English reason of the text extractor.
_PROBLEMS = (
    ("no text layer", "tệp PDF không có lớp văn bản (có thể là bản quét)"),
    ("encrypted", "tệp PDF được đặt mật khẩu"),
    ("zip bomb", "tệp .docx có cấu trúc bất thường, không được mở"),
    ("DOCTYPE", "tệp .docx có cấu trúc bất thường, không được mở"),
    ("contains no text", "tài liệu không có nội dung chữ"),
    ("no text", "tài liệu không có nội dung chữ"),
    (".doc)", "tệp Word cũ (.doc); hãy lưu lại dưới dạng .docx"),
    ("corrupt", "tệp bị hỏng hoặc không đầy đủ"),
    ("not a Word", "tệp không phải văn bản Word"),
)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    #: Where in the document: {"section": heading or None, "step": step number or None}.
    where: dict[str, str | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(data["code"], data.get("severity", WARNING), data.get("message", ""), dict(data.get("where") or {}))


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
    reason = reason or "tệp bị hỏng hoặc không đúng định dạng"
    return Finding(
        UNREADABLE, ERROR,
        f"Không đọc được nội dung tài liệu: {reason}. Hãy tải lên tệp .docx hoặc PDF có lớp văn bản.",
        _where(None),
    )


def _metadata(structure: Structure, context: Context) -> list[Finding]:
    found: list[Finding] = []
    code = structure.control.code
    if code and _code_key(code) != _code_key(context.document_code):
        found.append(Finding(
            METADATA_MISMATCH, WARNING,
            f"Mã hiệu trong tệp ({code}) khác mã hiệu của tài liệu ({context.document_code}).",
            _where(CONTROL_BLOCK),
        ))
    issue = structure.control.issue_number
    if issue is not None and context.expected_issue is not None and issue != context.expected_issue:
        which = "của phiên bản này" if context.issued else "mà phiên bản này sẽ nhận khi được phê duyệt"
        found.append(Finding(
            METADATA_MISMATCH, WARNING,
            f"Lần ban hành trong tệp ({issue:02d}) khác lần ban hành {which} ({context.expected_issue:02d}).",
            _where(CONTROL_BLOCK),
        ))
    return found


def _dossier(structure: Structure) -> list[Finding]:
    dossier = structure.dossier
    if dossier.components:
        return []
    if dossier.section is None:
        message = "Không tìm thấy mục Thành phần hồ sơ: chưa liệt kê các giấy tờ người dân phải nộp."
    elif dossier.reference:
        message = (
            f"Mục «{dossier.section}» không liệt kê thành phần hồ sơ mà chỉ dẫn chiếu «{dossier.reference}»;"
            " cần nêu từng giấy tờ (bản chính/bản sao)."
        )
    else:
        message = f"Mục «{dossier.section}» không liệt kê thành phần hồ sơ."
    return [Finding(DOSSIER_MISSING, ERROR, message, _where(dossier.section or _label(DOSSIER)))]


def _steps(structure: Structure, context: Context) -> list[Finding]:
    steps = structure.steps
    section = steps.section or structure.section_heading(STEPS) or _label(STEPS)
    if not steps.rows:
        return [Finding(
            STEPS_MISSING, ERROR,
            "Không tìm thấy bảng quy trình xử lý"
            " (Bước | Nội dung công việc | Trách nhiệm | Thời gian | Biểu mẫu/Kết quả).",
            _where(section),
        )]
    found: list[Finding] = []
    for step in steps.rows:
        if not step.responsible:
            found.append(Finding(
                STEP_NO_RESPONSIBLE, ERROR, f"Bước {step.number} chưa ghi người hoặc đơn vị thực hiện.",
                _where(section, step.number),
            ))
        if step.shared_time:
            continue
        if not step.time_text:
            found.append(Finding(
                STEP_NO_TIME, WARNING, f"Bước {step.number} chưa ghi thời gian thực hiện.", _where(section, step.number)
            ))
        elif step.hours is None:
            found.append(Finding(
                STEP_TIME_UNREADABLE, INFO,
                f"Không đọc được thời gian của bước {step.number}: «{step.time_text}».", _where(section, step.number),
            ))
    found += _total_time(structure, context, section)
    return found


def _total_time(structure: Structure, context: Context, section: str) -> list[Finding]:
    statutory = context.statutory
    hours = [step.hours for step in structure.steps.rows if step.hours is not None and not step.shared_time]
    if statutory is None or not hours:
        return []
    total = sum(hours)
    if total <= statutory.hours + _EPSILON:
        return []
    if statutory.procedure_code:
        limit = f"thời hạn giải quyết {statutory.text} của thủ tục {statutory.procedure_code}"
    else:
        limit = f"thời gian xử lý {statutory.text} nêu tại mục «{statutory.section}»"
    return [Finding(
        TIME_EXCEEDS_STATUTORY, ERROR,
        f"Tổng thời gian các bước là {_duration(total, statutory.unit)}, vượt {limit}.",
        _where(section),
    )]


def _forms(structure: Structure) -> list[Finding]:
    forms = structure.forms
    section = forms.section or _label(FORMS)
    listed = {form_key(form.code) for form in forms.items if form.code}
    if not forms.items:
        return [Finding(FORMS_MISSING, WARNING, "Không có danh mục biểu mẫu sử dụng trong quy trình.", _where(section))]
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
                f"{code} được nêu ở bước {step.number} nhưng không có trong danh mục biểu mẫu (mục «{section}»).",
                _where(section, step.number),
            ))
    return found


def _records(structure: Structure) -> list[Finding]:
    records = structure.records
    if records.items:
        return []
    if records.section is None:
        message = "Không tìm thấy mục Hồ sơ cần lưu (hồ sơ, nơi lưu, thời gian lưu)."
    elif records.reference:
        message = f"Mục «{records.section}» không nêu hồ sơ cần lưu mà chỉ dẫn chiếu «{records.reference}»."
    else:
        message = f"Mục «{records.section}» không nêu hồ sơ cần lưu (hồ sơ, nơi lưu, thời gian lưu)."
    return [Finding(RECORDS_MISSING, WARNING, message, _where(records.section or _label(RECORDS)))]


def _legal(structure: Structure, context: Context) -> list[Finding]:
    section = structure.section_heading(LEGAL_BASIS) or structure.section_heading(REFERENCES)
    found: list[Finding] = []
    for cited in context.outdated:
        by = ", ".join(cited.by)
        since = f" (từ ngày {cited.since.strftime('%d/%m/%Y')})" if cited.since else ""
        if cited.change == "replaced":
            message = f"Căn cứ {cited.number} đã bị thay thế bởi {by}{since}."
            severity = ERROR
        else:
            message = (
                f"Căn cứ {cited.number} đã được sửa đổi, bổ sung bởi {by}{since},"
                " sau khi phiên bản này được ban hành."
            )
            severity = WARNING
        found.append(Finding(LEGAL_BASIS_OUTDATED, severity, message, _where(section)))
    return found


# --- small pieces ----------------------------------------------------------------------------------


def _where(section: str | None, step: str | None = None) -> dict[str, str | None]:
    return {"section": section, "step": step}


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
        label = "ngày làm việc" if unit == "working_day" else "ngày"
        return f"{_number(hours / 8)} {label}"
    if unit == "same_day":
        return f"{_number(hours)} giờ làm việc"
    return f"{_number(hours)} {_UNIT_LABELS.get(unit or 'hour', 'giờ')}"


def _number(value: float) -> str:
    rounded = round(value, 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:g}".replace(".", ",")
