"""Review items: a current process cites a legal document that has since been amended or replaced.

A citation needs review when the cited document is replaced as of today (whatever the revision's date),
or amended by a document that took effect after the revision did (an older amendment was already taken in).
``refresh_reviews`` opens the missing items and closes those whose revision is no longer current; an
approver closes an item by recording that the process was reviewed and needs no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, scoped_session, selectinload

from qms import clock, listing
from qms.accounts import permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Conflict, Invalid, NotFound
from qms.legal.status import LegalStatus, incoming_relations, status_on, triggers
from qms.models import (
    Citation,
    Document,
    LegalDocument,
    LegalRelation,
    LegalReview,
    Organization,
    RelationKind,
    ReviewState,
    Revision,
    RevisionStatus,
    Role,
    User,
)
from qms.notices import events, notify, with_roles

STATES = ("open", "closed", "all")
NEW_REVISION, WITHDRAWN, NO_CHANGE, NOT_APPLICABLE = "new_revision", "withdrawn", "no_change", "not_applicable"
RESOLUTION_LABELS = {
    NEW_REVISION: "Đã ban hành phiên bản mới",
    WITHDRAWN: "Tài liệu đã bị thu hồi",
    NO_CHANGE: "Đã rà soát, không cần sửa đổi",
    NOT_APPLICABLE: "Không còn áp dụng (căn cứ pháp lý đã được sửa)",
}


@dataclass(frozen=True)
class ReviewItem:
    review: LegalReview
    #: Days since the change applied (or the item was opened), until today or until it was closed.
    age_days: int


@dataclass(frozen=True)
class _Need:
    organization_id: int
    document_id: int
    revision_id: int
    cited_id: int
    trigger: LegalDocument
    change: RelationKind

    @property
    def key(self) -> tuple[int, int, int]:
        return self.revision_id, self.cited_id, self.trigger.id


@dataclass(frozen=True)
class _Plan:
    to_open: list[_Need]
    to_close: list[tuple[int, str]]


# --- keeping the items current ----------------------------------------------------------------


def refresh_reviews(session: Session, today: date) -> int:
    """Open the missing items and close the stale ones; how many were opened or closed. Idempotent.

    Inside a unit of work already under way it works in it; otherwise it opens its own, only when there is work.
    """
    if isinstance(session, scoped_session):
        session = session()
    if _inside_unit_of_work(session):
        return _apply(session, _plan(session, today))
    plan = _plan(session, today)
    if not plan.to_open and not plan.to_close:
        return 0
    with unit_of_work(session):
        return _apply(session, _plan(session, today))


def _inside_unit_of_work(session: Session) -> bool:
    if not session.in_transaction():
        return False
    if session.new or session.dirty or session.deleted:
        return True
    return bool(session.connection().get_execution_options().get("qms_write"))


def _plan(session: Session, today: date) -> _Plan:
    needed = _needed(session, today)
    existing = set(
        session.execute(
            select(LegalReview.revision_id, LegalReview.cited_id, LegalReview.trigger_id)
            .join(Revision, LegalReview.revision_id == Revision.id)
            .where(Revision.status == RevisionStatus.EFFECTIVE)
        )
    )
    to_open = [need for key, need in needed.items() if key not in existing]
    return _Plan(to_open, _stale(session))


def _needed(session: Session, today: date) -> dict[tuple[int, int, int], _Need]:
    """Every (current revision, cited document, trigger) the rule says must be reviewed."""
    rows = session.execute(
        select(
            Citation.revision_id,
            Citation.legal_document_id,
            Revision.document_id,
            Revision.effective_from,
            Document.organization_id,
        )
        .join(Revision, Citation.revision_id == Revision.id)
        .join(Document, Revision.document_id == Document.id)
        .where(Revision.status == RevisionStatus.EFFECTIVE)
        # Only a document something amends or replaces can need a review.
        .where(Citation.legal_document_id.in_(select(LegalRelation.target_id)))
    ).all()
    cited_ids = {row.legal_document_id for row in rows}
    cited = {d.id: d for d in session.scalars(select(LegalDocument).where(LegalDocument.id.in_(cited_ids)))}
    incoming = incoming_relations(session, cited_ids)
    needed: dict[tuple[int, int, int], _Need] = {}
    for row in rows:
        relations = incoming.get(row.legal_document_id, [])
        status = status_on(cited[row.legal_document_id], relations, today)
        if status is LegalStatus.REPLACED:
            change, found = RelationKind.REPLACES, triggers(relations, RelationKind.REPLACES, today)
        elif status is LegalStatus.AMENDED:
            change = RelationKind.AMENDS
            found = [t for t in triggers(relations, change, today) if _newer(t.effective_from, row.effective_from)]
        else:
            continue
        for trigger in found:
            need = _Need(row.organization_id, row.document_id, row.revision_id, row.legal_document_id, trigger, change)
            needed[need.key] = need
    return needed


def _newer(trigger_from: date | None, revision_from: date | None) -> bool:
    """An amendment after the revision took effect; with a date unknown, assume it was not taken in."""
    return trigger_from is None or revision_from is None or trigger_from > revision_from


def _stale(session: Session) -> list[tuple[int, str]]:
    """Open items to close: the revision is no longer current, no longer cites the document, or the relation is gone."""
    open_items = list(
        session.execute(
            select(LegalReview.id, LegalReview.revision_id, LegalReview.cited_id, LegalReview.trigger_id,
                   LegalReview.change, Revision.status)
            .join(Revision, LegalReview.revision_id == Revision.id)
            .where(LegalReview.state == ReviewState.OPEN)
        )
    )
    if not open_items:
        return []
    revision_ids = {item[1] for item in open_items}
    cited_ids = {item[2] for item in open_items}
    citations = set(
        session.execute(
            select(Citation.revision_id, Citation.legal_document_id).where(Citation.revision_id.in_(revision_ids))
        )
    )
    relations = set(
        session.execute(
            select(LegalRelation.source_id, LegalRelation.target_id, LegalRelation.kind).where(
                LegalRelation.target_id.in_(cited_ids)
            )
        )
    )
    stale = []
    for review_id, revision_id, cited_id, trigger_id, change, status in open_items:
        if status is RevisionStatus.OBSOLETE:
            stale.append((review_id, WITHDRAWN))
        elif status is not RevisionStatus.EFFECTIVE:
            stale.append((review_id, NEW_REVISION))
        elif (revision_id, cited_id) not in citations or (trigger_id, cited_id, change) not in relations:
            stale.append((review_id, NOT_APPLICABLE))
    return stale


def _apply(session: Session, plan: _Plan) -> int:
    done = 0
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for need in plan.to_open:
        # Another transaction may open the same item at the same moment: the unique key decides, quietly.
        review_id = session.scalar(
            insert(LegalReview)
            .values(
                organization_id=need.organization_id,
                document_id=need.document_id,
                revision_id=need.revision_id,
                cited_id=need.cited_id,
                trigger_id=need.trigger.id,
                change=need.change,
                since=need.trigger.effective_from,
                state=ReviewState.OPEN,
                opened_at=clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["revision_id", "cited_id", "trigger_id"])
            .returning(LegalReview.id)
        )
        if review_id is None:
            continue
        review = session.get_one(LegalReview, review_id)
        trail.record(session, "legal_review_open", actor=None, revision=review.revision, details=_details(review))
        _tell_opened(session, review)
        done += 1
    now = clock.now()
    for review_id, resolution in plan.to_close:
        closed = cast(CursorResult[Any], session.execute(  # a DML statement's result is a CursorResult
            update(LegalReview)
            .where(LegalReview.id == review_id, LegalReview.state == ReviewState.OPEN)
            .values(state=ReviewState.CLOSED, closed_at=now, resolution=resolution)
            .execution_options(synchronize_session="fetch")
        ))
        if not closed.rowcount:
            continue
        review = session.get_one(LegalReview, review_id)
        trail.record(
            session,
            "legal_review_close",
            actor=None,
            revision=review.revision,
            details={**_details(review), "resolution": resolution},
            at=now,
        )
        done += 1
    return done


def _tell_opened(session: Session, review: LegalReview) -> None:
    """The organisation's secretaries and approvers learn that a process must be reviewed, and where."""
    notify(
        session,
        recipients=with_roles(session, review.organization_id, (Role.SECRETARY, Role.APPROVER)),
        event=events.LEGAL_REVIEW_OPENED,
        params={"code": review.document.code, "title": review.document.title, "cited": review.cited.number,
                "trigger": review.trigger.number, "change": review.change.value},
        link=events.legal_review_page(session.get_one(Organization, review.organization_id).code, review.id),
    )


