"""A document's control history: every recorded event, readable in Vietnamese, oldest first.

Each event says who acted (with the title they held then, as the audit entry recorded it), when, what,
to which revision and with which file. Returned drafts and withdrawn revisions are there because the
audit log keeps everything; the revisions themselves are listed beside the events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from qms import clock, listing
from qms.documents import reading
from qms.documents.reading import KIND_LABELS, STATUS_LABELS
from qms.legal.reviews import RESOLUTION_LABELS
from qms.legal.status import CHANGE_LABELS
from qms.models import AuditEntry, Document, DocumentKind, RelationKind, Revision, RevisionStatus, User

SYSTEM = "Hệ thống (tự động)"


@dataclass(frozen=True)
class Event:
    seq: int
    occurred_at: datetime
    action: str
    #: What happened, in Vietnamese.
    label: str
    actor_username: str | None
    actor_name: str | None
    actor_title: str | None
    revision_id: int | None
    revision_number: int | None
    file_sha256: str | None
    #: (label, value) pairs in Vietnamese: comment, reason, file, dates …
    facts: list[tuple[str, str]]
    details: dict[str, Any]
    hash: str

    @property
    def who(self) -> str:
        if self.actor_name is None:
            return SYSTEM
        return f"{self.actor_name}, {self.actor_title}" if self.actor_title else self.actor_name


@dataclass(frozen=True)
class Timeline:
    document: Document
    #: Every revision, oldest first, returned and withdrawn ones included.
    revisions: list[Revision]
    events: list[Event]
    #: The page of events shown, when the history is read a page at a time.
    page: listing.ListPage[AuditEntry] | None = None


def timeline(session: Session, viewer: User, document_id: int, *, until: date | None = None) -> Timeline:
    """The document's history for the roles that see non-current revisions (not staff)."""
    entries = reading.history(session, viewer, document_id)
    document = reading.get_document(session, viewer, document_id)
    return Timeline(document, list(document.revisions), events_of(document, entries, until=until))


def timeline_page(
    session: Session, viewer: User, document_id: int, request: listing.ListRequest, *, action: str | None = None
) -> Timeline:
    """One page of the document's history, with every revision beside it."""
    found = reading.history_page(session, viewer, document_id, request, action=action)
    document = reading.get_document(session, viewer, document_id)
    return Timeline(document, list(document.revisions), events_of(document, found.rows), found)


def events_of(document: Document, entries: Iterable[AuditEntry], *, until: date | None = None) -> list[Event]:
    """The entries as events, those on or before ``until`` (a local day) when it is given."""
    numbers = {revision.id: revision.number for revision in document.revisions}
    events = []
    for entry in entries:
        day = clock.local_day(entry.occurred_at)
        if until is not None and day is not None and day > until:
            continue
        details = json.loads(entry.details or "{}")
        number = numbers.get(entry.revision_id) if entry.revision_id else None
        label, facts = _describe(entry.action, details, number, numbers)
        events.append(
            Event(
                seq=entry.seq, occurred_at=entry.occurred_at, action=entry.action, label=label,
                actor_username=entry.actor_username, actor_name=entry.actor_name, actor_title=entry.actor_title,
                revision_id=entry.revision_id, revision_number=number, file_sha256=entry.file_sha256,
                facts=facts, details=details, hash=entry.hash,
            )
        )
    return events


# --- wording -------------------------------------------------------------------------------------

Describer = Callable[[dict[str, Any], str, dict[int, int]], tuple[str, list[tuple[str, str]]]]


def _describe(
    action: str, details: dict[str, Any], number: int | None, numbers: dict[int, int]
) -> tuple[str, list[tuple[str, str]]]:
    revision = f"phiên bản {number}" if number is not None else "phiên bản"
    describer = _DESCRIBERS.get(action)
    if describer is None:
        return f"Thao tác «{action}»", _generic(details)
    return describer(details, revision, numbers)


def _date(value: Any) -> str:
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _status(value: Any) -> str:
    try:
        return STATUS_LABELS[RevisionStatus(value)]
    except ValueError:
        return str(value)


def _kind(value: Any) -> str:
    try:
        return KIND_LABELS[DocumentKind(value)]
    except ValueError:
        return str(value)


def _numbers(value: Any) -> str:
    return ", ".join(str(item) for item in value) if value else "(không có)"


def _size(value: Any) -> str:
    return f"{int(value):,} byte".replace(",", ".") if isinstance(value, int) else str(value)


def _generic(details: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(key), json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value)
            for key, value in details.items()]


def _facts(*pairs: tuple[str, Any]) -> list[tuple[str, str]]:
    return [(label, str(value)) for label, value in pairs if value not in (None, "", [])]


def _create(d: dict[str, Any], _r: str, _n: dict[int, int]) -> tuple[str, list[tuple[str, str]]]:
    return "Tạo tài liệu", _facts(("Mã hiệu", d.get("code")), ("Tên tài liệu", d.get("title")),
                                  ("Loại", _kind(d.get("kind"))), ("Mã TTHC", d.get("procedure_code")))


def _upload(d: dict[str, Any], r: str, _n: dict[int, int]) -> tuple[str, list[tuple[str, str]]]:
    return f"Tải lên {r} (dự thảo)", _facts(
        ("Tệp", d.get("filename")), ("Dung lượng", _size(d.get("size")) if d.get("size") is not None else None),
        ("Nội dung sửa đổi", d.get("change_summary")),
        ("TTHC đọc được từ tệp", ", ".join(d.get("procedure_codes") or [])),
    )


