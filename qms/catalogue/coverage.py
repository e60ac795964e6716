"""Coverage: how much of an organisation's TTHC list has an ISO process in force.

covered ÷ total, where total is the procedures on the organisation's current list (not abolished) and
a procedure is covered when a document of the organisation that has an effective revision is linked to
it (by ``Document.procedure_code`` or a ``DocumentProcedure`` row). A link matches a listed code when it
is the same code, or when one is the national code (`2.000815`) and the other a provincial variant of it
(`2.000815.000.00.00.H55`); two different provincial variants do not match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CTE, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql import ColumnElement

from qms import clock
from qms.catalogue.codes import codes_match, national_part, normalize_code
from qms.catalogue.links import document_codes
from qms.catalogue.procedures import visible_organization
from qms.documents import as_of
from qms.models import (
    Document,
    DocumentProcedure,
    DocumentStatus,
    Organization,
    Procedure,
    ProcedureTransfer,
    Revision,
    RevisionStatus,
    User,
)
from qms.text.vietnamese import fold


@dataclass(frozen=True)
class CoveredProcedure:
    procedure: Procedure
    #: The first process in force for it, by document code.
    document: Document


@dataclass(frozen=True)
class OffListLink:
    """A process in force that points to an abolished procedure, or to a code not on the list (``procedure`` None)."""

    document: Document
    code: str
    procedure: Procedure | None

    @property
    def is_abolished(self) -> bool:
        return self.procedure is not None


@dataclass(frozen=True)
class Coverage:
    organization: Organization
    covered: int
    total: int
    #: 0-100 with one decimal; 0 when the list is empty.
    percent: float
    #: Field → procedures without a process, fields in Vietnamese order (no field last), procedures by code.
    uncovered: dict[str, list[Procedure]]
    covered_procedures: list[CoveredProcedure]
    abolished_links: list[OffListLink]


def coverage(session: Session, viewer: User, organization_code: str) -> Coverage:
    """Coverage of one organisation, for its own users and inspectors."""
    organization = visible_organization(session, viewer, organization_code)
    procedures = list(
        session.scalars(select(Procedure).where(Procedure.organization_id == organization.id).order_by(Procedure.code))
    )
    # A merged or split organisation lists nothing now: the rows a merger left it belong to its past.
    listed = [procedure for procedure in procedures if not procedure.is_abolished and organization.is_active]
    # Coverage names each process by its code and title: its revisions are not read (a commune has hundreds).
    processes = _processes_in_force(session, organization.id, options=[lazyload(Document.revisions)])
    codes = document_codes(session, processes)
    covered, not_covered = match(listed, processes, codes)
    uncovered: dict[str, list[Procedure]] = {}
    for procedure in not_covered:
        uncovered.setdefault(procedure.field or "", []).append(procedure)
    total = len(listed)
    return Coverage(
        organization=organization,
        covered=len(covered),
        total=total,
        percent=round(100 * len(covered) / total, 1) if total else 0.0,
        uncovered={name: uncovered[name] for name in sorted(uncovered, key=_field_order)},
        covered_procedures=covered,
        abolished_links=_off_list(processes, codes, listed, procedures),
    )


def match(
    listed: list[Procedure], documents: list[Document], codes: dict[int, list[str]]
) -> tuple[list[CoveredProcedure], list[Procedure]]:
    """The one coverage rule: a listed procedure is covered by the first document, in the order given, that links a
    matching code; the rest are uncovered, in the order listed."""
    # Index the links by national part: a listed code can only match links that share it.
    links: dict[str, list[tuple[str, Document]]] = {}
    for document in documents:
        for code in codes[document.id]:
            links.setdefault(national_part(code), []).append((code, document))
    covered: list[CoveredProcedure] = []
    uncovered: list[Procedure] = []
    for procedure in listed:
        candidates = links.get(national_part(procedure.code), [])
        covering = next((d for code, d in candidates if codes_match(code, procedure.code)), None)
        if covering is None:
            uncovered.append(procedure)
        else:
            covered.append(CoveredProcedure(procedure, covering))
    return covered, uncovered


def coverage_on(
    session: Session, organization: Organization, day: date, *, in_force: list[Document] | None = None
) -> tuple[list[CoveredProcedure], list[Procedure]]:
    """Coverage as it stood on ``day``: the procedures listed that day against the documents in force that day
    (``in_force``: those documents, by code, when the caller has read them already)."""
    # From the day it was merged or split an organisation lists nothing; the rows a merger left it are its past.
    ended = organization.ended_on is not None and day >= organization.ended_on
    held = [] if ended else procedures_held_on(session, organization.id, day)
    procedures = sorted(held, key=lambda p: (p.code, p.id))
    listed = [procedure for procedure in procedures if _listed_on(procedure, day)]
    if in_force is None:
        in_force = [revision.document for revision in as_of.effective_on(session, organization.id, day)]
    return match(listed, in_force, document_codes(session, in_force))


def procedures_held_on(session: Session, organization_id: int, day: date) -> list[Procedure]:
    """The catalogue rows the organisation held on ``day``: a row a restructure carried later was still the former
    owner's; a row carried in later was not yet this one's."""
    transfers = list(session.scalars(
        select(ProcedureTransfer)
        .where(or_(ProcedureTransfer.from_organization_id == organization_id,
                   ProcedureTransfer.to_organization_id == organization_id))
    ))
    later = {}
    for transfer in sorted(transfers, key=lambda t: (t.effective_on, t.id), reverse=True):
        if transfer.effective_on > day:  # the earliest transfer after the day names the owner on the day
            later[transfer.procedure_id] = transfer.from_organization_id
    current = session.scalars(select(Procedure).where(Procedure.organization_id == organization_id))
    held = [procedure for procedure in current if later.get(procedure.id, organization_id) == organization_id]
    carried_away = [pid for pid, owner in later.items() if owner == organization_id]
    if carried_away:
        held += session.scalars(select(Procedure).where(Procedure.id.in_(carried_away),
                                                        Procedure.organization_id != organization_id))
    return held


def uncovered_codes(listed: Iterable[str], links: Iterable[str]) -> list[str]:
    """The listed codes no link covers, by ``match``'s rule (for counting many organisations without their rows)."""
    same = set(links)
    # A code linked as it is listed matches at once (most of a province's are): only the rest are compared by the
    # rule, with the links that share their national part (which begin with its 8 characters).
    rest = [code for code in listed if code not in same]
    if not rest:
        return []
    by_start: dict[str, list[str]] = {}
    for code in same:
        by_start.setdefault(code[:8], []).append(code)
    return [code for code in rest
            if not any(codes_match(link, code) for link in by_start.get(code[:8], [])
                       if national_part(link) == national_part(code))]


