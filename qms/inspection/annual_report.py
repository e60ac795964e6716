"""The annual report an agency sends to the Department of Science and Technology on its quality system, as of
31 December (or any day): the documents in force, coverage, publication, audits, corrective actions, reviews,
objectives, the confirmation and the scorecard's gaps, all read as they stood that day, dated that day, so the same
data always gives the same bytes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from qms.catalogue import coverage
from qms.documents import as_of
from qms.documents.reading import KIND_LABELS
from qms.exports.administrative_report import Section, Table, report_bytes
from qms.inspection import scorecard
from qms.models import DocumentKind, ManagementReview, Organization, Publication, QualityObjective, User
from qms.records import confirmations, corrective_actions, evidence, internal_audits, management_reviews, objectives
from qms.records import publications as publishing

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RECIPIENT = "Sở Khoa học và Công nghệ"


@dataclass(frozen=True)
class Figures:
    """What the report states, each figure as the pages show it for the day."""

    organization: Organization
    year: int
    day: date
    documents_by_kind: dict[DocumentKind, int]
    covered: int
    listed: int
    publications: list[Publication]
    audits: int
    nonconformities: int
    observations: int
    actions: int
    actions_closed: int
    actions_overdue: int
    reviews: list[ManagementReview]
    objectives: list[QualityObjective]
    confirmed_by: str | None
    card: scorecard.Scorecard

    @property
    def coverage_percent(self) -> float:
        return round(100 * self.covered / self.listed, 1) if self.listed else 0.0


def figures(session: Session, viewer: User, organization_code: str, *, today: date, year: int | None = None,
            as_of_day: date | None = None) -> Figures:
    """The figures of the report; for whoever reads the organisation's documents."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    card = scorecard.of_organization(session, organization, today=today, year=year, as_of_day=as_of_day)
    year, day = card.year, card.as_of
    in_force = as_of.effective_on(session, organization.id, day)
    kinds = Counter(revision.document.kind for revision in in_force)
    covered, uncovered = coverage.coverage_on(session, organization, day)
    audits = [a for a in internal_audits.of_organization(session, organization.id, day) if a.starts_on.year == year]
    findings = [finding for audit in audits for finding in audit.findings]
    states = corrective_actions.of_organization(session, organization.id, day)
    confirmation = confirmations.of_year(session, organization.id, year, day)
    return Figures(
        organization=organization, year=year, day=day,
        documents_by_kind={kind: kinds[kind] for kind in DocumentKind if kinds[kind]},
        covered=len(covered), listed=len(covered) + len(uncovered),
        # The organisation's own decisions and objectives, as the scorecard counts them (not a predecessor's).
        publications=publishing.signed_by(session, organization.id, day),
        audits=len(audits),
        nonconformities=sum(1 for f in findings if f.kind.value == "nonconformity"),
        observations=sum(1 for f in findings if f.kind.value == "observation"),
        actions=len(states), actions_closed=sum(1 for s in states if s.closed_on is not None),
        actions_overdue=sum(1 for s in states if s.overdue),
        reviews=[r for r in management_reviews.of_organization(session, organization.id, day)
                 if r.held_on.year == year],
        objectives=[o for o in objectives.set_by(session, organization.id, year, day)
                    if objectives.approved_on(o, day)],
        confirmed_by=confirmation.confirmed_by_name if confirmation else None,
        card=card,
    )


def report(session: Session, viewer: User, organization_code: str, *, today: date, year: int | None = None,
           as_of_day: date | None = None) -> tuple[bytes, str]:
    """The report's bytes and its file name."""
    found = figures(session, viewer, organization_code, today=today, year=year, as_of_day=as_of_day)
    return render(found), filename(found)


