"""The register of legal documents, shared by the installation: numbers, reading with the derived status,
adding and editing, the amends/replaces relations, and stubs for numbers known only from a citation.

Registrars (the people who keep it, usually at the provincial Department of Justice) and administrators edit it;
everyone signed in reads it and may propose a change (``qms.legal.proposals``).
Every change re-checks the review items of the processes that cite what changed (``refresh_reviews``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qms import clock
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.legal.reviews import refresh_reviews
from qms.legal.status import (
    LegalStatus,
    incoming_relations,
    outgoing_relations,
    status_on,
)
from qms.messages import Message
from qms.models import LegalDocument, LegalRelation, RelationKind, Role, User
from qms.text.citations import canonical_number, find_all
from qms.text.vietnamese import fold, normalize

EDITOR_ROLES = (Role.REGISTRAR, Role.ADMIN)
#: The fields a person edits, as the model names them.
FIELDS = ("doc_type", "title", "issuer", "issued_on", "effective_from")
RELATION_FIELDS = {"amends": RelationKind.AMENDS, "replaces": RelationKind.REPLACES}
_LIMITS = {"doc_type": 100, "issuer": 300, "title": 5000}
#: The longest number: "legal:<number>" names the document in the audit log's subject column (80 characters).
MAX_NUMBER_LENGTH = 74
_PARTIAL = re.compile(r"^\d{1,5}(?:\.\d{1,3})?/(?:19|20)\d{2}$")
# Type words for a stub, from the abbreviation after the year ("NĐ-CP" -> Nghị định); laws and resolutions
# of the National Assembly share "QH", so those stay blank.
_TYPES = {"NĐ": "Nghị định", "QĐ": "Quyết định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "NQ": "Nghị quyết",
          "NQLT": "Nghị quyết liên tịch", "CT": "Chỉ thị", "PL": "Pháp lệnh"}


# --- numbers -----------------------------------------------------------------------------------


def parse_number(raw: str | None) -> str:
    """The canonical number (NFC, Đ, no spaces), refusing what is not a whole legal document number."""
    text = " ".join(normalize((raw or "").replace("\x00", "")).split())
    if not text:
        raise Invalid("Cần nhập số hiệu văn bản.", code="number_required")
    number = canonical_number(text)
    found = find_all(number)
    whole = len(found) == 1 and not found[0].partial and (found[0].start, found[0].end) == (0, len(number))
    if not whole or len(number) > MAX_NUMBER_LENGTH:
        raise Invalid(
            Message(
                "Số hiệu văn bản «%(text)s» không hợp lệ (ví dụ: 61/2018/NĐ-CP, 60/2014/QH13, 101/QĐ-BKHCN).",
                text=text,
            ),
            code="invalid_number",
        )
    return found[0].number


def _as_number(raw: str | None) -> str | None:
    try:
        return parse_number(raw)
    except Invalid:
        return None


def as_number(raw: str | None) -> str | None:
    """The canonical number typed, if what was typed is one (the register's list puts it first)."""
    return _as_number(raw)


def is_partial(raw: str) -> bool:
    """`61/2018`: a number and a year without type and issuer."""
    return _PARTIAL.match(canonical_number(raw)) is not None


def resolve_partial(session: Session, partial: str) -> str | None:
    """The one registered number that starts with `61/2018/`, or None when there is none or several."""
    prefix = canonical_number(partial) + "/"
    found = list(session.scalars(select(LegalDocument.number).where(LegalDocument.number.startswith(prefix)).limit(2)))
    return found[0] if len(found) == 1 else None


def guess_type(number: str) -> str:
    """The type word a number's abbreviation names ("Nghị định" for …/NĐ-CP), blank when it is ambiguous."""
    tail = number.rsplit("/", 1)[-1]
    return _TYPES.get(tail.split("-", 1)[0], "")


# --- permissions -------------------------------------------------------------------------------


def may_edit_register(user: User) -> bool:
    """Registrars and administrators keep the shared register; everyone else proposes changes to them."""
    return user.has_role(*EDITOR_ROLES)


def require_register_editor(user: User) -> None:
    if not may_edit_register(user):
        raise Forbidden(
            "Cần vai trò Người quản lý danh mục văn bản hoặc Quản trị hệ thống để sửa danh mục văn bản pháp luật; "
            "người dùng khác có thể gửi đề xuất thay đổi.",
            code="role_required",
        )


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalEntry:
    """A legal document with its status as of a date and the numbers it is related to."""

    document: LegalDocument
    status: LegalStatus
    amends: list[str]
    replaces: list[str]
    amended_by: list[str]
    replaced_by: list[str]


def describe(session: Session, found: list[LegalDocument], on: date) -> list[LegalEntry]:
    """Entries for the documents, with relations read in two queries."""
    ids = [document.id for document in found]
    incoming, outgoing = incoming_relations(session, ids), outgoing_relations(session, ids)

    def numbers(relations: list[LegalRelation], kind: RelationKind, attribute: str) -> list[str]:
        return sorted(getattr(r, attribute).number for r in relations if r.kind is kind)

    return [
        LegalEntry(
            document=document,
            status=status_on(document, incoming.get(document.id, []), on),
            amends=numbers(outgoing.get(document.id, []), RelationKind.AMENDS, "target"),
            replaces=numbers(outgoing.get(document.id, []), RelationKind.REPLACES, "target"),
            amended_by=numbers(incoming.get(document.id, []), RelationKind.AMENDS, "source"),
            replaced_by=numbers(incoming.get(document.id, []), RelationKind.REPLACES, "source"),
        )
        for document in found
    ]


def find_document(session: Session, number: str) -> LegalDocument:
    """The registered document with this number, typed in any accepted form."""
    canonical = _as_number(number)
    document = session.scalar(select(LegalDocument).where(LegalDocument.number == canonical)) if canonical else None
    if document is None:
        raise NotFound(Message("Không tìm thấy văn bản %(number)s trong danh mục.", number=number))
    return document


def get_legal_document(session: Session, number: str, *, today: date | None = None) -> LegalEntry:
    """One document of the register with its status as of today."""
    return describe(session, [find_document(session, number)], today or clock.today())[0]


def list_legal_documents(
    session: Session, query: str | None = None, *, status: LegalStatus | None = None, today: date | None = None
) -> list[LegalEntry]:
    """The register, newest first, stubs last; ``query`` matches number, title or issuer with or without diacritics."""
    found = list(session.scalars(select(LegalDocument)))
    wanted = fold(" ".join((query or "").split())).lower()
    if wanted:
        found = [d for d in found if wanted in fold(f"{d.number} {d.doc_type} {d.title} {d.issuer}").lower()]
    found.sort(key=lambda d: d.number)
    found.sort(key=lambda d: (d.is_stub, -(d.issued_on or d.effective_from or date.min).toordinal()))
    exact = _as_number(query)
    found.sort(key=lambda d: d.number != exact)  # the document with the number typed comes first
    entries = describe(session, found, today or clock.today())
    return [entry for entry in entries if status is None or entry.status is status]


# --- changing ----------------------------------------------------------------------------------


def create_legal_document(
    session: Session,
    actor: User,
    *,
    number: str,
    doc_type: str = "",
    title: str = "",
    issuer: str = "",
    issued_on: date | None = None,
    effective_from: date | None = None,
    amends: Iterable[str] = (),
    replaces: Iterable[str] = (),
    today: date,
) -> LegalDocument:
    """Add a document to the register (or complete the stub a citation left); its relations are given as numbers."""
    require_register_editor(actor)
    number, values, wanted = check_new_document(
        number=number, doc_type=doc_type, title=title, issuer=issuer, issued_on=issued_on,
        effective_from=effective_from, amends=amends, replaces=replaces,
    )
    with unit_of_work(session):
        document = apply_create(session, actor, number, values, wanted, today=today)
    return document


def check_new_document(
    *,
    number: str,
    doc_type: str = "",
    title: str = "",
    issuer: str = "",
    issued_on: date | None = None,
    effective_from: date | None = None,
    amends: Iterable[str] = (),
    replaces: Iterable[str] = (),
) -> tuple[str, dict[str, Any], dict[RelationKind, list[str]]]:
    """The canonical number, the cleaned fields and the relations of a new document, or the error that refuses it."""
    number = parse_number(number)
    values = clean_fields(
        {"doc_type": doc_type, "title": title, "issuer": issuer}
        | {"issued_on": issued_on, "effective_from": effective_from}
    )
    if not values["title"]:
        raise Invalid("Cần nhập trích yếu (tên) văn bản.", code="title_required")
    wanted = {RelationKind.AMENDS: parse_numbers(amends), RelationKind.REPLACES: parse_numbers(replaces)}
    _refuse_self(number, wanted)
    return number, values, wanted


def apply_create(
    session: Session,
    actor: User,
    number: str,
    values: Mapping[str, Any],
    wanted: Mapping[RelationKind, list[str]],
    *,
    today: date,
) -> LegalDocument:
    """Inside the caller's unit of work: register the checked document, audited as ``legal_create``."""
    registered, created = ensure_registered(session, [number])
    document = lock_document(session, registered[number].id)
    if not document.is_stub:
        raise Conflict(Message("Văn bản %(number)s đã có trong danh mục.", number=number), code="duplicate_number")
    for field, value in values.items():
        setattr(document, field, value)
    document.is_stub = False
    document.updated_at = clock.now()
    stubs = set_relations(session, document, wanted)
    trail.record(
        session,
        "legal_create",
        actor=actor,
        subject=f"legal:{number}",
        details={
            "number": number,
            **_jsonable(values),
            "amends": wanted[RelationKind.AMENDS],
            "replaces": wanted[RelationKind.REPLACES],
            "stubs": stubs,
            "completed_stub": not created,
        },
    )
    refresh_reviews(session, today)
    return document


def update_legal_document(
    session: Session, actor: User, number: str, changes: Mapping[str, Any], *, today: date
) -> LegalDocument:
    """Change the given fields (and relations, as complete lists of numbers); a person's edit completes a stub."""
    require_register_editor(actor)
    document = find_document(session, number)
    values, wanted = check_changes(document.number, changes)
    with unit_of_work(session):
        document = apply_update(session, actor, document.id, values, wanted, today=today)
    return document


def check_changes(
    number: str, changes: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[RelationKind, list[str]]]:
    """The cleaned fields and relations of an edit of document ``number``, or the error that refuses it."""
    unknown = set(changes) - set(FIELDS) - set(RELATION_FIELDS)
    if unknown:
        raise Invalid(
            Message("Không sửa được trường: %(values)s.", values=', '.join(sorted(unknown))),
            code="invalid_field",
        )
    values = clean_fields({field: changes[field] for field in FIELDS if field in changes})
    wanted = {kind: parse_numbers(changes[name] or []) for name, kind in RELATION_FIELDS.items() if name in changes}
    _refuse_self(number, wanted)
    return values, wanted


def apply_update(
    session: Session,
    actor: User,
    document_id: int,
    values: Mapping[str, Any],
    wanted: Mapping[RelationKind, list[str]],
    *,
    today: date,
) -> LegalDocument:
    """Inside the caller's unit of work: apply the checked edit, audited as ``legal_update`` if anything changes."""
    document = lock_document(session, document_id)
    before = snapshot(session, document)
    for field, value in values.items():
        setattr(document, field, value)
    if not document.title:
        raise Invalid("Cần nhập trích yếu (tên) văn bản.", code="title_required")
    document.is_stub = False
    stubs = set_relations(session, document, wanted)
    after = snapshot(session, document)
    if before == after:
        return document
    document.updated_at = clock.now()
    changed = [key for key in after if before[key] != after[key]]
    trail.record(
        session,
        "legal_update",
        actor=actor,
        subject=f"legal:{document.number}",
        details={
            "number": document.number,
            "before": {key: before[key] for key in changed},
            "after": {key: after[key] for key in changed},
            "stubs": stubs,
        },
    )
    refresh_reviews(session, today)
    return document


# --- pieces shared with the import and the legal basis ------------------------------------------


def clean_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Text fields normalised to one line each and within their limits; dates as given."""
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field in ("issued_on", "effective_from"):
            if value is not None and not isinstance(value, date):
                raise Invalid("Ngày không hợp lệ.", code="invalid_date")
            cleaned[field] = value
            continue
        text = " ".join(normalize(str(value or "").replace("\x00", "")).split())
        if len(text) > _LIMITS[field]:
            raise Invalid(
                Message("Trường %(field)s dài quá %(limits)s ký tự.", field=field, limits=_LIMITS[field]),
                code="too_long",
            )
        cleaned[field] = text
    return cleaned


def parse_numbers(raw_numbers: Iterable[str]) -> list[str]:
    """Canonical numbers, once each, in the order given; blanks skipped."""
    numbers = [parse_number(raw) for raw in raw_numbers if (raw or "").strip()]
    return list(dict.fromkeys(numbers))


def ensure_registered(session: Session, numbers: Iterable[str]) -> tuple[dict[str, LegalDocument], list[str]]:
    """The documents with these canonical numbers, adding a stub for each one not registered yet (safe under races)."""
    wanted = list(dict.fromkeys(numbers))
    if not wanted:
        return {}, []
    found = {d.number: d for d in session.scalars(select(LegalDocument).where(LegalDocument.number.in_(wanted)))}
    created: list[str] = []
    missing = [number for number in wanted if number not in found]
    if missing:
        now = clock.now()
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        for number in missing:
            result = cast(CursorResult[Any], session.execute(  # a DML statement's result is a CursorResult
                insert(LegalDocument)
                .values(number=number, doc_type=guess_type(number), title="", issuer="", is_stub=True,
                        created_at=now, updated_at=now)
                .on_conflict_do_nothing(index_elements=["number"])
            ))
            if result.rowcount:
                created.append(number)
        found.update(
            {d.number: d for d in session.scalars(select(LegalDocument).where(LegalDocument.number.in_(missing)))}
        )
    return found, created


def lock_document(session: Session, document_id: int) -> LegalDocument:
    """The document row locked until commit, re-read from the database."""
    document = session.scalar(
        select(LegalDocument)
        .where(LegalDocument.id == document_id)
        .with_for_update(of=LegalDocument)
        .execution_options(populate_existing=True)
    )
    if document is None:
        raise NotFound("Không tìm thấy văn bản trong danh mục.")
    return document


def set_relations(
    session: Session, source: LegalDocument, wanted: Mapping[RelationKind, list[str]], *, additive: bool = False
) -> list[str]:
    """Make ``source`` amend/replace exactly the given numbers (only add, when ``additive``); returns stubs added."""
    if not wanted:
        return []
    targets, stubs = ensure_registered(session, [n for numbers in wanted.values() for n in numbers])
    current = list(session.scalars(select(LegalRelation).where(LegalRelation.source_id == source.id)))
    for kind, numbers in wanted.items():
        have = {relation.target_id: relation for relation in current if relation.kind is kind}
        want = {targets[number].id for number in numbers}
        for target_id in want - set(have):
            session.add(LegalRelation(source_id=source.id, target_id=target_id, kind=kind))
        if not additive:
            for target_id in set(have) - want:
                session.delete(have[target_id])
    session.flush()
    return stubs


def snapshot(session: Session, document: LegalDocument) -> dict[str, Any]:
    """What a person can change, as JSON values, to record before and after."""
    session.flush()
    relations = outgoing_relations(session, [document.id]).get(document.id, [])
    return {
        **_jsonable({field: getattr(document, field) for field in FIELDS}),
        "is_stub": document.is_stub,
        "amends": sorted(r.target.number for r in relations if r.kind is RelationKind.AMENDS),
        "replaces": sorted(r.target.number for r in relations if r.kind is RelationKind.REPLACES),
    }


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}


def _refuse_self(number: str, wanted: Mapping[RelationKind, list[str]]) -> None:
    if any(number in numbers for numbers in wanted.values()):
        raise Invalid(
            Message("Văn bản %(number)s không thể tự sửa đổi hay thay thế chính nó.", number=number),
            code="self_relation",
        )