def _approve(d: dict[str, Any], r: str, _n: dict[int, int]) -> tuple[str, list[tuple[str, str]]]:
    return f"Phê duyệt {r}, lần ban hành {d.get('issue_number')}", _facts(
        ("Hiệu lực từ", _date(d["effective_from"]) if d.get("effective_from") else None),
        ("Phát hiện lúc phê duyệt", _numbers(d["findings"]) if d.get("findings") else None),
        ("Lý do", d.get("reason")))


def _take_effect(d: dict[str, Any], r: str, _n: dict[int, int]) -> tuple[str, list[tuple[str, str]]]:
    return f"{r.capitalize()} (lần ban hành {d.get('issue_number')}) có hiệu lực", _facts(
        ("Hiệu lực từ", _date(d["effective_from"]) if d.get("effective_from") else None))


def _supersede(d: dict[str, Any], r: str, n: dict[int, int]) -> tuple[str, list[tuple[str, str]]]:
    successor = n.get(d.get("superseded_by") or 0)
    return f"{r.capitalize()} hết hiệu lực", _facts(
        ("Thay bằng", f"phiên bản {successor} (lần ban hành {d.get('issue_number')})" if successor else None))


def _withdraw(d: dict[str, Any], _r: str, _n: dict[int, int]) -> tuple[str, list[tuple[str, str]]]:
    ended = "; ".join(f"phiên bản {item.get('number')} (trước đó: {_status(item.get('was')).lower()})"
                      for item in d.get("revisions") or [])
    return "Thu hồi tài liệu", _facts(("Lý do", d.get("reason")), ("Phiên bản bị thu hồi", ended))


def _review(d: dict[str, Any], r: str, _n: dict[int, int], verb: str) -> tuple[str, list[tuple[str, str]]]:
    try:
        change = CHANGE_LABELS[RelationKind(d.get("change", ""))].lower()
    except ValueError:
        change = str(d.get("change"))
    facts = _facts(
        ("Văn bản được trích dẫn", d.get("cited")), ("Thay đổi", f"{change} bởi {d.get('trigger')}"),
        ("Áp dụng từ", _date(d["since"]) if d.get("since") else None),
        ("Kết quả", RESOLUTION_LABELS.get(d.get("resolution") or "", d.get("resolution"))), ("Lý do", d.get("reason")),
    )
    return f"{verb} rà soát căn cứ pháp lý của {r}", facts


_DESCRIBERS: dict[str, Describer] = {
    "create": _create,
    "upload": _upload,
    "submit": lambda d, r, n: (f"Trình kiểm tra {r}", []),
    "pass": lambda d, r, n: (f"Kiểm tra đạt {r}, chuyển phê duyệt", _facts(("Lý do", d.get("reason")))),
    "discard": lambda d, r, n: (f"Hủy {r} (bản dự thảo)", _facts(("Lý do", d.get("reason")))),
    "return": lambda d, r, n: (f"Trả lại {r}", _facts(("Ý kiến", d.get("comment")))),
    "approve": _approve,
    "take_effect": _take_effect,
    "supersede": _supersede,
    "withdraw": _withdraw,
    "read": lambda d, r, n: (f"Xem {r} (không phải bản hiện hành)",
                             _facts(("Trạng thái khi xem", _status(d.get("status"))))),
    "download": lambda d, r, n: (f"Tải xuống {r} (không phải bản hiện hành)",
                                 _facts(("Trạng thái khi tải", _status(d.get("status"))))),
    "legal_basis_change": lambda d, r, n: (f"Sửa căn cứ pháp lý của {r}", _facts(
        ("Trước", _numbers(d.get("before"))), ("Sau", _numbers(d.get("after"))))),
    "legal_review_open": lambda d, r, n: _review(d, r, n, "Mở"),
    "legal_review_close": lambda d, r, n: _review(d, r, n, "Đóng"),
    "legal_review_resolve": lambda d, r, n: _review(d, r, n, "Kết luận"),
    "procedure_links": lambda d, r, n: ("Sửa mã TTHC mà tài liệu phục vụ", _facts(
        ("Trước", _numbers(d.get("before"))), ("Sau", _numbers(d.get("after"))))),
    "processed": lambda d, r, n: (f"Xử lý xong tệp của {r}", _facts(
        ("Nguồn nội dung", {"conversion": "chuyển đổi sang .docx", "ocr": "nhận dạng chữ (OCR)"}.get(
            d.get("text_source") or "", d.get("text_source"))),
        ("Công cụ", d.get("producer")),
        ("Độ tin cậy nhận dạng", f"{d['ocr_confidence']}%" if d.get("ocr_confidence") is not None else None),
        ("Bản chuyển đổi SHA-256", d.get("rendition_sha256")),
        ("TTHC đọc được từ tệp", ", ".join(d.get("procedure_codes") or [])))),
    "processing_failed": lambda d, r, n: (f"Xử lý tệp của {r} không thành công", _facts(
        ("Lý do", d.get("reason")), ("Số lần thử", d.get("attempts")))),
    "conformity_check": lambda d, r, n: (f"Kiểm tra sự phù hợp của {r}", _facts(
        ("Phát hiện trước", _numbers(d.get("before"))), ("Phát hiện sau", _numbers(d.get("after"))))),
}