def _details(review: LegalReview) -> dict[str, object]:
    return {
        "review_id": review.id,
        "cited": review.cited.number,
        "trigger": review.trigger.number,
        "change": review.change.value,
        "since": review.since.isoformat() if review.since else None,
    }


# --- an approver's decision --------------------------------------------------------------------


def resolve(session: Session, actor: User, review_id: int, reason: str | None) -> LegalReview:
    """Close an open item as "reviewed, no change needed", with the reason; the organisation's approvers do."""
    visible = _visible(session, actor, review_id)
    permissions.require_role(actor, (Role.APPROVER,), visible.organization_id)
    reason = (reason or "").replace("\x00", "").strip()
    with unit_of_work(session):
        review = session.scalar(
            select(LegalReview)
            .where(LegalReview.id == review_id)
            .with_for_update(of=LegalReview)
            .execution_options(populate_existing=True)
        )
        if review is None or review.state is not ReviewState.OPEN:
            raise Conflict("Mục rà soát này đã được đóng trước đó.", code="review_closed")
        if not reason:
            raise Invalid("Cần ghi lý do khi xác nhận không cần sửa đổi quy trình.", code="reason_required")
        review.state = ReviewState.CLOSED
        review.closed_at = clock.now()
        review.resolution = NO_CHANGE
        review.reason = reason
        review.closed_by_name = actor.full_name
        review.closed_by_title = actor.title
        trail.record(
            session,
            "legal_review_resolve",
            actor=actor,
            revision=review.revision,
            details={**_details(review), "resolution": NO_CHANGE, "reason": reason},
            at=review.closed_at,
        )
    return review


