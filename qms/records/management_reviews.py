"""Management reviews (xem xét của lãnh đạo, TCVN ISO 9001:2015 clause 9.3): date, chair, the inputs the standard
lists, the decisions and the minutes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qms import listing
from qms.accounts import permissions
from qms.database import unit_of_work
from qms.errors import Invalid, NotFound
from qms.files.store import FileStore
from qms.models import ManagementReview, User
from qms.records import evidence, ownership
from qms.records.evidence import Upload

#: The inputs of clause 9.2.2 as agencies name them in their minutes.
INPUT_LABELS = {
    "audit_results": "Kết quả đánh giá nội bộ",
    "objectives": "Mức độ đạt mục tiêu chất lượng",
    "customer_feedback": "Ý kiến phản hồi, khiếu nại của tổ chức, công dân",
    "corrective_actions": "Tình trạng hành động khắc phục",
    "legal_changes": "Thay đổi của văn bản pháp luật và các vấn đề liên quan",
    "risks": "Rủi ro và cơ hội",
}


def create(
    session: Session,
    files: FileStore,
    actor: User,
    organization_code: str,
    *,
    held_on: date | None,
    chair: str | None,
    inputs: dict[str, str] | None,
    decisions: str | None,
    minutes: Upload | None,
    today: date,
) -> ManagementReview:
    """Record a review with what it considered and decided; the minutes file when there is one."""
    organization = evidence.writable_organization(session, actor, organization_code)
    held_on = evidence.required_date(held_on, "Cần ghi ngày họp xem xét.", "held_on_required")
    if held_on > today:
        raise Invalid("Ngày họp xem xét không được sau hôm nay.", code="held_on_future")
    chair = evidence.text(chair, "Cần ghi người chủ trì.", "chair_required", limit=200)
    unknown = sorted(set(inputs or {}) - set(INPUT_LABELS))
    if unknown:
        raise Invalid(f"Đầu vào không có trong danh mục: {', '.join(unknown)}.", code="invalid_inputs")
    considered = {name: value.strip() for name, value in (inputs or {}).items() if value and value.strip()}
    if not considered:
        raise Invalid("Cần ghi ít nhất một đầu vào của cuộc xem xét.", code="inputs_required")
    decided = evidence.text(decisions, "Cần ghi các quyết định của cuộc xem xét.", "decisions_required")
    stored = evidence.store(files, minutes)
    with unit_of_work(session):
        evidence.register_file(session, stored)
        review = ManagementReview(
            organization_id=organization.id, held_on=held_on, chair=chair, inputs=considered, decisions=decided,
            minutes_sha256=stored.sha256 if stored else None, minutes_filename=stored.filename if stored else None,
            created_by_name=actor.full_name,
        )
        session.add(review)
        session.flush()
        evidence.audit(session, "management_review_create", actor, organization.id, f"management_review:{review.id}", {
            "held_on": held_on.isoformat(), "chair": chair, "inputs": considered, "decisions": decided,
            "minutes": stored.filename if stored else None,
        }, stored.sha256 if stored else None)
        evidence.searchable(session, review)
    evidence.read_later(stored)
    return review


def of_organization(session: Session, organization_id: int, day: date | None = None) -> list[ManagementReview]:
    """Latest first; with a day, those held by then and in the organisation's hands then (a merged organisation's
    include its predecessors')."""
    query = _held_then(organization_id, day)
    return list(session.scalars(query.order_by(ManagementReview.held_on.desc(), ManagementReview.id.desc())))


def _held_then(organization_id: int, day: date | None) -> Select[ManagementReview]:
    """The reviews the organisation holds (on ``day``: held by it then, and held by then)."""
    query = select(ManagementReview).where(ownership.held_by(ManagementReview, organization_id, day))
    return query if day is None else query.where(ManagementReview.held_on <= day)


#: Latest held first unless asked otherwise.
SORTING = listing.Sorting(
    columns={"held_on": (ManagementReview.held_on,), "chair": (ManagementReview.chair,)},
    default="held_on",
    tiebreak=(ManagementReview.id.desc(),),
    descending_first=frozenset({"held_on"}),
)


def reviews_page(
    session: Session, viewer: User, organization_code: str, request: listing.ListRequest, *, today: date,
    as_of: date | None = None,
) -> listing.ListPage[ManagementReview]:
    """A page of the reviews the organisation holds now, or held on ``as_of`` as its records page lists them; the
    text matches the chair and the decisions."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    day = ownership.readable_day(as_of, today)
    return listing.page_of(session, _held_then(organization.id, day), request, SORTING,
                           text=(ManagementReview.chair, ManagementReview.decisions))


def get(session: Session, viewer: User, review_id: int) -> ManagementReview:
    review = session.get(ManagementReview, review_id)
    if review is None or not permissions.can_read(viewer, review.organization_id):
        raise NotFound("Không tìm thấy cuộc xem xét của lãnh đạo.")
    return review