@dataclass(frozen=True)
class ListCoverage:
    """An organisation's list as coverage counts it: the codes listed and those no process in force covers."""

    listed: list[str]
    uncovered: list[str]

    @property
    def covered(self) -> int:
        return len(self.listed) - len(self.uncovered)


#: Joins the codes of one organisation in one aggregated string: no code holds it.
_SEPARATOR = "\x1f"


def _codes_by_organization(session: Session, query: Any) -> dict[int, list[str]]:
    """``(organization_id, code)`` rows as one joined string per organisation (the database joins them: a province
    has tens of thousands of rows but a hundred organisations), split back into codes."""
    organization, code = query.selected_columns
    joined = query.with_only_columns(organization, func.aggregate_strings(code, _SEPARATOR)).group_by(organization)
    return {organization_id: codes.split(_SEPARATOR) for organization_id, codes in session.execute(joined) if codes}


def _links(session: Session, documents: CTE) -> dict[int, list[str]]:
    """Per organisation, the codes its documents in ``documents`` (``document_id``, ``organization_id``) link."""
    return _links_apart(session, documents)[True]


def _links_apart(session: Session, documents: CTE, apart: str | None = None) -> dict[bool, dict[int, list[str]]]:
    """``_links`` of the documents for which ``apart`` (a boolean column of ``documents``) holds, under True, and
    of the others under False; all under True without it. One statement: ``documents`` is read once (a CTE used
    twice, which both databases materialise), for the codes documents state and those they link."""
    side = (documents.c[apart] if apart is not None else literal(True)).label("side")
    stated = select(documents.c.organization_id, side, Document.procedure_code.label("code")).join(
        Document, Document.id == documents.c.document_id).where(Document.procedure_code.is_not(None))
    linked = select(documents.c.organization_id, side, DocumentProcedure.procedure_code).join(
        DocumentProcedure, DocumentProcedure.document_id == documents.c.document_id)
    both = union_all(stated, linked).subquery("links")
    joined = (select(both.c.organization_id, both.c.side, func.aggregate_strings(both.c.code, _SEPARATOR))
              .group_by(both.c.organization_id, both.c.side))
    found: dict[bool, dict[int, list[str]]] = {True: {}, False: {}}
    canonical: dict[str, str] = {}  # a province repeats the same few hundred codes in every commune
    for organization_id, held, codes in session.execute(joined):
        for code in (codes or "").split(_SEPARATOR):
            if code:
                if code not in canonical:
                    canonical[code] = normalize_code(code)
                found[bool(held)].setdefault(organization_id, []).append(canonical[code])
    return found