# --- reading -----------------------------------------------------------------------------------


def _reviewed_organization(session: Session, viewer: User, organization_code: str, state: str) -> Organization:
    """The organisation whose items the viewer asks for: the control roles of it, and inspectors; a known state."""
    organization = session.scalar(select(Organization).where(Organization.code == (organization_code or "").strip()))
    if (
        organization is None
        or not permissions.can_read(viewer, organization.id)
        or not permissions.sees_non_current(viewer)
    ):
        raise NotFound("Không tìm thấy đơn vị.")
    if state not in STATES:
        raise Invalid("Trạng thái phải là một trong: open, closed, all.", code="invalid_state")
    return organization


def reviews(
    session: Session, viewer: User, organization_code: str, state: str = "open", *, today: date | None = None
) -> list[ReviewItem]:
    """An organisation's items, open first, oldest first, with their age in days; for the control roles."""
    organization = _reviewed_organization(session, viewer, organization_code, state)
    query = (
        select(LegalReview)
        .where(LegalReview.organization_id == organization.id)
        .options(selectinload(LegalReview.document), selectinload(LegalReview.revision))
    )
    if state != "all":
        query = query.where(LegalReview.state == ReviewState(state))
    today = today or clock.today()
    items = [ReviewItem(review, age_days(review, today)) for review in session.scalars(query)]
    items.sort(key=lambda item: (item.review.state is not ReviewState.OPEN, _start(item.review), item.review.id))
    return items


_CITED = aliased(LegalDocument)

#: How the review items sort: open first and oldest change first (the default), by document or by cited number.
REVIEW_SORTING = listing.Sorting(
    columns={
        "since": (case((LegalReview.state == ReviewState.OPEN, 0), else_=1), LegalReview.since, LegalReview.opened_at),
        "document": (Document.code,),
        "cited": (_CITED.number,),
        "opened_at": (LegalReview.opened_at,),
    },
    default="since",
    tiebreak=(LegalReview.id,),
)


def reviews_page(
    session: Session,
    viewer: User,
    organization_code: str,
    request: listing.ListRequest | None = None,
    state: str = "open",
    *,
    today: date | None = None,
) -> listing.ListPage[ReviewItem]:
    """A page of an organisation's items with their age in days, for the control roles; the text matches the
    document's code and title and the cited number, with or without diacritics."""
    organization = _reviewed_organization(session, viewer, organization_code, state)
    query = (
        select(LegalReview)
        .join(Document, Document.id == LegalReview.document_id)
        .join(_CITED, _CITED.id == LegalReview.cited_id)
        .where(LegalReview.organization_id == organization.id)
        .options(selectinload(LegalReview.document), selectinload(LegalReview.revision))
    )
    if state != "all":
        query = query.where(LegalReview.state == ReviewState(state))
    text = (Document.code, Document.title, _CITED.number)
    found = listing.page_of(session, query, request or listing.ListRequest(), REVIEW_SORTING, text=text)
    today = today or clock.today()
    return found.map(lambda review: ReviewItem(review, age_days(review, today)))


def get_review(session: Session, viewer: User, review_id: int) -> LegalReview:
    return _visible(session, viewer, review_id)


def open_cited_ids(session: Session, revision_id: int) -> set[int]:
    """The cited documents of a revision that have an open item."""
    return set(
        session.scalars(
            select(LegalReview.cited_id).where(
                LegalReview.revision_id == revision_id, LegalReview.state == ReviewState.OPEN
            )
        )
    )


def _visible(session: Session, viewer: User, review_id: int) -> LegalReview:
    review = session.get(LegalReview, review_id)
    if (
        review is None
        or not permissions.can_read(viewer, review.organization_id)
        or not permissions.sees_non_current(viewer)
    ):
        raise NotFound("Không tìm thấy mục rà soát.")
    return review


def _start(review: LegalReview) -> date:
    return review.since or review.opened_at.date()


def age_days(review: LegalReview, today: date) -> int:
    """Days since the change applied (or the item opened), until today or until it was closed."""
    end = review.closed_at.date() if review.closed_at is not None else today
    return max((end - _start(review)).days, 0)
