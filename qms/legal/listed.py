"""The legal register as a list: a page of legal documents with their status as of a day, the numbers they are
related to, and the processes in force that cite each one; sorted and filtered by text in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from qms import clock, listing
from qms.accounts import permissions
from qms.legal.register import LegalEntry, as_number, describe
from qms.legal.status import LegalStatus, incoming_relations, status_on
from qms.models import Citation, Document, DocumentStatus, LegalDocument, Revision, RevisionStatus, User

#: How many citing processes a row names; the rest are counted.
CITING_SHOWN = 5

_NEWEST = func.coalesce(LegalDocument.issued_on, LegalDocument.effective_from)

REGISTER_SORTING = listing.Sorting(
    columns={
        "issued_on": (LegalDocument.is_stub.asc(), _NEWEST),
        "number": (LegalDocument.number,),
        "type": (LegalDocument.doc_type,),
        "title": (LegalDocument.title,),
        "issuer": (LegalDocument.issuer,),
        "effective_from": (LegalDocument.effective_from,),
    },
    default="issued_on",
    tiebreak=(LegalDocument.number,),
    descending_first=frozenset({"issued_on", "effective_from"}),
)


@dataclass(frozen=True)
class RegisterRow:
    entry: LegalEntry
    #: Processes in force the viewer may read that cite the document, the first CITING_SHOWN by organisation, code.
    citing: list[Document]
    citing_count: int

    # The entry's fields, so that a row reads as the entry it extends.
    @property
    def document(self) -> LegalDocument:
        return self.entry.document

    @property
    def status(self) -> LegalStatus:
        return self.entry.status

    @property
    def amends(self) -> list[str]:
        return self.entry.amends

    @property
    def replaces(self) -> list[str]:
        return self.entry.replaces

    @property
    def amended_by(self) -> list[str]:
        return self.entry.amended_by

    @property
    def replaced_by(self) -> list[str]:
        return self.entry.replaced_by


def register_page(
    session: Session,
    viewer: User,
    request: listing.ListRequest | None = None,
    *,
    status: LegalStatus | None = None,
    today: date | None = None,
) -> listing.ListPage[RegisterRow]:
    """A page of the register; the text matches number, type, title and issuer with or without diacritics. The
    status is derived, never stored: with a status asked, the documents matching the text are read to derive it."""
    request = request or listing.ListRequest()
    today = today or clock.today()
    query = select(LegalDocument)
    text = (LegalDocument.number, LegalDocument.doc_type, LegalDocument.title, LegalDocument.issuer)
    if status is not None:
        wanted_text = listing.text_filter(request.q, text)
        matching = session.scalars(query if wanted_text is None else query.where(wanted_text)).all()
        incoming = incoming_relations(session, [document.id for document in matching])
        wanted = [d.id for d in matching if status_on(d, incoming.get(d.id, []), today) is status]
        query = query.where(LegalDocument.id.in_(wanted))
    exact = as_number(request.q) if request.q else None
    first = [case((LegalDocument.number == exact, 0), else_=1)] if exact else []
    found = listing.page_of(session, query, request, REGISTER_SORTING, text=text, first=first)
    entries = describe(session, found.rows, today)
    citing, counts = _citing(session, viewer, [document.id for document in found.rows])
    return listing.ListPage(
        [RegisterRow(entry, citing.get(entry.document.id, []), counts.get(entry.document.id, 0)) for entry in entries],
        found.total,
        request,
    )


def _citing(session: Session, viewer: User, legal_ids: list[int]) -> tuple[dict[int, list[Document]], dict[int, int]]:
    """The processes in force citing each legal document, in two queries whatever the page's length."""
    if not legal_ids:
        return {}, {}
    cited = (
        select(Citation.legal_document_id.label("legal_id"), Document.id.label("document_id"))
        .join(Revision, Revision.id == Citation.revision_id)
        .join(Document, Document.id == Revision.document_id)
        .where(Citation.legal_document_id.in_(legal_ids), Revision.status == RevisionStatus.EFFECTIVE)
        .where(Document.status == DocumentStatus.ACTIVE)
        # A revision cites a document once, and a document has one revision in force: no pair comes twice.
    )
    if not permissions.sees_all_organizations(viewer):
        cited = cited.where(Document.organization_id == viewer.organization_id)
    pairs = cited.subquery()
    counted = select(pairs.c.legal_id, func.count()).group_by(pairs.c.legal_id)
    counts: dict[int, int] = {legal_id: count for legal_id, count in session.execute(counted)}
    ranked = (
        select(
            pairs.c.legal_id,
            pairs.c.document_id,
            func.row_number()
            .over(partition_by=pairs.c.legal_id, order_by=(Document.organization_id, Document.code, Document.id))
            .label("rank"),
        )
        .join(Document, Document.id == pairs.c.document_id)
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.legal_id, Document).join(Document, Document.id == ranked.c.document_id)
        .where(ranked.c.rank <= CITING_SHOWN)
        .order_by(ranked.c.legal_id, ranked.c.rank)
    ).all()
    citing: dict[int, list[Document]] = {}
    for legal_id, document in rows:
        citing.setdefault(legal_id, []).append(document)
    return citing, counts