def counts(session: Session, organizations: list[Organization]) -> dict[int, ListCoverage]:
    """``coverage`` of many organisations at once, without the rows: three queries whatever their number."""
    active = [organization.id for organization in organizations if organization.is_active]
    listed = _codes_by_organization(session, select(Procedure.organization_id, Procedure.code).where(
        Procedure.organization_id.in_(active), Procedure.is_abolished.is_(False)))
    in_force = (
        select(Document.id.label("document_id"), Document.organization_id.label("organization_id"))
        .where(Document.organization_id.in_(active), Document.status == DocumentStatus.ACTIVE,
               Document.revisions.any(Revision.status == RevisionStatus.EFFECTIVE))
        .cte("in_force")
    )
    links = _links(session, in_force)
    return {
        organization.id: ListCoverage(codes := listed.get(organization.id, []),
                                      uncovered_codes(codes, links.get(organization.id, [])))
        for organization in organizations
    }


def counts_on(
    session: Session, organizations: list[Organization], day: date, *, held_only: bool = False
) -> dict[int, ListCoverage]:
    """``coverage_on`` of many organisations at once, without the rows (``held_only``: the documents withdrawn by
    then left out, as the overview's rows of that day leave them)."""
    listed, links = _listed_and_links_on(session, organizations, day)
    return {
        organization.id: ListCoverage(codes := listed.get(organization.id, []), uncovered_codes(
            codes, links[True].get(organization.id, []) + ([] if held_only else links[False].get(organization.id, []))))
        for organization in organizations
    }


def counts_on_both(
    session: Session, organizations: list[Organization], day: date
) -> tuple[dict[int, ListCoverage], dict[int, ListCoverage]]:
    """``counts_on`` of every document, and of those not withdrawn by then (``held_only``), read together: the
    overview of a past day shows the one and counts the scorecard's gaps by the other."""
    listed, links = _listed_and_links_on(session, organizations, day)
    every, kept = {}, {}
    for organization in organizations:
        codes = listed.get(organization.id, [])
        held_links, withdrawn_links = links[True].get(organization.id, []), links[False].get(organization.id, [])
        kept[organization.id] = ListCoverage(codes, uncovered_codes(codes, held_links))
        # Most organisations withdrew nothing in force that day: their two counts are one.
        every[organization.id] = kept[organization.id] if not withdrawn_links else ListCoverage(
            codes, uncovered_codes(codes, held_links + withdrawn_links))
    return every, kept


def _listed_and_links_on(
    session: Session, organizations: list[Organization], day: date
) -> tuple[dict[int, list[str]], dict[bool, dict[int, list[str]]]]:
    """Per organisation, the codes it listed on ``day``, and those its documents in force then link: under True
    those of the documents it still held at the end of the day, under False of those withdrawn by then."""
    ids = [organization.id for organization in organizations
           if organization.ended_on is None or day < organization.ended_on]
    end = as_of.day_end(day)
    transfers = session.execute(
        select(ProcedureTransfer.procedure_id, ProcedureTransfer.from_organization_id)
        .where(ProcedureTransfer.effective_on > day)
        .order_by(ProcedureTransfer.effective_on.desc(), ProcedureTransfer.id.desc())
    ).all()
    owner_then = dict(transfers)  # the earliest transfer after the day names the owner on the day (last written)
    carried_away = [procedure_id for procedure_id, owner in owner_then.items() if owner in ids]
    listed_then = [
        or_(Procedure.organization_id.in_(ids), Procedure.id.in_(carried_away)),
        or_(Procedure.created_at.is_(None), Procedure.created_at < end),
        or_(Procedure.is_abolished.is_(False), Procedure.abolished_at.is_(None), Procedure.abolished_at >= end),
    ]
    moved = list(owner_then)
    listed = _codes_by_organization(session, select(Procedure.organization_id, Procedure.code).where(
        *listed_then, Procedure.id.not_in(moved)))
    if moved:  # the few rows a restructure carried: counted for their owner of the day
        for procedure_id, organization_id, code in session.execute(
            select(Procedure.id, Procedure.organization_id, Procedure.code).where(*listed_then,
                                                                                  Procedure.id.in_(moved))
        ):
            owner = owner_then.get(procedure_id, organization_id)
            if owner in ids:
                listed.setdefault(owner, []).append(code)
    owners = as_of.owners_on(ids, day)
    held = or_(Document.withdrawn_at.is_(None), Document.withdrawn_at >= end)
    in_force = (
        select(owners.c.document_id, owners.c.organization_id, case((held, True), else_=False).label("held"))
        .join(Document, Document.id == owners.c.document_id).join(Revision, Revision.document_id == Document.id)
        .where(as_of.status_on_clause(RevisionStatus.EFFECTIVE, day))
        .cte("in_force")  # a code read twice changes no count
    )
    return listed, _links_apart(session, in_force, "held")