def render(found: Figures) -> bytes:
    day = found.day
    sections = [
        Section("1. Tài liệu của hệ thống quản lý chất lượng", [
            f"Tổng số tài liệu đang có hiệu lực: {sum(found.documents_by_kind.values())}.",
            *(f"- {KIND_LABELS[kind]}: {count}." for kind, count in found.documents_by_kind.items()),
            f"Số TTHC có quy trình đang hiệu lực: {found.covered}/{found.listed} "
            f"({_percent(found.coverage_percent)}).",
        ]),
        Section("2. Công bố hệ thống quản lý chất lượng", _publications(found)),
        Section("3. Đánh giá nội bộ và hành động khắc phục", [
            f"Số cuộc đánh giá nội bộ trong năm: {found.audits}; điểm không phù hợp: {found.nonconformities}; "
            f"khuyến nghị: {found.observations}.",
            f"Hành động khắc phục: {found.actions}, đã hoàn thành: {found.actions_closed}, "
            f"quá hạn: {found.actions_overdue}.",
        ]),
        Section("4. Xem xét của lãnh đạo", [
            f"Số cuộc xem xét trong năm: {len(found.reviews)}.",
            *(f"- Ngày {r.held_on:%d/%m/%Y}, chủ trì: {r.chair}. Quyết định: {r.decisions}" for r in found.reviews),
        ]),
        Section(f"5. Mục tiêu chất lượng năm {found.year}",
                [] if found.objectives else ["Chưa có mục tiêu chất lượng được phê duyệt."],
                Table(["STT", "Mục tiêu", "Chỉ tiêu", "Kết quả"], [
                    [str(number), o.title, o.target, _result(o, day)]
                    for number, o in enumerate(found.objectives, start=1)
                ], [1, 8, 3, 4]) if found.objectives else None),
        Section("6. Xác nhận hiệu lực của hệ thống", [
            f"Thủ trưởng cơ quan ({found.confirmed_by}) đã xác nhận hệ thống được duy trì và có hiệu lực năm "
            f"{found.year}." if found.confirmed_by else
            f"Thủ trưởng cơ quan chưa xác nhận hiệu lực của hệ thống năm {found.year}.",
        ]),
        Section("7. Tồn tại, hạn chế", [f"{n}. {item.detail}" for n, item in enumerate(found.card.gaps, start=1)]
                or ["Không có tồn tại, hạn chế."]),
    ]
    return report_bytes(
        found.organization, "BÁO CÁO",
        f"Tình hình xây dựng, áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 "
        f"năm {found.year}", sections, made_on=day,
        opening=[f"Kính gửi: {RECIPIENT}.", f"Số liệu tính đến ngày {day:%d/%m/%Y}."],
        signatures=[("NGƯỜI LẬP BÁO CÁO", ""), ("THỦ TRƯỞNG CƠ QUAN", found.confirmed_by or "")],
    )


def _publications(found: Figures) -> list[str]:
    if not found.publications:
        return ["Chưa công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015."]
    lines = []
    for number, p in enumerate(reversed(found.publications)):
        kind = "Công bố" if number == 0 else "Công bố lại"
        posted = []
        if p.posted_office_on:
            posted.append(f"niêm yết tại trụ sở ngày {p.posted_office_on:%d/%m/%Y}")
        if p.posted_website_on:
            posted.append(f"đăng trên trang thông tin điện tử ngày {p.posted_website_on:%d/%m/%Y}")
        if p.notified_on:
            posted.append(f"thông báo {p.notified_to or 'cơ quan chủ trì'} ngày {p.notified_on:%d/%m/%Y}")
        lines.append(f"- {kind}: Quyết định số {p.number} ngày {p.signed_on:%d/%m/%Y} ({p.signer} ký), phạm vi "
                     f"{len(p.scope)} TTHC" + (f"; {', '.join(posted)}" if posted else "") + ".")
    return lines


def _result(objective: QualityObjective, day: date) -> str:
    results = objectives.results_on(objective, day)
    return f"{results[-1].value} (ngày {results[-1].measured_on:%d/%m/%Y})" if results else "Chưa đo"


def _percent(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


def filename(found: Figures) -> str:
    return f"bao-cao-htqlcl_{found.organization.code}_{found.year}.docx"
