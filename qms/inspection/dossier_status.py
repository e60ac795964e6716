"""Coverage and legal-review status of an organisation as of a day, as JSON values for the inspection dossier.

Coverage follows ``qms.catalogue.coverage`` (same code matching) over the procedures listed on that day and the
documents in force on that day; review items count as they stood at the end of that day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qms.catalogue.codes import codes_match, national_part
from qms.catalogue.links import document_codes
from qms.documents import as_of as state_on
from qms.legal.reviews import RESOLUTION_LABELS
from qms.legal.status import CHANGE_LABELS
from qms.models import LegalReview, Organization, Procedure


def _listed_on(procedure: Procedure, day: date) -> bool:
    created = state_on.local_day(procedure.created_at)
    abolished = state_on.local_day(procedure.abolished_at) if procedure.is_abolished else None
    return (created is None or created <= day) and (abolished is None or abolished > day)


def coverage_on(session: Session, organization: Organization, day: date) -> dict[str, Any]:
    """How many procedures listed on ``day`` had a document in force that day, and which."""
    procedures = session.scalars(
        select(Procedure).where(Procedure.organization_id == organization.id).order_by(Procedure.code)
    )
    listed = [procedure for procedure in procedures if _listed_on(procedure, day)]
    in_force = [revision.document for revision in state_on.effective_on(session, organization.id, day)]
    codes = document_codes(session, in_force)
    links: dict[str, list[tuple[str, str]]] = {}
    for document in in_force:
        for code in codes[document.id]:
            links.setdefault(national_part(code), []).append((code, document.code))
    covered, uncovered = [], []
    for procedure in listed:
        candidates = links.get(national_part(procedure.code), [])
        document_code = next((doc for code, doc in candidates if codes_match(code, procedure.code)), None)
        entry = {"code": procedure.code, "name": procedure.name, "field": procedure.field}
        if document_code is None:
            uncovered.append(entry)
        else:
            covered.append({**entry, "document": document_code})
    total = len(listed)
    return {
        "as_of": day.isoformat(),
        "covered": len(covered),
        "total": total,
        "percent": round(100 * len(covered) / total, 1) if total else 0.0,
        "covered_procedures": covered,
        "uncovered_procedures": uncovered,
    }


def legal_reviews_on(session: Session, organization: Organization, day: date) -> dict[str, Any]:
    """Every review item opened by ``day``, open or closed as it stood at the end of that day."""
    reviews = session.scalars(
        select(LegalReview)
        .where(LegalReview.organization_id == organization.id)
        .options(selectinload(LegalReview.document), selectinload(LegalReview.revision))
        .order_by(LegalReview.id)
    )
    items = []
    for review in reviews:
        opened = state_on.local_day(review.opened_at)
        if opened is None or opened > day:
            continue
        closed = state_on.local_day(review.closed_at)
        is_closed = closed is not None and closed <= day
        items.append({
            "document": review.document.code,
            "revision": review.revision.number,
            "cited": review.cited.number,
            "change": review.change.value,
            "change_label": CHANGE_LABELS[review.change],
            "trigger": review.trigger.number,
            "since": review.since.isoformat() if review.since else None,
            "opened_on": opened.isoformat(),
            "state": "closed" if is_closed else "open",
            "closed_on": closed.isoformat() if is_closed and closed else None,
            "resolution": review.resolution if is_closed else None,
            "resolution_label": RESOLUTION_LABELS.get(review.resolution or "") if is_closed else None,
            "reason": review.reason if is_closed else None,
            "closed_by": review.closed_by_name if is_closed else None,
        })
    return {
        "as_of": day.isoformat(),
        "open": sum(1 for item in items if item["state"] == "open"),
        "closed": sum(1 for item in items if item["state"] == "closed"),
        "items": items,
    }
