"""A revision's legal basis: the citations read from its text at upload, corrected by the secretary, read with status.

``extract_basis`` runs inside the upload's unit of work (the upload's audit entry covers it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.accounts import permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.documents import locks, reading
from qms.errors import Conflict, Invalid
from qms.legal.register import ensure_registered, is_partial, parse_number, resolve_partial
from qms.legal.reviews import open_cited_ids, refresh_reviews
from qms.legal.status import LegalStatus, incoming_relations, status_on, triggers
from qms.messages import Message
from qms.models import Citation, LegalDocument, RelationKind, Revision, RevisionStatus, Role, User
from qms.text.citations import NamedLaw, find_citations, find_named_laws
from qms.text.legal_sections import basis_text
from qms.text.vietnamese import fold, normalize

EXTRACTED, MANUAL = "extracted", "manual"
MAX_CITATIONS = 200
#: A superseded or withdrawn revision is history: its legal basis stays as it was.
_FROZEN = (RevisionStatus.SUPERSEDED, RevisionStatus.OBSOLETE)


@dataclass(frozen=True)
class BasisEntry:
    """One citation with the cited document's status as of a date."""

    citation: Citation
    status: LegalStatus
    amended_by: list[str]
    replaced_by: list[str]
    #: An open review item exists for this citation.
    under_review: bool


def extract_basis(session: Session, revision: Revision) -> list[Citation]:
    """Store the citations of the revision's legal-basis sections (or whole text) in the caller's transaction.

    Partial numbers count when exactly one registered number starts with them; unknown full numbers
    become stubs. Re-running replaces the extracted citations and keeps the secretary's own.
    """
    text = revision.text if revision.has_text else ""
    sections = basis_text(text) if text else ""  # once: finding the sections folds every line of the text
    found: dict[str, str] = {}
    for citation in find_citations(sections) if sections else []:
        number = resolve_partial(session, citation.number) if citation.partial else citation.number
        if number is not None and number not in found:
            found[number] = citation.raw
    for law in find_named_laws(sections) if sections else []:
        number = resolve_named(session, law)  # never a stub: a law not in the register has no number to make up
        if number is not None and number not in found:
            found[number] = law.raw
    registered, _stubs = ensure_registered(session, found)
    wanted = {registered[number].id: raw for number, raw in found.items()}
    existing = {c.legal_document_id: c for c in _citations(session, revision.id)}
    for legal_document_id, stored in existing.items():
        if stored.source == EXTRACTED and legal_document_id not in wanted:
            session.delete(stored)
    for legal_document_id, raw in wanted.items():
        if legal_document_id not in existing:
            session.add(
                Citation(revision_id=revision.id, legal_document_id=legal_document_id, raw=raw[:200], source=EXTRACTED)
            )
    session.flush()
    return _citations(session, revision.id)


def resolve_named(session: Session, law: NamedLaw) -> str | None:
    """The registered number of a law cited by name and year ("Luật Hộ tịch năm 2014" -> 60/2014/QH13), if one."""
    key = _title_key(law.title)
    candidates = session.scalars(
        select(LegalDocument).where(LegalDocument.is_stub.is_(False), LegalDocument.number.like(f"%/{law.year}/%"))
    )
    matches = [
        document.number for document in candidates
        if _title_key(document.title) == key or _title_key(f"{document.doc_type} {document.title}") == key
    ]
    return matches[0] if len(matches) == 1 else None


def _title_key(title: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in fold(title).lower()).split())


