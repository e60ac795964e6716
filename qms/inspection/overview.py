"""The province overview for inspectors: every organisation side by side, one row each.

A row counts the organisation's documents by kind (withdrawn ones not counted), its processes in force,
coverage, open legal reviews, processes with conformity findings (when ``qms.conformity`` is there),
revisions awaiting approval, documents past their periodic review, the date of the last approval, and
whether its entries of the audit chain verify. The chain is walked once for all rows.

As of a past day the rows are the organisations that existed that day, under the parents of that day, each
counting what it owned then (its documents by their ownership intervals, each revision's status that day,
coverage against the catalogue it held that day); the organisations merged or split by then are listed apart,
marked with what they became and from when.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qms import clock, conformity, listing
from qms.accounts import permissions, tree_as_of
from qms.accounts.tree_as_of import FormerOrganization, TreeOn
from qms.acknowledgements import status as acknowledgement_status
from qms.audit.anchors import Anchor, AnchorFile
from qms.audit.chain import ChainHealth, check_chain
from qms.catalogue import coverage
from qms.documents import as_of as documents_as_of
from qms.errors import Forbidden, Invalid, NotFound
from qms.inspection import scorecard
from qms.inspection.dashboard import add_months, overdue_reviews
from qms.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    LegalReview,
    Organization,
    ReviewState,
    Revision,
    RevisionCheck,
    RevisionStatus,
    User,
)
from qms.text.vietnamese import fold

SORTS = {
    "name": "Tên đơn vị",
    "code": "Mã đơn vị",
    "documents": "Số tài liệu",
    "processes": "Quy trình đang hiệu lực",
    "coverage": "Tỷ lệ bao phủ",
    "reviews": "Rà soát pháp lý đang mở",
    "findings": "Quy trình có phát hiện",
    "awaiting": "Chờ phê duyệt",
    "overdue": "Quá hạn xem xét",
    "acknowledged": "Tỷ lệ đã đọc",
    "last_approval": "Phê duyệt gần nhất",
    "chain": "Nhật ký toàn vẹn",
    "gaps": "Tồn tại, hạn chế",
}


@dataclass(frozen=True)
class OverviewRow:
    organization: Organization
    documents_by_kind: dict[DocumentKind, int]
    effective_processes: int
    covered: int
    listed: int
    coverage_percent: float
    open_reviews: int
    #: None when the conformity checks are not installed.
    processes_with_findings: int
    awaiting_approval: int
    overdue_reviews: int
    last_approval: datetime | None
    chain_ok: bool
    #: Its parent on the day of the overview.
    parent: Organization | None = None
    #: The codes of the scorecard's gaps (this year, as of today).
    scorecard_gaps: tuple[str, ...] = ()
    #: Confirmations «đã đọc và hiểu» of the revisions in force, out of the people asked to read them.
    acknowledged: int = 0
    acknowledgement_required: int = 0

    @property
    def documents(self) -> int:
        return sum(self.documents_by_kind.values())

    @property
    def acknowledgement_percent(self) -> float | None:
        if not self.acknowledgement_required:
            return None
        return round(100 * self.acknowledged / self.acknowledgement_required, 1)


@dataclass
class Overview:
    rows: list[OverviewRow]
    chain: ChainHealth
    parents: list[tuple[int, Organization]] = field(default_factory=list)
    parent: Organization | None = None
    sort: str = "name"
    descending: bool = False
    #: The day the rows answer for (today unless asked).
    as_of: date | None = None
    #: The organisations merged or split by that day, with what they became.
    former: list[FormerOrganization] = field(default_factory=list)


def require_inspector(viewer: User) -> None:
    """The overview crosses organisations: inspectors only."""
    if not permissions.sees_all_organizations(viewer):
        raise Forbidden("Chỉ đoàn kiểm tra xem được tổng quan các đơn vị trong tỉnh.", code="role_required")


def overview(
    session: Session,
    viewer: User,
    *,
    today: date,
    parent_code: str | None = None,
    sort: str = "name",
    descending: bool = False,
    anchor_file: AnchorFile | None = None,
    as_of: date | None = None,
) -> Overview:
    """One row per organisation that existed on ``as_of`` (default today; under ``parent_code`` when given, the
    parent included), sorted; the chain head it saw is anchored, so entries removed after an inspection are found
    by ``verify``."""
    require_inspector(viewer)
    if sort not in SORTS:
        raise Invalid(f"Cách sắp xếp phải là một trong: {', '.join(SORTS)}.", code="invalid_sort")
    day = as_of or today
    if day > today:
        raise Invalid("Ngày xem không được sau ngày hôm nay.", code="as_of_future")
    tree = tree_as_of.organizations_on(session, day)
    parent = None
    entries = tree.organizations
    former = tree.former
    if parent_code:
        parent = tree.by_code(parent_code)
        if parent is None:
            raise NotFound("Không tìm thấy đơn vị.")
        below = tree.below(parent.id)
        entries = [entry for entry in entries if entry.organization.id in below]
        former = [f for f in former if any(s.id in below for s in f.successors)]
    chain = check_chain(session, anchor_file)
    if anchor_file is not None and chain.ok:
        anchor_file.try_append(Anchor(today, chain.head_seq, chain.head_hash, f"overview:{viewer.username}"))
    if day < today:
        rows = [_row_on(session, entry.organization, entry.parent, chain, day) for entry in entries]
    else:
        counts = _Counts(session)
        rows = [_row(session, viewer, entry.organization, entry.parent, counts, chain, today) for entry in entries]
    rows.sort(key=lambda row: _sort_key(row, sort), reverse=descending)
    parents = [(entry.depth, entry.organization) for entry in tree.parents()]
    return Overview(rows, chain, parents, parent, sort, descending, as_of=day, former=former)


def organizations_on(session: Session, day: date) -> TreeOn:
    """The organisation tree of ``day`` (what existed, under which parent, what had been merged or split)."""
    return tree_as_of.organizations_on(session, day)


class _Counts:
    """The per-organisation numbers that one grouped query each answers for all organisations."""

    def __init__(self, session: Session) -> None:
        active = Document.status == DocumentStatus.ACTIVE
        self.by_kind: dict[int, Counter[DocumentKind]] = {}
        for organization_id, kind, count in session.execute(
            select(Document.organization_id, Document.kind, func.count()).where(active)
            .group_by(Document.organization_id, Document.kind)
        ):
            self.by_kind.setdefault(organization_id, Counter())[kind] = count
        self.processes = self._per_organization(session, select(Document.organization_id, func.count(Revision.id))
            .join(Revision.document).where(active, Document.kind == DocumentKind.PROCESS,
                                           Revision.status == RevisionStatus.EFFECTIVE))
        self.awaiting = self._per_organization(session, select(Document.organization_id, func.count(Revision.id))
            .join(Revision.document).where(Revision.status == RevisionStatus.REVIEWED))
        self.reviews = self._per_organization(session, select(LegalReview.organization_id, func.count(LegalReview.id))
            .where(LegalReview.state == ReviewState.OPEN))
        self.acknowledgements = acknowledgement_status.rates(session)
        self.last_approval: dict[int, datetime | None] = dict(
            session.execute(select(Document.organization_id, func.max(Revision.approved_at)).join(Revision.document)
                            .group_by(Document.organization_id)).all()
        )

    @staticmethod
    def _per_organization(session: Session, query: Any) -> dict[int, int]:
        return dict(session.execute(query.group_by(query.selected_columns[0])).all())


def _row(
    session: Session,
    viewer: User,
    organization: Organization,
    parent: Organization | None,
    counts: _Counts,
    chain: ChainHealth,
    today: date,
) -> OverviewRow:
    covered = coverage.coverage(session, viewer, organization.code)
    # One entry per process in force, so the entries count the processes with findings.
    findings = len(conformity.organization_findings(session, viewer, organization.code))
    last = counts.last_approval.get(organization.id)
    by_kind = counts.by_kind.get(organization.id, Counter())
    read = counts.acknowledgements.get(organization.id, acknowledgement_status.Rate(0, 0))
    return OverviewRow(
        organization=organization,
        documents_by_kind={kind: count for kind in DocumentKind if (count := by_kind[kind])},
        effective_processes=counts.processes.get(organization.id, 0),
        covered=covered.covered,
        listed=covered.total,
        coverage_percent=covered.percent,
        open_reviews=counts.reviews.get(organization.id, 0),
        processes_with_findings=findings,
        awaiting_approval=counts.awaiting.get(organization.id, 0),
        overdue_reviews=len(overdue_reviews(session, organization.id, today)),
        last_approval=last,
        chain_ok=chain.organization_ok(organization.id),
        parent=parent,
        scorecard_gaps=tuple(item.code for item in scorecard.of_organization(session, organization, today=today).gaps),
        acknowledged=read.acknowledged,
        acknowledgement_required=read.required,
    )


def _row_on(
    session: Session, organization: Organization, parent: Organization | None, chain: ChainHealth, day: date
) -> OverviewRow:
    """The row as the organisation stood at the end of ``day``: what it owned then, in the states of then."""
    held = [d for d in documents_as_of.documents_on(session, organization.id, day) if not _by(d.withdrawn_at, day)]
    statuses = {r.id: documents_as_of.status_on(r, day) for d in held for r in d.revisions}
    in_force = [r for d in held for r in d.revisions if statuses[r.id] is RevisionStatus.EFFECTIVE]
    processes = [r for r in in_force if r.document.kind is DocumentKind.PROCESS]
    kinds = Counter(d.kind for d in held)
    covered, uncovered = coverage.coverage_on(session, organization, day, in_force=[r.document for r in in_force])
    listed = len(covered) + len(uncovered)
    with_findings = session.scalar(
        select(func.count(RevisionCheck.id)).where(RevisionCheck.revision_id.in_([r.id for r in processes]),
                                                   RevisionCheck.finding_count > 0)
    ) if processes else 0
    approvals = [r.approved_at for d in held for r in d.revisions if r.approved_at and _by(r.approved_at, day)]
    open_reviews = [
        review for review in session.scalars(
            select(LegalReview).where(LegalReview.document_id.in_([d.id for d in held]))
        ) if _by(review.opened_at, day) and not _by(review.closed_at, day)
    ] if held else []
    overdue = [r for r in in_force if r.effective_from is not None
               and add_months(r.effective_from, r.document.review_interval_months) < day]
    return OverviewRow(
        organization=organization,
        documents_by_kind={kind: count for kind in DocumentKind if (count := kinds[kind])},
        effective_processes=len(processes),
        covered=len(covered),
        listed=listed,
        coverage_percent=round(100 * len(covered) / listed, 1) if listed else 0.0,
        open_reviews=len(open_reviews),
        processes_with_findings=with_findings or 0,
        awaiting_approval=sum(1 for status in statuses.values() if status is RevisionStatus.REVIEWED),
        overdue_reviews=len(overdue),
        last_approval=max(approvals, default=None),
        chain_ok=chain.organization_ok(organization.id),
        parent=parent,
        scorecard_gaps=_gaps_on(session, organization, day),
    )


def _by(instant: datetime | None, day: date) -> bool:
    """The instant fell on ``day`` or before, in the agencies' time zone."""
    found = clock.local_day(instant)
    return found is not None and found <= day


