"""What the checks compare a document with: its code and issue number, its procedure's time, the legal register."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qms.catalogue.codes import codes_match
from qms.catalogue.links import document_codes
from qms.catalogue.statutory_time import parse_cases, working_hours
from qms.conformity.checks import Context, Outdated, Statutory
from qms.conformity.structure import Structure
from qms.legal.status import LegalStatus, incoming_relations, status_on, triggers
from qms.models import Citation, Document, DocumentKind, Procedure, RelationKind, Revision

_UNIT_WORDS = {
    "working_day": "ngày làm việc",
    "day": "ngày",
    "working_hour": "giờ làm việc",
    "hour": "giờ",
    "month": "tháng",
}


def gather(session: Session, revision: Revision, structure: Structure, today: date) -> Context:
    document = session.get(Document, revision.document_id)
    assert document is not None
    highest = session.scalar(select(func.max(Revision.issue_number)).where(Revision.document_id == document.id))
    return Context(
        is_process=document.kind is DocumentKind.PROCESS,
        document_code=document.code,
        expected_issue=revision.issue_number or (highest or 0) + 1,
        issued=revision.issue_number is not None,
        statutory=statutory_time(session, document, structure),
        outdated=outdated_citations(session, revision, today),
        unregistered=unregistered_names(session, structure),
    )


def unregistered_names(session: Session, structure: Structure) -> list[str]:
    """Laws cited by name and year that the register cannot resolve to one number (never a made-up stub)."""
    from qms.legal.basis import resolve_named
    from qms.text.citations import NamedLaw

    return [
        law.raw for law in structure.legal_names
        if resolve_named(session, NamedLaw(law.title, law.year, law.raw)) is None
    ]


def statutory_time(session: Session, document: Document, structure: Structure) -> Statutory | None:
    """The linked procedure's time in the organisation's catalogue; else the time the document states."""
    codes = document_codes(session, [document])[document.id]
    if codes:
        listed = list(
            session.scalars(
                select(Procedure)
                .where(Procedure.organization_id == document.organization_id, Procedure.time_value.is_not(None))
                .order_by(Procedure.is_abolished, Procedure.code)
            )
        )
        for code in codes:
            for procedure in listed:
                hours = working_hours(procedure.time_value, procedure.time_unit)
                if hours and codes_match(code, procedure.code):
                    unit = procedure.time_unit.value if procedure.time_unit else None
                    cases = parse_cases(procedure.time_text) if procedure.time_text else []
                    return Statutory(hours, _time_text(procedure), unit, procedure_code=procedure.code, cases=cases)
    stated = structure.stated_time
    if stated.hours:
        return Statutory(
            stated.hours, stated.text.rstrip(" ."), stated.unit, section=stated.section, cases=list(stated.cases)
        )
    return None


def outdated_citations(session: Session, revision: Revision, today: date) -> list[Outdated]:
    """Cited documents replaced as of today, or amended by a document in force after the revision took effect.

    A revision not yet in effect is judged as if issued today: amendments already in force were there to be taken in.
    """
    citations = list(session.scalars(select(Citation).where(Citation.revision_id == revision.id).order_by(Citation.id)))
    incoming = incoming_relations(session, [citation.legal_document_id for citation in citations])
    found: list[Outdated] = []
    for citation in citations:
        cited = citation.legal_document
        relations = incoming.get(cited.id, [])
        status = status_on(cited, relations, today)
        if status is LegalStatus.REPLACED:
            by = triggers(relations, RelationKind.REPLACES, today)
            found.append(Outdated(cited.number, "replaced", [d.number for d in by], _first_date(by)))
        elif status is LegalStatus.AMENDED and revision.effective_from is not None:
            by = [
                d for d in triggers(relations, RelationKind.AMENDS, today)
                if d.effective_from is None or d.effective_from > revision.effective_from
            ]
            if by:
                found.append(Outdated(cited.number, "amended", [d.number for d in by], _first_date(by)))
    return found


def _first_date(documents: list) -> date | None:
    dates = [d.effective_from for d in documents if d.effective_from is not None]
    return min(dates) if dates else None


def _time_text(procedure: Procedure) -> str:
    text = " ".join(procedure.time_text.split()).rstrip(".")
    if text:
        return text[0].lower() + text[1:] if text[1:2].islower() else text  # "Trong ngày" inside a sentence
    unit = procedure.time_unit.value if procedure.time_unit else ""
    if unit == "same_day":
        return "trong ngày"
    value = procedure.time_value or 0
    amount = str(int(value)) if value == int(value) else str(value).replace(".", ",")
    return f"{amount} {_UNIT_WORDS.get(unit, '')}".strip()
