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
from qms.messages import Message, joined
from qms.models import AuditEntry, Document, DocumentKind, RelationKind, Revision, RevisionStatus, User

SYSTEM = Message("Hệ thống (tự động)")


@dataclass(frozen=True)
class Event:
    seq: int
    occurred_at: datetime
    action: str
    #: What happened: Vietnamese as text, any language through the catalogue (a Message).
    label: str
    actor_username: str | None
    actor_name: str | None
    actor_title: str | None
    revision_id: int | None
    revision_number: int | None
    file_sha256: str | None
    #: (label, value) pairs: labels are Messages; a value is a Message when the application words it, else what a
    #: person wrote or the file holds (comment, reason, file name), shown as it is.
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

Describer = Callable[[dict[str, Any], Message, dict[int, int]], tuple[Message, list[tuple[str, str]]]]


def _describe(
    action: str, details: dict[str, Any], number: int | None, numbers: dict[int, int]
) -> tuple[Message, list[tuple[str, str]]]:
    revision = Message("phiên bản %(number)s", number=number) if number is not None else Message("phiên bản")
    describer = _DESCRIBERS.get(action)
    if describer is None:
        return Message("Thao tác «%(action)s»", action=action), _generic(details)
    return describer(details, revision, numbers)


def _date(value: Any) -> str:
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def _status(value: Any) -> str:
    try:
        return Message(STATUS_LABELS[RevisionStatus(value)])
    except ValueError:
        return str(value)


def _kind(value: Any) -> str:
    try:
        return Message(KIND_LABELS[DocumentKind(value)])
    except ValueError:
        return str(value)


def _numbers(value: Any) -> str:
    return ", ".join(str(item) for item in value) if value else Message("(không có)")


def _size(value: Any) -> str:
    return Message("%(size)s byte", size=f"{int(value):,}".replace(",", ".")) if isinstance(value, int) else str(value)


def _generic(details: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(key), json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value)
            for key, value in details.items()]


def _stored_message(details: dict[str, Any], key: str) -> Any:
    """A reason recorded with its message data, in the reader's language; one recorded before, as it was written."""
    data = details.get(f"{key}_data")
    return Message.from_data(data) if data else details.get(key)


def _facts(*pairs: tuple[str, Any]) -> list[tuple[str, str]]:
    return [(label, value if isinstance(value, Message) else str(value)) for label, value in pairs
            if value not in (None, "", [])]


def _create(d: dict[str, Any], _r: Message, _n: dict[int, int]) -> tuple[Message, list[tuple[str, str]]]:
    return Message("Tạo tài liệu"), _facts(
        (Message("Mã hiệu"), d.get("code")), (Message("Tên tài liệu"), d.get("title")),
        (Message("Loại"), _kind(d.get("kind"))), (Message("Mã TTHC"), d.get("procedure_code")))


def _upload(d: dict[str, Any], r: Message, _n: dict[int, int]) -> tuple[Message, list[tuple[str, str]]]:
    return Message("Tải lên %(revision)s (dự thảo)", revision=r), _facts(
        (Message("Tệp"), d.get("filename")),
        (Message("Dung lượng"), _size(d.get("size")) if d.get("size") is not None else None),
        (Message("Nội dung sửa đổi"), d.get("change_summary")),
        (Message("TTHC đọc được từ tệp"), ", ".join(d.get("procedure_codes") or [])),
    )


def _approve(d: dict[str, Any], r: Message, _n: dict[int, int]) -> tuple[Message, list[tuple[str, str]]]:
    return Message("Phê duyệt %(revision)s, lần ban hành %(issue)s", revision=r, issue=d.get("issue_number")), _facts(
        (Message("Hiệu lực từ"), _date(d["effective_from"]) if d.get("effective_from") else None),
        (Message("Phát hiện lúc phê duyệt"), _numbers(d["findings"]) if d.get("findings") else None),
        (Message("Lý do"), d.get("reason")))


def _take_effect(d: dict[str, Any], r: Message, _n: dict[int, int]) -> tuple[Message, list[tuple[str, str]]]:
    return Message("Phiên bản %(number)s (lần ban hành %(issue)s) có hiệu lực", number=r.params.get("number", ""),
                   issue=d.get("issue_number")), _facts(
        (Message("Hiệu lực từ"), _date(d["effective_from"]) if d.get("effective_from") else None))


def _supersede(d: dict[str, Any], r: Message, n: dict[int, int]) -> tuple[Message, list[tuple[str, str]]]:
    successor = n.get(d.get("superseded_by") or 0)
    return Message("Phiên bản %(number)s hết hiệu lực", number=r.params.get("number", "")), _facts(
        (Message("Thay bằng"), Message("phiên bản %(number)s (lần ban hành %(issue)s)", number=successor,
                                       issue=d.get("issue_number")) if successor else None))


def _withdraw(d: dict[str, Any], _r: Message, _n: dict[int, int]) -> tuple[Message, list[tuple[str, str]]]:
    ended = [Message("phiên bản %(number)s (trước đó: %(status)s)", number=item.get("number"),
                     status=_status(item.get("was"))) for item in d.get("revisions") or []]
    return Message("Thu hồi tài liệu"), _facts(
        (Message("Lý do"), d.get("reason")), (Message("Phiên bản bị thu hồi"), joined(ended) if ended else None))


