"""What the index keeps of a record of the quality system, and how records are read for indexing.

A record is named in the index log and the index by ``kind:id``. Its entry holds its number, title, dates and
free text, and the text of its files read from the content-addressed store the way an uploaded revision's file is
read (``qms.text.extract``); like a revision's, it never holds permissions.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qms.files.store import FileStore
from qms.models import (
    AuditFinding,
    CorrectiveAction,
    EffectivenessConfirmation,
    FileReading,
    InternalAudit,
    ManagementReview,
    Organization,
    ProcessingState,
    Publication,
    QualityObjective,
)
from qms.models.records import record_holder_on
from qms.text.extract import extract_text

log = logging.getLogger(__name__)

#: The value of the index's ``category`` field for records (``document`` for revisions).
CATEGORY = "record"


class RecordKind(enum.StrEnum):
    PUBLICATION = "publication"
    INTERNAL_AUDIT = "internal_audit"
    CORRECTIVE_ACTION = "corrective_action"
    MANAGEMENT_REVIEW = "management_review"
    QUALITY_OBJECTIVE = "quality_objective"
    EFFECTIVENESS_CONFIRMATION = "effectiveness_confirmation"


RECORD_KIND_LABELS = {
    RecordKind.PUBLICATION: "Hồ sơ công bố HTQLCL",
    RecordKind.INTERNAL_AUDIT: "Hồ sơ đánh giá nội bộ",
    RecordKind.CORRECTIVE_ACTION: "Hồ sơ hành động khắc phục",
    RecordKind.MANAGEMENT_REVIEW: "Hồ sơ xem xét của lãnh đạo",
    RecordKind.QUALITY_OBJECTIVE: "Hồ sơ mục tiêu chất lượng",
    RecordKind.EFFECTIVENESS_CONFIRMATION: "Hồ sơ xác nhận hiệu lực",
}

Record = (
    Publication | InternalAudit | CorrectiveAction | ManagementReview | QualityObjective | EffectivenessConfirmation
)

MODELS: dict[RecordKind, type[Record]] = {
    RecordKind.PUBLICATION: Publication,
    RecordKind.INTERNAL_AUDIT: InternalAudit,
    RecordKind.CORRECTIVE_ACTION: CorrectiveAction,
    RecordKind.MANAGEMENT_REVIEW: ManagementReview,
    RecordKind.QUALITY_OBJECTIVE: QualityObjective,
    RecordKind.EFFECTIVENESS_CONFIRMATION: EffectivenessConfirmation,
}
_KINDS = {model: kind for kind, model in MODELS.items()}
#: The column holding each kind's file (objectives have none).
FILE_COLUMNS = {
    RecordKind.PUBLICATION: Publication.file_sha256,
    RecordKind.INTERNAL_AUDIT: InternalAudit.report_sha256,
    RecordKind.CORRECTIVE_ACTION: CorrectiveAction.evidence_sha256,
    RecordKind.MANAGEMENT_REVIEW: ManagementReview.minutes_sha256,
    RecordKind.EFFECTIVENESS_CONFIRMATION: EffectivenessConfirmation.file_sha256,
}

FileText = Callable[[str, str], str]


@dataclass(frozen=True)
class RecordEntry:
    """A record as search describes it: what it is called, whose it is, where its page shows it."""

    kind: RecordKind
    id: int
    organization: Organization
    number: str
    title: str
    day: date | None
    #: The record's own text (not its files'): what a hit shows its passage from.
    text: str
    #: (SHA-256, file name) of each of its files.
    files: tuple[tuple[str, str], ...]
    #: The element of the organisation's records page that shows it.
    anchor: str

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"


def key(record: Record) -> str:
    return f"{_KINDS[type(record)].value}:{record.id}"


def parse_key(value: str) -> tuple[RecordKind, int] | None:
    kind, _, number = value.partition(":")
    if kind not in RecordKind.__members__.values() or not number.isdigit():
        return None
    return RecordKind(kind), int(number)


def load(session: Session, keys: Iterable[str]) -> dict[str, RecordEntry]:
    """The records of these keys as they are in the database now; a key without its row is left out."""
    wanted: dict[RecordKind, set[int]] = {}
    for value in keys:
        parsed = parse_key(value)
        if parsed is not None:
            wanted.setdefault(parsed[0], set()).add(parsed[1])
    found: dict[str, RecordEntry] = {}
    for kind, ids in wanted.items():
        model = MODELS[kind]
        query = select(model).where(model.id.in_(sorted(ids))).execution_options(populate_existing=True)
        if model is CorrectiveAction:
            query = query.options(
                selectinload(CorrectiveAction.finding).selectinload(AuditFinding.audit)
                .joinedload(InternalAudit.organization)
            )
        for record in session.scalars(query).unique():
            entry = describe(record)
            found[entry.key] = entry
    return found


def all_keys(session: Session) -> list[str]:
    """Every record's key, for a rebuild."""
    return [f"{kind.value}:{record_id}" for kind, model in MODELS.items()
            for record_id in session.scalars(select(model.id).order_by(model.id))]


def keys_held_on(session: Session, organization_ids: Collection[int], day: date) -> list[str]:
    """The records these organisations held on ``day``: a carried record under its holder of that day, a
    corrective action with the audit it answers."""
    wanted = sorted(organization_ids)
    keys: list[str] = []
    for kind, model in MODELS.items():
        if model is CorrectiveAction:
            query = (select(CorrectiveAction.id).join(CorrectiveAction.finding).join(AuditFinding.audit)
                     .where(record_holder_on(InternalAudit, day).in_(wanted)))
        else:
            query = select(model.id).where(record_holder_on(model, day).in_(wanted))
        keys += [f"{kind.value}:{record_id}" for record_id in session.scalars(query.order_by(model.id))]
    return keys


