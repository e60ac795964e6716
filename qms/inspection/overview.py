"""The province overview for inspectors: every organisation side by side, one row each.

A row counts the organisation's documents by kind (withdrawn ones not counted), its processes in force,
coverage, open legal reviews, processes with conformity findings (when ``qms.conformity`` is there),
revisions awaiting approval, documents past their periodic review, the date of the last approval, and
whether its entries of the audit chain verify. The chain is walked once for all rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qms import conformity, listing
from qms.accounts import organizations, permissions
from qms.audit.anchors import Anchor, AnchorFile
from qms.audit.chain import ChainHealth, check_chain
from qms.catalogue import coverage
from qms.errors import Forbidden, Invalid, NotFound
from qms.inspection.dashboard import overdue_reviews
from qms.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    LegalReview,
    Organization,
    ReviewState,
    Revision,
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
    "last_approval": "Phê duyệt gần nhất",
    "chain": "Nhật ký toàn vẹn",
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

    @property
    def documents(self) -> int:
        return sum(self.documents_by_kind.values())


@dataclass
class Overview:
    rows: list[OverviewRow]
    chain: ChainHealth
    parents: list[tuple[int, Organization]] = field(default_factory=list)
    parent: Organization | None = None
    sort: str = "name"
    descending: bool = False


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
) -> Overview:
    """One row per organisation (under ``parent_code`` when given, the parent included), sorted; the
    chain head it saw is anchored, so entries removed after an inspection are found by ``verify``."""
    require_inspector(viewer)
    if sort not in SORTS:
        raise Invalid(f"Cách sắp xếp phải là một trong: {', '.join(SORTS)}.", code="invalid_sort")
    tree = organizations.tree(session)
    parent = None
    # Former organisations (merged, split) hold nothing today; they stay readable through their own pages.
    chosen = [organization for _depth, organization in tree if organization.is_active]
    if parent_code:
        parent = next((o for o in chosen if o.code == parent_code.strip()), None)
        if parent is None:
            raise NotFound("Không tìm thấy đơn vị.")
        below = organizations.descendant_ids(session, parent.id)
        chosen = [organization for organization in chosen if organization.id in below]
    chain = check_chain(session, anchor_file)
    if anchor_file is not None and chain.ok:
        anchor_file.try_append(Anchor(today, chain.head_seq, chain.head_hash, f"overview:{viewer.username}"))
    counts = _Counts(session)
    rows = [_row(session, viewer, organization, counts, chain, today) for organization in chosen]
    rows.sort(key=lambda row: _sort_key(row, sort), reverse=descending)
    parents = [(depth, o) for depth, o in tree if any(other.parent_id == o.id for _d, other in tree)]
    return Overview(rows, chain, parents, parent, sort, descending)


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
    counts: _Counts,
    chain: ChainHealth,
    today: date,
) -> OverviewRow:
    covered = coverage.coverage(session, viewer, organization.code)
    # One entry per process in force, so the entries count the processes with findings.
    findings = len(conformity.organization_findings(session, viewer, organization.code))
    last = counts.last_approval.get(organization.id)
    by_kind = counts.by_kind.get(organization.id, Counter())
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
    )


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
        "last_approval": (row.last_approval is not None, row.last_approval or datetime.min.replace(tzinfo=UTC)),
        "chain": (row.chain_ok,),
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
) -> tuple[Overview, listing.ListPage[OverviewRow]]:
    """The overview, its rows those whose name or code the text matches (diacritics optional), and one page of them
    sorted by ``request.sort`` (a key of SORTS, ``-`` for descending). Every row is computed: most sorts are of
    computed numbers, and a province has organisations by the hundred, not by the thousand."""
    key = listing.check_sort(request, list(SORTS))
    found = overview(
        session, viewer, today=today, parent_code=parent_code, sort=key, descending=request.descending,
        anchor_file=anchor_file,
    )
    found.rows = [row for row in found.rows if listing.matches(request.q, row.organization.name, row.organization.code)]
    return found, listing.page_of_list(found.rows, request)