def _review(d: dict[str, Any], r: Message, _n: dict[int, int], verb: str) -> tuple[Message, list[tuple[str, str]]]:
    try:
        change: str = Message(CHANGE_LABELS[RelationKind(d.get("change", ""))])
    except ValueError:
        change = str(d.get("change"))
    resolution = RESOLUTION_LABELS.get(d.get("resolution") or "")
    facts = _facts(
        (Message("Văn bản được trích dẫn"), d.get("cited")),
        (Message("Thay đổi"), Message("%(change)s bởi %(trigger)s", change=change, trigger=d.get("trigger"))),
        (Message("Áp dụng từ"), _date(d["since"]) if d.get("since") else None),
        (Message("Kết quả"), Message(resolution) if resolution else d.get("resolution")),
        (Message("Lý do"), d.get("reason")),
    )
    verbs = {
        "open": Message("Mở rà soát căn cứ pháp lý của %(revision)s", revision=r),
        "close": Message("Đóng rà soát căn cứ pháp lý của %(revision)s", revision=r),
        "resolve": Message("Kết luận rà soát căn cứ pháp lý của %(revision)s", revision=r),
    }
    return verbs[verb], facts


_SOURCES = {"conversion": "chuyển đổi sang .docx", "ocr": "nhận dạng chữ (OCR)"}


def _processed(d: dict[str, Any], r: Message, _n: dict[int, int]) -> tuple[Message, list[tuple[str, str]]]:
    source = d.get("text_source") or ""
    return Message("Xử lý xong tệp của %(revision)s", revision=r), _facts(
        (Message("Nguồn nội dung"), Message(_SOURCES[source]) if source in _SOURCES else d.get("text_source")),
        (Message("Công cụ"), d.get("producer")),
        (Message("Độ tin cậy nhận dạng"), f"{d['ocr_confidence']}%" if d.get("ocr_confidence") is not None else None),
        (Message("Bản chuyển đổi SHA-256"), d.get("rendition_sha256")),
        (Message("TTHC đọc được từ tệp"), ", ".join(d.get("procedure_codes") or [])))


_DESCRIBERS: dict[str, Describer] = {
    "create": _create,
    "upload": _upload,
    "submit": lambda d, r, n: (Message("Trình kiểm tra %(revision)s", revision=r), []),
    "pass": lambda d, r, n: (Message("Kiểm tra đạt %(revision)s, chuyển phê duyệt", revision=r),
                             _facts((Message("Lý do"), d.get("reason")))),
    "discard": lambda d, r, n: (Message("Hủy %(revision)s (bản dự thảo)", revision=r),
                                _facts((Message("Lý do"), d.get("reason")))),
    "return": lambda d, r, n: (Message("Trả lại %(revision)s", revision=r),
                               _facts((Message("Ý kiến"), d.get("comment")))),
    "approve": _approve,
    "take_effect": _take_effect,
    "supersede": _supersede,
    "withdraw": _withdraw,
    "read": lambda d, r, n: (Message("Xem %(revision)s (không phải bản hiện hành)", revision=r),
                             _facts((Message("Trạng thái khi xem"), _status(d.get("status"))))),
    "download": lambda d, r, n: (Message("Tải xuống %(revision)s (không phải bản hiện hành)", revision=r),
                                 _facts((Message("Trạng thái khi tải"), _status(d.get("status"))))),
    "legal_basis_change": lambda d, r, n: (Message("Sửa căn cứ pháp lý của %(revision)s", revision=r), _facts(
        (Message("Trước"), _numbers(d.get("before"))), (Message("Sau"), _numbers(d.get("after"))))),
    "legal_review_open": lambda d, r, n: _review(d, r, n, "open"),
    "legal_review_close": lambda d, r, n: _review(d, r, n, "close"),
    "legal_review_resolve": lambda d, r, n: _review(d, r, n, "resolve"),
    "procedure_links": lambda d, r, n: (Message("Sửa mã TTHC mà tài liệu phục vụ"), _facts(
        (Message("Trước"), _numbers(d.get("before"))), (Message("Sau"), _numbers(d.get("after"))))),
    "processed": _processed,
    "processing_failed": lambda d, r, n: (Message("Xử lý tệp của %(revision)s không thành công", revision=r), _facts(
        (Message("Lý do"), _stored_message(d, "reason")), (Message("Số lần thử"), d.get("attempts")))),
    "conformity_check": lambda d, r, n: (Message("Kiểm tra sự phù hợp của %(revision)s", revision=r), _facts(
        (Message("Phát hiện trước"), _numbers(d.get("before"))), (Message("Phát hiện sau"), _numbers(d.get("after"))))),
    "periodic_review": lambda d, r, n: (Message("Xem xét định kỳ %(revision)s", revision=r), _facts(
        (Message("Kết quả"), {"no_change": Message("Còn phù hợp, không cần sửa đổi"),
                              "revise": Message("Cần sửa đổi")}.get(d.get("outcome") or "", d.get("outcome"))),
        (Message("Lý do"), d.get("reason")),
        (Message("Hạn xem xét"), _date(d["due_on"]) if d.get("due_on") else None))),
    "acknowledge": lambda d, r, n: (Message("Xác nhận đã đọc và hiểu %(revision)s", revision=r), []),
    "acknowledgement_readers": lambda d, r, n: (Message("Chọn người cần đọc tài liệu"), _facts(
        (Message("Người cần đọc"), ", ".join(d.get("readers") or []) or Message("mọi cán bộ, công chức của đơn vị")))),
}
