"""Import of the legal-document register from CSV:
``number,type,title,issuer,issued_on,effective_from,status,amends,replaces``.

``amends``/``replaces`` hold the `;`-separated numbers this row's document amends/replaces. Rows upsert by
number (a stub is completed; an empty cell keeps what is registered); relations are only added. Numbers
referenced but not in the file become stubs. The ``status`` column is informational: the status is derived,
and a row whose stated status disagrees is reported as a warning. A file with any bad row imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qms import clock
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Invalid
from qms.legal.register import (
    FIELDS,
    clean_fields,
    ensure_registered,
    parse_number,
    require_register_editor,
    set_relations,
)
from qms.legal.reviews import refresh_reviews
from qms.legal.status import STATUS_LABELS, LegalStatus, incoming_relations, status_on
from qms.messages import Message
from qms.models import LegalDocument, LegalRelation, RelationKind, User
from qms.text.vietnamese import normalize

COLUMNS = ("number", "type", "title", "issuer", "issued_on", "effective_from", "status", "amends", "replaces")
MAX_ROWS = 10_000
_COLUMN_FIELDS = {"type": "doc_type", "title": "title", "issuer": "issuer"}
_SEPARATORS = re.compile(r"[;\n]")


class ImportRefused(Invalid):
    """The file has problems; nothing was imported. ``problems`` lists them, one per row and column."""

    code = "invalid_csv"

    def __init__(self, problems: list[str]) -> None:
        shown = "; ".join(problems[:5]) + (f" (và {len(problems) - 5} lỗi khác)" if len(problems) > 5 else "")
        super().__init__(f"Tệp CSV có {len(problems)} lỗi, chưa nhập văn bản nào: {shown}")
        self.problems = problems


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stubs: list[str] = field(default_factory=list)
    relations_added: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Review items opened or closed because of the import.
    reviews: int = 0


@dataclass(frozen=True)
class _Row:
    line: int
    number: str
    values: dict[str, object]
    stated: str
    relations: dict[RelationKind, list[str]]


def import_csv(session: Session, actor: User | None, data: bytes, *, today: date) -> ImportReport:
    """Upsert the file's rows in one unit of work, audited once (``legal_import``); ``actor`` None is the operator."""
    if actor is not None:
        require_register_editor(actor)
    rows = _parse(data)
    report = ImportReport()
    with unit_of_work(session):
        registered, created = ensure_registered(session, [row.number for row in rows])
        for row in rows:
            document = registered[row.number]
            if _apply(document, row.values, is_new=row.number in created):
                (report.created if row.number in created else report.updated).append(row.number)
            else:
                report.unchanged.append(row.number)
        session.flush()
        before = _relation_count(session)
        for row in rows:
            report.stubs += set_relations(session, registered[row.number], row.relations, additive=True)
        report.relations_added = _relation_count(session) - before
        report.warnings = _status_warnings(session, rows, registered, today)
        trail.record(
            session,
            "legal_import",
            actor=actor,
            subject="legal:import",
            details={
                "created": report.created,
                "updated": report.updated,
                "unchanged": len(report.unchanged),
                "stubs": report.stubs,
                "relations_added": report.relations_added,
                "warnings": report.warnings,
            },
        )
        report.reviews = refresh_reviews(session, today)
    return report


# --- reading the file ----------------------------------------------------------------------------


def _parse(data: bytes) -> list[_Row]:
    try:
        text = normalize(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Invalid("Tệp CSV cần mã hoá UTF-8.", code="invalid_csv") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    if "number" not in header:
        raise Invalid(
            Message("Tệp CSV cần dòng tiêu đề với các cột: %(values)s.", values=','.join(COLUMNS)),
            code="invalid_csv",
        )
    reader.fieldnames = header
    problems: list[str] = []
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        cells = {key: (value or "").strip() for key, value in record.items() if key in COLUMNS}
        if not any(cells.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise Invalid(Message("Tệp CSV có quá %(max_rows)s dòng.", max_rows=MAX_ROWS), code="invalid_csv")
        row = _row(line, cells, problems)
        if row is None:
            continue
        if row.number in seen:
            problems.append(f"dòng {line}: số hiệu {row.number} trùng với dòng {seen[row.number]}")
            continue
        seen[row.number] = line
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    return rows


def _row(line: int, cells: dict[str, str], problems: list[str]) -> _Row | None:
    """One row checked; its problems are appended and None returned when it has any."""
    count = len(problems)
    try:
        number = parse_number(cells.get("number"))
    except Invalid as error:
        problems.append(f"dòng {line}: {error.message}")
        return None
    values: dict[str, object] = {}
    for column, name in _COLUMN_FIELDS.items():
        if cells.get(column):
            values[name] = cells[column]
    for column in ("issued_on", "effective_from"):
        if cells.get(column):
            parsed = _date(cells[column])
            if parsed is None:
                problems.append(f"dòng {line}: ngày «{cells[column]}» ở cột {column} không hợp lệ (cần YYYY-MM-DD)")
            values[column] = parsed
    try:
        values = clean_fields(values)
    except Invalid as error:
        problems.append(f"dòng {line}: {error.message}")
    relations: dict[RelationKind, list[str]] = {}
    for column, kind in (("amends", RelationKind.AMENDS), ("replaces", RelationKind.REPLACES)):
        relations[kind] = []
        for raw in _SEPARATORS.split(cells.get(column, "")):
            if not raw.strip():
                continue
            try:
                target = parse_number(raw)
            except Invalid as error:
                problems.append(f"dòng {line}, cột {column}: {error.message}")
                continue
            if target == number:
                problems.append(f"dòng {line}: văn bản {number} không thể tự sửa đổi hay thay thế chính nó")
            elif target not in relations[kind]:
                relations[kind].append(target)
    if len(problems) > count:
        return None
    return _Row(line, number, values, cells.get("status", "").lower(), relations)


def _date(text: str) -> date | None:
    """ISO dates as the fixture has them, and dd/mm/yyyy as Vietnamese write them."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# --- writing ---------------------------------------------------------------------------------------


def _apply(document: LegalDocument, values: dict[str, object], *, is_new: bool) -> bool:
    """Fill in the row's non-empty values and complete a stub; whether anything changed."""
    changed = is_new or document.is_stub
    for name in FIELDS:
        if name in values and getattr(document, name) != values[name]:
            setattr(document, name, values[name])
            changed = True
    document.is_stub = False
    if changed:
        document.updated_at = clock.now()
    return changed


def _relation_count(session: Session) -> int:
    return session.scalar(select(func.count(LegalRelation.id))) or 0


def _status_warnings(
    session: Session, rows: list[_Row], registered: dict[str, LegalDocument], today: date
) -> list[str]:
    """Rows whose stated status is not the derived one as of today."""
    warnings = []
    incoming = incoming_relations(session, [registered[row.number].id for row in rows if row.stated])
    for row in rows:
        if not row.stated:
            continue
        document = registered[row.number]
        derived = status_on(document, incoming.get(document.id, []), today)
        try:
            stated = LegalStatus(row.stated)
        except ValueError:
            warnings.append(f"Dòng {row.line}: {row.number} ghi trạng thái «{row.stated}» không xác định; bỏ qua.")
            continue
        if stated is not derived:
            warnings.append(
                f"Dòng {row.line}: {row.number} ghi trạng thái «{STATUS_LABELS[stated]}», nhưng theo danh mục "
                f"là «{STATUS_LABELS[derived]}» tại ngày {today:%d/%m/%Y}."
            )
    return warnings
