"""Which TTHC codes a process document serves: its ``procedure_code``, links set by hand, and codes read from its text.

This module does not import ``qms.documents.lifecycle``, so the lifecycle can call ``link_from_revision`` from there.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.accounts import permissions
from qms.audit import trail
from qms.catalogue.codes import codes_in_text, is_valid, normalize_code
from qms.database import unit_of_work
from qms.errors import Conflict, Invalid, NotFound
from qms.models import Document, DocumentKind, DocumentProcedure, DocumentStatus, Revision, Role, User

MANUAL = "manual"
FROM_DOCUMENT = "document"


def document_codes(session: Session, documents: Iterable[Document]) -> dict[int, list[str]]:
    """Each document's TTHC codes, canonical and without repeats: ``procedure_code`` first, then its links."""
    documents = list(documents)
    codes: dict[int, list[str]] = {}
    for document in documents:
        codes[document.id] = [normalize_code(document.procedure_code)] if document.procedure_code else []
    ids = list(codes)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(DocumentProcedure.document_id, DocumentProcedure.procedure_code)
            .where(DocumentProcedure.document_id.in_(ids[start : start + 500]))
            .order_by(DocumentProcedure.procedure_code)
        )
        for document_id, code in rows:
            code = normalize_code(code)
            if code not in codes[document_id]:
                codes[document_id].append(code)
    return codes


def set_document_procedures(session: Session, actor: User, document_id: int, codes: Iterable[str]) -> list[str]:
    """The secretary states the codes a document serves: links not named are removed, new ones are "manual"."""
    document = session.get(Document, document_id)
    if document is None or not permissions.can_read(actor, document.organization_id):
        raise NotFound("Không tìm thấy tài liệu.")
    if not permissions.sees_non_current(actor) and document.current_revision is None:
        raise NotFound("Không tìm thấy tài liệu.")
    permissions.require_role(actor, (Role.SECRETARY,), document.organization_id)
    wanted: list[str] = []
    for code in (normalize_code(raw) for raw in codes):
        if code and code not in wanted:
            wanted.append(code)
    bad = [code for code in wanted if not is_valid(code)]
    if bad:
        raise Invalid(
            f"Mã TTHC không hợp lệ: {', '.join(bad)} (ví dụ: 1.001193 hoặc 2.000815.000.00.00.H55).",
            code="invalid_procedure_code",
        )
    if document.status is DocumentStatus.OBSOLETE:
        raise Conflict("Tài liệu đã bị thu hồi, không thể thay đổi thủ tục liên kết.", code="document_obsolete")
    with unit_of_work(session):
        rows = list(session.scalars(select(DocumentProcedure).where(DocumentProcedure.document_id == document.id)))
        before = sorted(normalize_code(row.procedure_code) for row in rows)
        for row in rows:
            if normalize_code(row.procedure_code) not in wanted:
                session.delete(row)
        for code in wanted:
            if code not in before:
                session.add(_link(document, code, MANUAL))
        after = sorted(wanted)
        trail.record(
            session,
            "procedure_links",
            actor=actor,
            document=document,
            details={"before": before, "after": after},
        )
    return after


def link_from_revision(session: Session, revision: Revision) -> list[str]:
    """Link a process to the TTHC codes its text states; runs in the caller's unit of work, with no audit of its own."""
    document = session.get(Document, revision.document_id)
    if document is None or document.kind is not DocumentKind.PROCESS:
        return []  # a catalogue or a report lists many codes without serving them
    found = codes_in_text(revision.text or "")
    if not found:
        return []
    known = set(document_codes(session, [document])[document.id])
    added = [code for code in found if code not in known]
    for code in added:
        session.add(_link(document, code, FROM_DOCUMENT))
    return added


def _link(document: Document, code: str, source: str) -> DocumentProcedure:
    return DocumentProcedure(document_id=document.id, procedure_code=code, source=source, created_at=clock.now())