def _sort_key(row: OverviewRow, sort: str) -> tuple[Any, ...]:
    name = (fold(row.organization.name).casefold(), row.organization.code)
    keys: dict[str, Any] = {
        "name": (),
        "code": (row.organization.code,),
        "documents": (row.documents,),
        "processes": (row.effective_processes,),
        "coverage": (row.coverage_percent, row.covered),
        "reviews": (row.open_reviews,),
        "findings": (row.processes_with_findings,),
        "awaiting": (row.awaiting_approval,),
        "overdue": (row.overdue_reviews,),
        "acknowledged": (row.acknowledgement_percent is not None, row.acknowledgement_percent or 0.0),
        "last_approval": (row.last_approval is not None, row.last_approval or datetime.min.replace(tzinfo=UTC)),
        "chain": (row.chain_ok,),
        "gaps": (len(row.scorecard_gaps),),
    }
    return (*keys[sort], *name)


def overview_page(
    session: Session,
    viewer: User,
    request: listing.ListRequest,
    *,
    today: date,
    parent_code: str | None = None,
    anchor_file: AnchorFile | None = None,
    as_of: date | None = None,
) -> tuple[Overview, listing.ListPage[OverviewRow]]:
    """The overview, its rows those whose name or code the text matches (diacritics optional), and one page of them
    sorted by ``request.sort`` (a key of SORTS, ``-`` for descending). Every row is computed: most sorts are of
    computed numbers, and a province has organisations by the hundred, not by the thousand."""
    key = listing.check_sort(request, list(SORTS))
    found = overview(
        session, viewer, today=today, parent_code=parent_code, sort=key, descending=request.descending,
        anchor_file=anchor_file, as_of=as_of,
    )
    found.rows = [row for row in found.rows if listing.matches(request.q, row.organization.name, row.organization.code)]
    return found, listing.page_of_list(found.rows, request)


def _gaps_on(session: Session, organization: Organization, day: date) -> tuple[str, ...]:
    """The scorecard's gaps on a past day; none for a day before the years a scorecard counts (2000-2100)."""
    try:
        return tuple(item.code for item in scorecard.of_organization(session, organization, today=day).gaps)
    except Invalid:
        return ()
