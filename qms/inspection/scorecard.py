"""The scorecard an inspector draws up for one organisation and year, as of a day, against the model framework
(Quyết định 101/QĐ-BKHCN) and what the yearly inspections check.

Each check is a small function in ``CHECKS`` giving an item with a stable code: ``ok`` True (nothing to note), False
(a gap, phrased as inspection reports phrase a «tồn tại, hạn chế») or None (not tracked by this installation), and
links to the evidence. Everything is read as it stood on the day: documents in force (``documents.as_of``, with the
ownership intervals of restructured organisations), the catalogue listed that day, records dated by then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.acknowledgements import status as acknowledgement_status
from qms.catalogue import coverage
from qms.documents import as_of
from qms.errors import Invalid
from qms.models import DocumentKind, LegalReview, Organization, Revision, User
from qms.periodic_review import schedule
from qms.records import corrective_actions, evidence, internal_audits, management_reviews, objectives, publications
from qms.records.objectives import check_year

#: An internal audit and a management review are due at least once in this many days (yearly).
YEARLY = timedelta(days=365)
#: An open legal review is overdue after this many days (the pages mark older items the same way).
LEGAL_REVIEW_DAYS = 30
#: How many items a detail names before it says "…".
NAMED = 5


@dataclass(frozen=True)
class Link:
    """Evidence: a page named by its endpoint and arguments, turned into an address by the page or API layer."""

    label: str
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    code: str
    ok: bool | None
    detail: str
    links: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class Scorecard:
    organization: Organization
    year: int
    as_of: date
    items: list[Item]

    @property
    def gaps(self) -> list[Item]:
        return [item for item in self.items if item.ok is False]


@dataclass(frozen=True)
class _Context:
    session: Session
    organization: Organization
    year: int
    day: date
    in_force: list[Revision]


def _named(names: list[str]) -> str:
    shown = ", ".join(names[:NAMED])
    return shown + (f" và {len(names) - NAMED} mục khác" if len(names) > NAMED else "")


def _records(context: _Context, anchor: str) -> Link:
    return Link("Hồ sơ HTQLCL", "records.index", {"code": context.organization.code, "_anchor": anchor})


def _document_link(revision: Revision) -> Link:
    return Link(f"{revision.document.code} — {revision.document.title}", "documents.show",
                {"document_id": revision.document_id})


def _of_kind(context: _Context, kind: DocumentKind) -> list[Revision]:
    return [revision for revision in context.in_force if revision.document.kind is kind]


def policy(context: _Context) -> Item:
    found = _of_kind(context, DocumentKind.POLICY)
    if found:
        return Item("policy_missing", True, "Chính sách chất lượng đang có hiệu lực.", [_document_link(found[0])])
    return Item("policy_missing", False, "Chưa ban hành chính sách chất lượng.")


def quality_objectives(context: _Context) -> Item:
    found = [o for o in objectives.set_by(context.session, context.organization.id, context.year, context.day)
             if objectives.approved_on(o, context.day)]
    links = [_records(context, "objectives")]
    if found:
        return Item("objectives_missing", True,
                    f"Đã phê duyệt {len(found)} mục tiêu chất lượng năm {context.year}.", links)
    # Agencies that issue their objectives as a controlled document (MTCL) approve them through the workflow.
    issued = [r for r in _of_kind(context, DocumentKind.OBJECTIVES)
              if r.effective_from is not None and r.effective_from.year == context.year]
    if issued:
        return Item("objectives_missing", True,
                    f"Mục tiêu chất lượng năm {context.year} được ban hành bằng tài liệu.", [_document_link(issued[0])])
    return Item("objectives_missing", False,
                f"Chưa xây dựng, phê duyệt mục tiêu chất lượng năm {context.year}.", links)


def system_procedures(context: _Context) -> Item:
    found = _of_kind(context, DocumentKind.SYSTEM_PROCEDURE)
    if found:
        return Item("system_procedures_missing", True, f"{len(found)} quy trình hệ thống đang có hiệu lực.",
                    [_document_link(revision) for revision in found])
    return Item("system_procedures_missing", False,
                "Chưa ban hành các quy trình hệ thống theo mô hình khung (Quyết định 101/QĐ-BKHCN).")


def procedure_coverage(context: _Context) -> Item:
    covered, uncovered = coverage.coverage_on(context.session, context.organization, context.day)
    total = len(covered) + len(uncovered)
    link = Link("Mức độ bao phủ TTHC", "procedures.coverage_page", {"organization": context.organization.code})
    if not uncovered:
        detail = (f"{len(covered)}/{total} TTHC có quy trình đang hiệu lực." if total
                  else "Chưa có danh mục TTHC của đơn vị.")
        return Item("coverage_incomplete", True if total else None, detail, [link])
    return Item("coverage_incomplete", False,
                f"Chưa xây dựng quy trình cho {len(uncovered)}/{total} TTHC thuộc phạm vi giải quyết "
                f"({_named([p.code for p in uncovered])}).", [link])


def internal_audit(context: _Context) -> Item:
    held = [a for a in internal_audits.of_organization(context.session, context.organization.id, context.day)
            if a.ends_on > context.day - YEARLY]
    if held:
        latest = held[0]
        return Item("internal_audit_missing", True,
                    f"Đã đánh giá nội bộ ngày {latest.starts_on:%d/%m/%Y}.", [_records(context, f"audit-{latest.id}")])
    return Item("internal_audit_missing", False, "Chưa thực hiện đánh giá nội bộ trong 12 tháng qua.",
                [_records(context, "audits")])


def management_review(context: _Context) -> Item:
    held = [r for r in management_reviews.of_organization(context.session, context.organization.id, context.day)
            if r.held_on > context.day - YEARLY]
    if held:
        return Item("management_review_missing", True,
                    f"Đã tổ chức xem xét của lãnh đạo ngày {held[0].held_on:%d/%m/%Y}.",
                    [_records(context, f"review-{held[0].id}")])
    return Item("management_review_missing", False, "Chưa tổ chức xem xét của lãnh đạo trong 12 tháng qua.",
                [_records(context, "reviews")])


def publication(context: _Context) -> Item:
    found = publications.signed_by(context.session, context.organization.id, context.day)
    if found:
        latest = found[0]
        decision = f"Quyết định số {latest.number} ngày {latest.signed_on:%d/%m/%Y}"
        link = [_records(context, f"publication-{latest.id}")]
        # The publication counts once it is made known: posted at the office and online, notified to the province.
        missing = [what for what, day in (("niêm yết tại trụ sở", latest.posted_office_on),
                                          ("đăng trên trang thông tin điện tử", latest.posted_website_on),
                                          ("thông báo cơ quan chủ trì", latest.notified_on))
                   if day is None or day > context.day]
        if missing:
            return Item("publication_missing", False,
                        f"Đã công bố HTQLCL ({decision}) nhưng chưa {', '.join(missing)}.", link)
        return Item("publication_missing", True,
                    f"Đã công bố HTQLCL phù hợp TCVN ISO 9001:2015 ({decision}).", link)
    return Item("publication_missing", False, "Chưa công bố HTQLCL phù hợp TCVN ISO 9001:2015.",
                [_records(context, "publications")])


def republication(context: _Context) -> Item:
    change = publications.scope_change(context.session, context.organization, context.day)
    if change is None:
        carried = publications.of_predecessors(context.session, context.organization.id, context.day)
        if carried:
            # A former agency's decision published that agency's scope; the organisation formed from it publishes anew.
            named = [f"Quyết định số {p.number} ngày {p.signed_on:%d/%m/%Y}" for p in carried]
            return Item("republication_needed", False,
                        f"Quyết định công bố của đơn vị cũ trước sắp xếp ({_named(named)}) không bao phủ phạm vi "
                        f"của đơn vị sau sắp xếp: cần công bố lại HTQLCL.",
                        [_records(context, "publications")])
        return Item("republication_needed", True, "Chưa công bố lần nào (xem mục công bố).")
    link = _records(context, "publications")
    if not change.is_open:
        return Item("republication_needed", True, "Phạm vi công bố phù hợp danh mục TTHC hiện hành.", [link])
    parts = []
    if change.added:
        parts.append(f"bổ sung {len(change.added)} TTHC ({_named([p.code for p in change.added])})")
    if change.removed:
        parts.append(f"bãi bỏ {len(change.removed)} TTHC ({_named(change.removed)})")
    return Item("republication_needed", False,
                f"Phạm vi áp dụng thay đổi ({'; '.join(parts)}) nhưng chưa công bố lại HTQLCL.", [link])


def overdue_actions(context: _Context) -> Item:
    late = corrective_actions.overdue(context.session, context.organization.id, context.day)
    link = _records(context, "audits")
    if not late:
        return Item("corrective_action_overdue", True, "Không có hành động khắc phục quá hạn.", [link])
    named = [f"{state.action.finding.description} (hạn {state.action.due_on:%d/%m/%Y})" for state in late]
    return Item("corrective_action_overdue", False,
                f"{len(late)} điểm không phù hợp chưa được khắc phục đúng hạn: {_named(named)}.", [link])


def legal_reviews(context: _Context) -> Item:
    late = [review for review in _open_reviews_on(context) if _age(review, context.day) > LEGAL_REVIEW_DAYS]
    link = Link("Rà soát căn cứ pháp lý", "legal.reviews", {"code": context.organization.code})
    if not late:
        return Item("legal_review_overdue", True,
                    "Các thay đổi văn bản pháp luật đã được cập nhật vào hệ thống đúng hạn.", [link])
    codes = sorted({review.document.code for review in late})
    return Item("legal_review_overdue", False,
                f"Chưa cập nhật kịp thời thay đổi của văn bản pháp luật vào {len(codes)} quy trình "
                f"({_named(codes)}) quá {LEGAL_REVIEW_DAYS} ngày.", [link])


def _open_reviews_on(context: _Context) -> list[LegalReview]:
    found = context.session.scalars(select(LegalReview).where(LegalReview.organization_id == context.organization.id))
    opened = [r for r in found if (clock.local_day(r.opened_at) or context.day) <= context.day]
    return [r for r in opened if r.closed_at is None or (clock.local_day(r.closed_at) or context.day) > context.day]


def _age(review: LegalReview, day: date) -> int:
    start = review.since or clock.local_day(review.opened_at) or day
    return (day - start).days


def periodic_reviews(context: _Context) -> Item:
    due = schedule.due_on_day(context.session, context.in_force, context.day)
    late = sorted(((due[r.document_id], r) for r in context.in_force if r.document_id in due
                   and due[r.document_id] < context.day), key=lambda pair: (pair[0], pair[1].document.code))
    if not late:
        return Item("periodic_review_overdue", True, "Các tài liệu đang hiệu lực được xem xét định kỳ đúng hạn.")
    named = [f"{revision.document.code} (hạn {day:%d/%m/%Y})" for day, revision in late]
    return Item("periodic_review_overdue", False,
                f"{len(late)} tài liệu quá hạn xem xét định kỳ: {_named(named)}.",
                [_document_link(revision) for _day, revision in late[:NAMED]])


def acknowledgements(context: _Context) -> Item:
    rates = acknowledgement_status.rates_on_day(context.session, [r.id for r in context.in_force], context.day)
    required = sum(rate.required for rate in rates.values())
    if required == 0:
        # Nothing was asked of anyone (documents in force from before requests were kept): nothing proves it.
        return Item("acknowledgement_incomplete", None, "Chưa có yêu cầu đọc và xác nhận tài liệu nào được ghi nhận.")
    late = [(revision, rate.required - rate.acknowledged) for revision in context.in_force
            if (rate := rates.get(revision.id)) and rate.acknowledged < rate.required]
    if not late:
        return Item("acknowledgement_incomplete", True,
                    f"Mọi cán bộ, công chức được yêu cầu đã xác nhận đọc và hiểu các tài liệu đang hiệu lực "
                    f"({required} lượt).")
    named = [f"{revision.document.code} ({unread} người)" for revision, unread in late]
    return Item("acknowledgement_incomplete", False,
                f"Chưa phổ biến đầy đủ tài liệu cho cán bộ, công chức: {sum(u for _r, u in late)}/{required} lượt "
                f"chưa xác nhận đọc và hiểu ({_named(named)}).",
                [Link(revision.document.code, "acknowledgements.document_list", {"document_id": revision.document_id})
                 for revision, _unread in late[:NAMED]])


#: The checks, in the order a scorecard lists them.
CHECKS: list[Callable[[_Context], Item]] = [
    policy, quality_objectives, system_procedures, procedure_coverage, internal_audit, management_review,
    publication, republication, overdue_actions, legal_reviews, periodic_reviews, acknowledgements,
]
CODES = ["policy_missing", "objectives_missing", "system_procedures_missing", "coverage_incomplete",
         "internal_audit_missing", "management_review_missing", "publication_missing", "republication_needed",
         "corrective_action_overdue", "legal_review_overdue", "periodic_review_overdue", "acknowledgement_incomplete"]
LABELS = {
    "policy_missing": "Chính sách chất lượng",
    "objectives_missing": "Mục tiêu chất lượng của năm",
    "system_procedures_missing": "Quy trình hệ thống",
    "coverage_incomplete": "Quy trình cho mọi TTHC",
    "internal_audit_missing": "Đánh giá nội bộ",
    "management_review_missing": "Xem xét của lãnh đạo",
    "publication_missing": "Công bố HTQLCL",
    "republication_needed": "Công bố lại khi phạm vi thay đổi",
    "corrective_action_overdue": "Hành động khắc phục",
    "legal_review_overdue": "Cập nhật thay đổi pháp luật",
    "periodic_review_overdue": "Xem xét định kỳ tài liệu",
    "acknowledgement_incomplete": "Phổ biến, xác nhận đã đọc",
}


def default_day(year: int | None, as_of_day: date | None, today: date) -> tuple[int, date]:
    """The year and day asked: the day defaults to today, or to 31 December of a year already over."""
    if as_of_day is None:
        as_of_day = today if year is None or year >= today.year else date(year, 12, 31)
    return check_year(year if year is not None else as_of_day.year), as_of_day


def scorecard(
    session: Session, viewer: User, organization_code: str, *, today: date, year: int | None = None,
    as_of_day: date | None = None,
) -> Scorecard:
    """The organisation's scorecard; for whoever reads its documents."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    return of_organization(session, organization, today=today, year=year, as_of_day=as_of_day)


def of_organization(session: Session, organization: Organization, *, today: date, year: int | None = None,
                    as_of_day: date | None = None) -> Scorecard:
    year, day = default_day(year, as_of_day, today)
    if day > today:
        day = today  # nothing is known of days to come: the state today is the state on them
    if day.year < year:
        raise Invalid("Ngày xem tình trạng không được trước năm được chấm.", code="invalid_date")
    context = _Context(session, organization, year, day, as_of.effective_on(session, organization.id, day))
    return Scorecard(organization, year, day, [check(context) for check in CHECKS])
