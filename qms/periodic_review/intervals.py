"""How often a document is reviewed: the kind's default, or the organisation's own interval for that kind.

The interval is kept on the document (``review_interval_months``): set when it is created and again whenever its
organisation changes the interval of its kind, so the schedule reads it without looking further."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qms import listing
from qms.accounts import permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.documents import workflow
from qms.errors import Invalid, NotFound
from qms.models import Document, DocumentKind, Organization, ReviewInterval, User

#: Months between reviews by kind: processes yearly; the policy and the manual, which change rarely, every two years.
DEFAULT_MONTHS: dict[DocumentKind, int] = {
    kind: 24 if kind in (DocumentKind.POLICY, DocumentKind.MANUAL) else 12 for kind in DocumentKind
}
#: An interval is whole months, from one to five years.
MIN_MONTHS, MAX_MONTHS = 1, 60


def months_for(session: Session, organization_id: int, kind: DocumentKind) -> int:
    """The organisation's interval for the kind, else the kind's default."""
    own = session.scalar(
        select(ReviewInterval.months).where(ReviewInterval.organization_id == organization_id,
                                            ReviewInterval.kind == kind)
    )
    return own if own is not None else DEFAULT_MONTHS[kind]


def for_organization(session: Session, viewer: User, organization_code: str) -> dict[DocumentKind, tuple[int, bool]]:
    """Every kind's interval in months, and whether it is the organisation's own (True) or the default."""
    organization = _organization(session, viewer, organization_code)
    own = dict(session.execute(
        select(ReviewInterval.kind, ReviewInterval.months).where(ReviewInterval.organization_id == organization.id)
    ).all())
    return {kind: (own[kind], True) if kind in own else (DEFAULT_MONTHS[kind], False) for kind in DocumentKind}


@dataclass(frozen=True)
class KindInterval:
    kind: DocumentKind
    months: int
    #: The organisation's own interval (False: the kind's default).
    own: bool


#: The keys a list of intervals sorts by; the first (the kinds in their order) is the default.
SORT_KEYS = ("kind", "months")
_KIND_ORDER = {kind: index for index, kind in enumerate(DocumentKind)}


def intervals_page(
    session: Session, viewer: User, organization_code: str, request: listing.ListRequest
) -> listing.ListPage[KindInterval]:
    """A page of every kind's interval (``for_organization``), the kinds in their order unless asked otherwise; the
    text matches the kind."""
    key = listing.check_sort(request, SORT_KEYS)
    rows = [KindInterval(kind, months, own)
            for kind, (months, own) in for_organization(session, viewer, organization_code).items()
            if listing.matches(request.q, kind.value)]
    rows.sort(key=lambda row: (row.months if key == "months" else 0, _KIND_ORDER[row.kind]), reverse=request.descending)
    return listing.page_of_list(rows, request)


def set_interval(
    session: Session, actor: User, organization_code: str, kind: DocumentKind, months: int | None
) -> int:
    """Set the organisation's interval for a kind (None: back to the default); its documents of that kind follow."""
    organization = _organization(session, actor, organization_code)
    permissions.require_role(actor, workflow.REVIEW_INTERVAL_ROLES, organization.id)
    if months is not None and not MIN_MONTHS <= months <= MAX_MONTHS:
        raise Invalid("Chu kỳ xem xét phải từ 1 đến 60 tháng.", code="invalid_interval")
    with unit_of_work(session):
        row = session.scalar(
            select(ReviewInterval).where(ReviewInterval.organization_id == organization.id,
                                         ReviewInterval.kind == kind)
        )
        before = row.months if row is not None else None
        if months is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(ReviewInterval(organization_id=organization.id, kind=kind, months=months))
        else:
            row.months = months
        effective = months if months is not None else DEFAULT_MONTHS[kind]
        session.execute(
            update(Document).where(Document.organization_id == organization.id, Document.kind == kind)
            .values(review_interval_months=effective)
        )
        trail.record(session, "review_interval", actor=actor, organization_id=organization.id,
                     details={"kind": kind.value, "before": before, "after": months, "months": effective})
    return effective


def _organization(session: Session, viewer: User, organization_code: str) -> Organization:
    organization = session.scalar(select(Organization).where(Organization.code == organization_code.strip()))
    if organization is None or not permissions.can_read(viewer, organization.id):
        raise NotFound("Không tìm thấy đơn vị.")
    return organization