def keys_naming(session: Session, sha256: str) -> list[str]:
    """The records whose file is this one."""
    return [f"{kind.value}:{record_id}" for kind, column in FILE_COLUMNS.items()
            for record_id in session.scalars(select(MODELS[kind].id).where(column == sha256))]


def describe(record: object) -> RecordEntry:
    if isinstance(record, Publication):
        return _entry(RecordKind.PUBLICATION, record, record.organization, number=record.number,
                      title=f"Quyết định công bố HTQLCL số {record.number}", day=record.signed_on,
                      texts=[record.signer, record.notified_to, record.website_url],
                      files=[(record.file_sha256, record.filename)], anchor=f"publication-{record.id}")
    if isinstance(record, InternalAudit):
        return _entry(RecordKind.INTERNAL_AUDIT, record, record.organization,
                      title=f"Đánh giá nội bộ từ {_day(record.starts_on)} đến {_day(record.ends_on)}",
                      day=record.starts_on,
                      texts=[*record.auditors, *record.processes, *(f.description for f in record.findings)],
                      files=[(record.report_sha256, record.report_filename)], anchor=f"audit-{record.id}")
    if isinstance(record, CorrectiveAction):
        finding = record.finding
        return _entry(RecordKind.CORRECTIVE_ACTION, record, finding.audit.organization,
                      title=f"Hành động khắc phục: {record.action}", day=record.due_on,
                      texts=[record.cause, record.responsible, finding.description, record.verification_note],
                      files=[(record.evidence_sha256, record.evidence_filename)], anchor=f"finding-{finding.id}")
    if isinstance(record, ManagementReview):
        return _entry(RecordKind.MANAGEMENT_REVIEW, record, record.organization,
                      title=f"Xem xét của lãnh đạo ngày {_day(record.held_on)}", day=record.held_on,
                      texts=[record.chair, *(str(value) for value in record.inputs.values()), record.decisions],
                      files=[(record.minutes_sha256, record.minutes_filename)], anchor=f"review-{record.id}")
    if isinstance(record, QualityObjective):
        return _entry(RecordKind.QUALITY_OBJECTIVE, record, record.organization,
                      title=f"Mục tiêu chất lượng năm {record.year}: {record.title}", day=date(record.year, 1, 1),
                      texts=[record.target, *(f"{r.value} {r.note}" for r in record.results)],
                      files=[], anchor=f"objective-{record.id}")
    if not isinstance(record, EffectivenessConfirmation):
        raise TypeError(f"not a record of the quality system: {record!r}")
    return _entry(RecordKind.EFFECTIVENESS_CONFIRMATION, record, record.organization,
                  title=f"Xác nhận hiệu lực của hệ thống năm {record.year}", day=record.confirmed_on,
                  texts=[record.statement, record.confirmed_by_name, record.confirmed_by_title],
                  files=[(record.file_sha256, record.filename)], anchor=f"confirmation-{record.id}")


def _entry(kind: RecordKind, record: Record, organization: Organization, *, title: str, day: date | None,
           texts: list[str | None], files: list[tuple[str | None, str | None]], anchor: str,
           number: str = "") -> RecordEntry:
    return RecordEntry(
        kind=kind, id=record.id, organization=organization, number=number, title=title, day=day,
        text="\n".join(text for text in texts if text),
        files=tuple((sha256, filename or "") for sha256, filename in files if sha256), anchor=anchor,
    )


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def record_fields(entry: RecordEntry, file_text: FileText) -> dict[str, object]:
    """What the index keeps of one record: the fields a revision fills, under its own unique key."""
    body = "\n".join(filter(None, [entry.text, *(file_text(sha256, name) for sha256, name in entry.files)]))
    dates = [_day(entry.day), entry.day.isoformat()] if entry.day else []
    return {
        "record": entry.key,
        "category": CATEGORY,
        "organization_id": str(entry.organization.id),
        "kind": entry.kind.value,
        "status": "",
        "procedure": "",
        "field": "",
        "number": 0,
        "effective": int(entry.day.strftime("%Y%m%d")) if entry.day else 0,
        "code": entry.number,
        "title": entry.title,
        "title_folded": entry.title,
        "title_shingles": entry.title,
        "meta": " ".join([entry.organization.name, *dates, *(name for _sha, name in entry.files)]),
        "body": body,
        "body_folded": body,
        "body_shingles": body,
    }


def reader_of(session: Session, files: FileStore | None) -> FileText:
    """The text of a record's file: what a worker read (``qms.search.record_files``), or the file read now as an
    upload is read at once (.docx, PDF with a text layer); nothing while a worker has yet to read it."""

    def file_text(sha256: str, filename: str) -> str:
        reading = session.get(FileReading, sha256)
        if reading is not None:
            return reading.text if reading.state == ProcessingState.DONE else ""
        if files is None:
            return ""
        try:
            with files.open(sha256) as stream:
                data = stream.read()
        except OSError as error:
            log.warning("record file %s not read for search: %s", sha256, error)
            return ""
        extracted = extract_text(data, filename)
        return extracted.text if extracted.has_text else ""

    return file_text
