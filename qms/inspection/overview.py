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

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from qms import clock, conformity, listing
from qms.accounts import permissions, tree_as_of
from qms.accounts.tree_as_of import FormerOrganization, TreeOn
from qms.acknowledgements import status as acknowledgement_status
from qms.audit import verification
from qms.audit.anchors import Anchor, AnchorFile
from qms.audit.chain import ChainHealth
from qms.catalogue import coverage
from qms.documents import as_of as documents_as_of
from qms.errors import Forbidden, Invalid, NotFound
from qms.inspection import kept_counts, scorecard_gaps
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
from qms.periodic_review import schedule
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
    chain = verification.current_health(session, anchor_file, now=clock.now())
    if anchor_file is not None and chain.ok:
        anchor_file.try_append(Anchor(today, chain.head_seq, chain.head_hash, f"overview:{viewer.username}"))
    organizations = [entry.organization for entry in entries]
    ids = tuple(organization.id for organization in organizations)
    counts: _Counts | _CountsOn
    if day < today:
        counts = kept_counts.kept(session, ("on", day, ids), lambda: _CountsOn(session, organizations, day))
    else:
        counts = kept_counts.kept(session, ("today", today, permissions.sees_non_current(viewer), ids),
                                  lambda: _Counts(session, viewer, organizations, today))
    rows = [_row(entry.organization, entry.parent, counts, chain) for entry in entries]
    rows.sort(key=lambda row: _sort_key(row, sort), reverse=descending)
    parents = [(entry.depth, entry.organization) for entry in tree.parents()]
    return Overview(rows, chain, parents, parent, sort, descending, as_of=day, former=former)


def organizations_on(session: Session, day: date) -> TreeOn:
    """The organisation tree of ``day`` (what existed, under which parent, what had been merged or split)."""
    return tree_as_of.organizations_on(session, day)


class _Counts:
    """The per-organisation numbers that one grouped query each answers for all organisations."""

    def __init__(self, session: Session, viewer: User, organizations: list[Organization], today: date) -> None:
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
        self.coverage = coverage.counts(session, organizations)
        self.findings = conformity.findings_by_organization(session, viewer)
        self.overdue = schedule.overdue_by_organization(session, today)
        self.gaps = scorecard_gaps.gaps_on(session, organizations, today)

    @staticmethod
    def _per_organization(session: Session, query: Any) -> dict[int, int]:
        return dict(session.execute(query.group_by(query.selected_columns[0])).all())


def _row(organization: Organization, parent: Organization | None, counts: _Counts | _CountsOn,
         chain: ChainHealth) -> OverviewRow:
    """The row of today's counts, or as the organisation stood at the end of the day of ``_CountsOn``."""
    covered = counts.coverage[organization.id]
    by_kind = counts.by_kind.get(organization.id, Counter())
    read = counts.acknowledgements.get(organization.id, acknowledgement_status.Rate(0, 0))
    return OverviewRow(
        organization=organization,
        documents_by_kind={kind: count for kind in DocumentKind if (count := by_kind[kind])},
        effective_processes=counts.processes.get(organization.id, 0),
        covered=covered.covered,
        listed=len(covered.listed),
        coverage_percent=_percent(covered),
        open_reviews=counts.reviews.get(organization.id, 0),
        processes_with_findings=counts.findings.get(organization.id, 0),
        awaiting_approval=counts.awaiting.get(organization.id, 0),
        overdue_reviews=counts.overdue.get(organization.id, 0),
        last_approval=counts.last_approval.get(organization.id),
        chain_ok=chain.organization_ok(organization.id),
        parent=parent,
        scorecard_gaps=counts.gaps[organization.id],
        acknowledged=read.acknowledged,
        acknowledgement_required=read.required,
    )


def _percent(covered: coverage.ListCoverage) -> float:
    return round(100 * covered.covered / len(covered.listed), 1) if covered.listed else 0.0


class _CountsOn:
    """The numbers of the rows of a past day, one grouped query each for all organisations: what each owned at the
    end of the day (by its ownership intervals, withdrawn documents left out), each revision in its status of then."""

    def __init__(self, session: Session, organizations: list[Organization], day: date) -> None:
        end = documents_as_of.day_end(day)
        owners = documents_as_of.owners_on([organization.id for organization in organizations], day)
        owner = owners.c.organization_id

        def held(*columns: Any) -> Any:
            return (select(owner, *columns).join(Document, Document.id == owners.c.document_id)
                    .where(or_(Document.withdrawn_at.is_(None), Document.withdrawn_at >= end)))

        def revisions(*columns: Any) -> Any:
            return held(*columns).join(Revision, Revision.document_id == Document.id)

        in_force = documents_as_of.status_on_clause(RevisionStatus.EFFECTIVE, day)
        process = Document.kind == DocumentKind.PROCESS
        self.by_kind: dict[int, Counter[DocumentKind]] = {}
        for organization_id, kind, count in session.execute(
            held(Document.kind, func.count()).group_by(owner, Document.kind)
        ):
            self.by_kind.setdefault(organization_id, Counter())[kind] = count
        due = schedule.due_before(Revision.effective_from, Document.review_interval_months, day,
                                  schedule.intervals(session))

        def counted(condition: Any) -> Any:
            return func.sum(case((condition, 1), else_=0))

        # One reading of the province's revisions for the five numbers that count them; a revision's check (one at
        # most) is looked up for the processes in force only.
        with_findings = (select(RevisionCheck.id)
                         .where(RevisionCheck.revision_id == Revision.id, RevisionCheck.finding_count > 0).exists())
        self.processes, self.awaiting, self.findings, self.overdue, self.last_approval = {}, {}, {}, {}, {}
        for organization_id, processes, awaiting, findings, overdue, last in session.execute(
            revisions(counted(and_(in_force, process)),
                      counted(documents_as_of.status_on_clause(RevisionStatus.REVIEWED, day)),
                      counted(and_(in_force, process, with_findings)),
                      counted(and_(in_force, Revision.effective_from.is_not(None), due)),
                      func.max(case((Revision.approved_at < end, Revision.approved_at))))
            .group_by(owner)
        ):
            self.processes[organization_id], self.awaiting[organization_id] = processes or 0, awaiting or 0
            self.findings[organization_id], self.overdue[organization_id] = findings or 0, overdue or 0
            self.last_approval[organization_id] = last
        self.reviews = _grouped(session, held(func.count(LegalReview.id))
                                .join(LegalReview, LegalReview.document_id == Document.id)
                                .where(LegalReview.opened_at < end,
                                       or_(LegalReview.closed_at.is_(None), LegalReview.closed_at >= end)))
        every, self.coverage = coverage.counts_on_both(session, organizations, day)
        self.gaps = scorecard_gaps.gaps_on(session, organizations, day, every)
        # The rate of readings is today's measure; a past day's row leaves it out.
        self.acknowledgements: dict[int, acknowledgement_status.Rate] = {}


def _grouped(session: Session, query: Any) -> dict[int, Any]:
    return dict(session.execute(query.group_by(query.selected_columns[0])).all())


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
