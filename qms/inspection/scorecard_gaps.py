"""The scorecard's gaps of many organisations at once, for the province overview: each check of ``scorecard``
answered for all of them by one query (or one read grouped here), by the same rules, on the same day.

Only the codes of the gaps come out, which is what an overview row shows; ``scorecard.of_organization`` draws up one
organisation's card with its details and evidence. A test holds the two to the same answers.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from qms.catalogue import coverage
from qms.catalogue.codes import codes_match
from qms.documents import as_of
from qms.errors import Invalid
from qms.inspection.scorecard import CODES, LEGAL_REVIEW_DAYS, YEARLY
from qms.models import (
    AcknowledgementRequest,
    AuditFinding,
    CorrectiveAction,
    Document,
    DocumentKind,
    InternalAudit,
    LegalReview,
    ManagementReview,
    Organization,
    PeriodicReview,
    Publication,
    QualityObjective,
    Revision,
    RevisionStatus,
)
from qms.periodic_review import schedule
from qms.records import corrective_actions, ownership
from qms.records.objectives import check_year


def gaps_on(
    session: Session, organizations: list[Organization], day: date,
    lists: dict[int, coverage.ListCoverage] | None = None,
) -> dict[int, tuple[str, ...]]:
    """Per organisation, the codes of the gaps ``scorecard.of_organization(today=day)`` finds (its year, as of
    ``day``), in the scorecard's order; none for a day outside the years a scorecard counts. ``lists``: their
    ``coverage.counts_on`` of that day, when the caller has read it already."""
    try:
        year = check_year(day.year)
    except Invalid:
        return {organization.id: () for organization in organizations}
    ids = [organization.id for organization in organizations]
    owners = as_of.owners_on(ids, day)
    in_force = (
        select(owners.c.organization_id, Revision.id.label("revision_id"), Revision.document_id,
               Revision.effective_from, Document.kind, Document.review_interval_months)
        .join(Document, Document.id == owners.c.document_id).join(Revision, Revision.document_id == Document.id)
        .where(as_of.status_on_clause(RevisionStatus.EFFECTIVE, day))
        .subquery("in_force")
    )
    found: dict[str, set[int]] = {code: set() for code in CODES}
    kinds, found["periodic_review_overdue"], found["acknowledgement_incomplete"] = _in_force_gaps(
        session, in_force, year, day)
    found["policy_missing"] = set(ids) - kinds[DocumentKind.POLICY]
    found["system_procedures_missing"] = set(ids) - kinds[DocumentKind.SYSTEM_PROCEDURE]
    approved = _holders(session, QualityObjective, ids, day, QualityObjective.year == year,
                        QualityObjective.approved_at < as_of.day_end(day), own_only=True)
    found["objectives_missing"] = set(ids) - approved - kinds[DocumentKind.OBJECTIVES]
    if lists is None:
        lists = coverage.counts_on(session, organizations, day)
    found["coverage_incomplete"] = {organization_id for organization_id, list_ in lists.items() if list_.uncovered}
    found["internal_audit_missing"] = set(ids) - _holders(
        session, InternalAudit, ids, day, InternalAudit.starts_on <= day, InternalAudit.ends_on > day - YEARLY)
    found["management_review_missing"] = set(ids) - _holders(
        session, ManagementReview, ids, day, ManagementReview.held_on <= day, ManagementReview.held_on > day - YEARLY)
    found["publication_missing"], found["republication_needed"] = _publications(session, ids, lists, day)
    found["corrective_action_overdue"] = _overdue_actions(session, ids, day)
    found["legal_review_overdue"] = _late_legal_reviews(session, ids, day)
    return {organization_id: tuple(code for code in CODES if organization_id in found[code]) for organization_id in ids}


def _holders(session: Session, model: Any, ids: list[int], day: date, *conditions: ColumnElement[bool],
             own_only: bool = False) -> set[int]:
    """Those of ``ids`` holding on ``day`` a record of ``model`` that meets the conditions (``ownership.held_by``'s
    rule: a merged organisation holds its predecessors' records); with ``own_only``, one it made itself."""
    holder = ownership.holder_on(model, day)
    own = [holder == ownership.maker(model)] if own_only else []
    return set(session.scalars(select(holder).where(holder.in_(ids), *own, *conditions).distinct()))


def _in_force_gaps(
    session: Session, in_force: Subquery, year: int, day: date
) -> tuple[dict[DocumentKind, set[int]], set[int], set[int]]:
    """What the documents in force on ``day`` answer, in one reading of them: which organisations have a policy,
    system procedures, and objectives issued as a document for ``year``; which have one past its review day
    (``schedule.due_on_day``'s rule); which were asked to read one with someone who had not confirmed it by then
    (``acknowledgement_status.rates_on_day``'s counts: fewer confirmations than people still asked)."""
    wanted = (DocumentKind.POLICY, DocumentKind.SYSTEM_PROCEDURE, DocumentKind.OBJECTIVES)
    counted = and_(in_force.c.kind.in_(wanted),
                   or_(in_force.c.kind != DocumentKind.OBJECTIVES,
                       in_force.c.effective_from.between(date(year, 1, 1), date(year, 12, 31))))
    last = (select(PeriodicReview.document_id, func.max(PeriodicReview.reviewed_on).label("reviewed_on"))
            .where(PeriodicReview.reviewed_on <= day).group_by(PeriodicReview.document_id).subquery())
    start = case((last.c.reviewed_on > in_force.c.effective_from, last.c.reviewed_on),
                 else_=in_force.c.effective_from)
    late = and_(in_force.c.effective_from.is_not(None),
                schedule.due_before(start, in_force.c.review_interval_months, day, schedule.intervals(session)))
    end = as_of.day_end(day)
    request = AcknowledgementRequest
    # Confirmations fall short of the people asked exactly when someone still asked had not confirmed.
    unconfirmed = select(request.id).where(
        request.revision_id == in_force.c.revision_id, request.requested_at < end,
        or_(request.acknowledged_at.is_(None), request.acknowledged_at >= end),
        or_(request.closed_at.is_(None), request.closed_at >= end),
    ).exists()
    found: dict[DocumentKind, set[int]] = {kind: set() for kind in wanted}
    overdue: set[int] = set()
    unread: set[int] = set()
    rows = session.execute(
        select(in_force.c.organization_id, in_force.c.kind, func.max(case((counted, 1), else_=0)),
               func.max(case((late, 1), else_=0)), func.max(case((unconfirmed, 1), else_=0)))
        .outerjoin(last, last.c.document_id == in_force.c.document_id)
        .group_by(in_force.c.organization_id, in_force.c.kind)
    )
    for organization_id, kind, has_kind, has_late, has_unread in rows:
        if has_kind:
            found[kind].add(organization_id)
        if has_late:
            overdue.add(organization_id)
        if has_unread:
            unread.add(organization_id)
    return found, overdue, unread


def _publications(
    session: Session, ids: list[int], lists: dict[int, coverage.ListCoverage], day: date
) -> tuple[set[int], set[int]]:
    """Those without a publication of their own made known by ``day`` (a predecessor's decision does not cover a
    merged organisation), and those whose list changed since their latest one."""
    holder = ownership.holder_on(Publication, day)
    latest: dict[int, Publication] = {}
    for signed, organization_id in session.execute(
        select(Publication, holder).where(holder.in_(ids), holder == ownership.maker(Publication),
                                          Publication.signed_on <= day)
        .order_by(Publication.signed_on.desc(), Publication.id.desc())
    ):
        latest.setdefault(organization_id, signed)
    # A former agency's decision published that agency's scope: the organisation formed from it publishes anew.
    carried = set(session.scalars(
        select(holder).where(holder.in_(ids), holder != ownership.maker(Publication), Publication.signed_on <= day)
    ))
    unpublished, changed = set(), set()
    for organization_id in ids:
        publication = latest.get(organization_id)
        if publication is None:
            unpublished.add(organization_id)
            if organization_id in carried:
                changed.add(organization_id)
            continue
        made_known = (publication.posted_office_on, publication.posted_website_on, publication.notified_on)
        if any(known is None or known > day for known in made_known):
            unpublished.add(organization_id)
        listed, scope = lists[organization_id].listed, publication.scope
        added = any(not any(codes_match(code, listed_code) for code in scope) for listed_code in listed)
        removed = any(not any(codes_match(code, listed_code) for listed_code in listed) for code in scope)
        if added or removed:
            changed.add(organization_id)
    return unpublished, changed


def _overdue_actions(session: Session, ids: list[int], day: date) -> set[int]:
    """Those holding on ``day`` an audit with a corrective action recorded by then and still open past its due
    day."""
    holder = ownership.holder_on(InternalAudit, day)
    rows = session.execute(
        select(CorrectiveAction, holder).join(CorrectiveAction.finding).join(AuditFinding.audit)
        .where(holder.in_(ids), CorrectiveAction.created_at < as_of.day_end(day))
        .options(selectinload(CorrectiveAction.finding).selectinload(AuditFinding.audit),
                 selectinload(CorrectiveAction.finding).selectinload(AuditFinding.documents))
    )
    return {organization_id for action, organization_id in rows if corrective_actions.state_on(action, day).overdue}


def _late_legal_reviews(session: Session, ids: list[int], day: date) -> set[int]:
    """Those with a legal review open at the end of ``day`` for more than LEGAL_REVIEW_DAYS."""
    end = as_of.day_end(day)
    started_by = day - timedelta(days=LEGAL_REVIEW_DAYS + 1)
    return set(session.scalars(
        select(LegalReview.organization_id).where(
            LegalReview.organization_id.in_(ids),
            or_(LegalReview.opened_at.is_(None), LegalReview.opened_at < end),
            or_(LegalReview.closed_at.is_(None), LegalReview.closed_at >= end),
            or_(LegalReview.since <= started_by,
                and_(LegalReview.since.is_(None), LegalReview.opened_at < as_of.day_end(started_by))),
        ).distinct()
    ))