def _listed_on(procedure: Procedure, day: date) -> bool:
    created = clock.local_day(procedure.created_at)
    abolished = clock.local_day(procedure.abolished_at) if procedure.is_abolished else None
    return (created is None or created <= day) and (abolished is None or abolished > day)


def _processes_in_force(session: Session, organization_id: int, *linking: ColumnElement[bool],
                        options: Sequence[ORMOption] = ()) -> list[Document]:
    query = (
        select(Document)
        .where(Document.organization_id == organization_id, Document.status == DocumentStatus.ACTIVE)
        .where(Document.revisions.any(Revision.status == RevisionStatus.EFFECTIVE))
        .where(*linking)
        .order_by(Document.code)
        .options(*options)
    )
    return list(session.scalars(query))


def _off_list(
    processes: list[Document], codes: dict[int, list[str]], listed: list[Procedure], procedures: list[Procedure]
) -> list[OffListLink]:
    # Codes match only within one national part: each link is compared with the procedures that share it.
    listed_by_part: dict[str, list[Procedure]] = {}
    abolished_by_part: dict[str, list[Procedure]] = {}
    for procedure in listed:
        listed_by_part.setdefault(national_part(procedure.code), []).append(procedure)
    for procedure in procedures:
        if procedure.is_abolished:
            abolished_by_part.setdefault(national_part(procedure.code), []).append(procedure)
    found = []
    for document in processes:
        for code in codes[document.id]:
            part = national_part(code)
            if any(codes_match(code, procedure.code) for procedure in listed_by_part.get(part, [])):
                continue
            gone = next((procedure for procedure in abolished_by_part.get(part, [])
                         if codes_match(code, procedure.code)), None)
            found.append(OffListLink(document, code, gone))
    return found


def _field_order(name: str) -> tuple[bool, str, str]:
    return (name == "", fold(name).casefold(), name)


@dataclass(frozen=True)
class FieldCoverage:
    #: The field (lĩnh vực) as the catalogue writes it; "" for procedures without one.
    field: str
    covered: int
    total: int


def by_field(found: Coverage) -> list[FieldCoverage]:
    """Covered and listed procedures per field, fields in Vietnamese order (no field last)."""
    covered: dict[str, int] = {}
    for item in found.covered_procedures:
        covered[item.procedure.field or ""] = covered.get(item.procedure.field or "", 0) + 1
    names = set(covered) | set(found.uncovered)
    return [
        FieldCoverage(name, covered.get(name, 0), covered.get(name, 0) + len(found.uncovered.get(name, [])))
        for name in sorted(names, key=_field_order)
    ]


def processes_linking(session: Session, organization_id: int, codes: list[str]) -> list[Document]:
    """The organisation's documents in force, by code (the order in which the first one covering a code wins), of
    those that could cover one of ``codes``: a link matches a code only if it has its national part."""
    parts = sorted({national_part(code) for code in codes})
    if not parts:
        return []
    links = select(DocumentProcedure.document_id).where(
        or_(*(DocumentProcedure.procedure_code.contains(part, autoescape=True) for part in parts))
    )
    return _processes_in_force(session, organization_id, or_(
        *(Document.procedure_code.contains(part, autoescape=True) for part in parts), Document.id.in_(links)
    ))
