"""Coverage and legal-review status of an organisation as of a day, as JSON values for the inspection dossier.

Coverage is ``qms.catalogue.coverage.coverage_on``; review items count as they stood at the end of that day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from qms import clock
from qms.catalogue import coverage
from qms.documents import as_of
from qms.legal.reviews import RESOLUTION_LABELS
from qms.legal.status import CHANGE_LABELS
from qms.models import Document, LegalReview, Organization, Procedure


def _entry(procedure: Procedure) -> dict[str, Any]:
    return {"code": procedure.code, "name": procedure.name, "field": procedure.field}


def coverage_on(session: Session, organization: Organization, day: date) -> dict[str, Any]:
    """How many procedures listed on ``day`` had a document in force that day, and which."""
    matched, not_covered = coverage.coverage_on(session, organization, day)
    covered = [{**_entry(item.procedure), "document": item.document.code} for item in matched]
    uncovered = [_entry(procedure) for procedure in not_covered]
    total = len(covered) + len(uncovered)
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
        .where(LegalReview.document_id.in_(select(Document.id).where(as_of.owned_on(organization.id, day))))
        .options(selectinload(LegalReview.document), selectinload(LegalReview.revision))
        .order_by(LegalReview.id)
    )
    items = []
    for review in reviews:
        opened = clock.local_day(review.opened_at)
        if opened is None or opened > day:
            continue
        closed = clock.local_day(review.closed_at)
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