def set_basis(
    session: Session, actor: User, revision_id: int, numbers: list[str], *, today: date | None = None
) -> list[Citation]:
    """Replace a revision's legal basis with these numbers; the organisation's secretary does, audited before/after."""
    revision = reading.get_revision(session, actor, revision_id)
    permissions.require_role(actor, (Role.SECRETARY,), revision.document.organization_id)
    reading.require_processed(revision)  # the extraction that would replace these has not run yet
    if revision.status in _FROZEN:
        raise Conflict(
            "Phiên bản đã hết hiệu lực hoặc đã bị thu hồi; căn cứ pháp lý của nó được giữ nguyên.", code="wrong_state"
        )
    typed = _parse_typed(session, numbers)
    with unit_of_work(session):
        locks.lock_revision(session, revision.id)
        existing = _citations(session, revision.id)
        before = [c.legal_document.number for c in existing]
        registered, stubs = ensure_registered(session, typed)
        wanted = {registered[number].id: raw for number, raw in typed.items()}
        kept = {c.legal_document_id for c in existing}
        for citation in existing:
            if citation.legal_document_id not in wanted:
                session.delete(citation)
        for legal_document_id, raw in wanted.items():
            if legal_document_id not in kept:
                session.add(
                    Citation(revision_id=revision.id, legal_document_id=legal_document_id, raw=raw[:200], source=MANUAL)
                )
        session.flush()
        after = [c.legal_document.number for c in _citations(session, revision.id)]
        if sorted(before) != sorted(after):
            trail.record(
                session,
                "legal_basis_change",
                actor=actor,
                revision=revision,
                details={"before": before, "after": after, "stubs": stubs},
            )
            refresh_reviews(session, today or clock.today())
    return _citations(session, revision.id)


def basis(session: Session, viewer: User, revision_id: int, *, today: date | None = None) -> list[BasisEntry]:
    """The revision's citations in the order found, each with the cited document's status as of today."""
    revision = reading.get_revision(session, viewer, revision_id)
    reading.require_processed(revision)
    citations = _citations(session, revision.id)
    incoming = incoming_relations(session, [c.legal_document_id for c in citations])
    reviewed = open_cited_ids(session, revision.id)
    on = today or clock.today()
    entries = []
    for citation in citations:
        relations = incoming.get(citation.legal_document_id, [])
        entries.append(
            BasisEntry(
                citation=citation,
                status=status_on(citation.legal_document, relations, on),
                amended_by=[d.number for d in triggers(relations, RelationKind.AMENDS, on)],
                replaced_by=[d.number for d in triggers(relations, RelationKind.REPLACES, on)],
                under_review=citation.legal_document_id in reviewed,
            )
        )
    return entries


def _citations(session: Session, revision_id: int) -> list[Citation]:
    return list(session.scalars(select(Citation).where(Citation.revision_id == revision_id).order_by(Citation.id)))


def _typed_number(session: Session, text: str) -> str | None:
    """A number as typed, a bare `61/2018`, or a line naming one document ("Nghị định số 61/2018/NĐ-CP ngày …")."""
    try:
        return parse_number(text)
    except Invalid:
        pass
    if is_partial(text):
        return resolve_partial(session, text)
    found = find_citations(text)
    if len(found) != 1:
        return None
    return resolve_partial(session, found[0].number) if found[0].partial else found[0].number


def _parse_typed(session: Session, numbers: list[str]) -> dict[str, str]:
    """Canonical number -> as typed; a partial number counts when the register makes it unambiguous."""
    typed: dict[str, str] = {}
    refused: list[str] = []
    for raw in numbers:
        text = " ".join(normalize((raw or "").replace("\x00", "")).split())
        if not text:
            continue
        number = _typed_number(session, text)
        if number is None:
            refused.append(text)
        else:
            typed.setdefault(number, text)
    if refused:
        raise Invalid(
            "Số hiệu không hợp lệ hoặc không xác định được văn bản: "
            + ", ".join(f"«{text}»" for text in refused[:10])
            + " (cần số hiệu đầy đủ, ví dụ: 61/2018/NĐ-CP).",
            code="invalid_number",
        )
    if len(typed) > MAX_CITATIONS:
        raise Invalid(
            Message("Tối đa %(max_citations)s văn bản trong căn cứ pháp lý.", max_citations=MAX_CITATIONS),
            code="too_many",
        )
    return typed
