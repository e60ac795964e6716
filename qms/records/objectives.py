"""Quality objectives of a year (mục tiêu chất lượng): targets set, approved by an approver, results recorded
during the year."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from qms import clock, listing
from qms.accounts import permissions
from qms.database import lock_row, unit_of_work
from qms.errors import Conflict, Invalid, NotFound
from qms.models import ObjectiveResult, QualityObjective, User
from qms.records import evidence, ownership

FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_year(year: int | None) -> int:
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.", code="invalid_year")
    return year


def create(
    session: Session, actor: User, organization_code: str, *, year: int | None, title: str | None, target: str | None
) -> QualityObjective:
    """An objective of the year with its target; it counts once an approver has approved it."""
    organization = evidence.writable_organization(session, actor, organization_code)
    year = check_year(year)
    title = evidence.text(title, "Cần ghi nội dung mục tiêu.", "title_required")
    target = evidence.text(target, "Cần ghi chỉ tiêu cần đạt.", "target_required", limit=300)
    with unit_of_work(session):
        objective = QualityObjective(organization_id=organization.id, year=year, title=title, target=target,
                                     created_by_name=actor.full_name)
        session.add(objective)
        session.flush()
        evidence.audit(session, "objective_create", actor, organization.id, f"quality_objective:{objective.id}",
                       {"year": year, "title": title, "target": target})
        evidence.searchable(session, objective)
    return objective


def approve(session: Session, actor: User, objective_id: int) -> QualityObjective:
    """The approver's approval, audited; an approved objective stays approved."""
    objective = get(session, actor, objective_id)
    permissions.require_role(actor, evidence.APPROVER_ROLES, objective.organization_id)
    with unit_of_work(session):
        locked = lock_row(session, QualityObjective, objective_id)
        assert locked is not None
        if locked.approved_at is not None:
            raise Conflict("Mục tiêu này đã được phê duyệt.", code="objective_approved")
        locked.approved_at = clock.now()
        locked.approved_by_name, locked.approved_by_title = actor.full_name, actor.title
        evidence.audit(session, "objective_approve", actor, locked.organization_id, f"quality_objective:{objective_id}",
                       {"year": locked.year, "title": locked.title, "target": locked.target})
    return locked


def record_result(
    session: Session, actor: User, objective_id: int, *, measured_on: date | None, value: str | None,
    note: str | None, today: date,
) -> ObjectiveResult:
    """A result measured in the objective's year, by the day it was measured."""
    objective = get(session, actor, objective_id)
    permissions.require_role(actor, evidence.WRITER_ROLES, objective.organization_id)
    measured_on = evidence.required_date(measured_on, "Cần ghi ngày đo kết quả.", "measured_on_required")
    if measured_on > today:
        raise Invalid("Ngày đo kết quả không được sau hôm nay.", code="measured_on_future")
    if measured_on.year != objective.year:
        raise Invalid(f"Kết quả phải đo trong năm {objective.year} của mục tiêu.", code="measured_on_year")
    value = evidence.text(value, "Cần ghi kết quả đạt được.", "value_required", limit=300)
    with unit_of_work(session):
        result = ObjectiveResult(objective_id=objective.id, measured_on=measured_on, value=value,
                                 note=evidence.optional_text(note), created_by_name=actor.full_name)
        session.add(result)
        session.flush()
        evidence.audit(session, "objective_result", actor, objective.organization_id,
                       f"quality_objective:{objective.id}", {"measured_on": measured_on.isoformat(), "value": value,
                                                             "note": result.note})
        evidence.searchable(session, objective)  # the objective's entry holds its results
    session.refresh(objective)
    return result


def of_organization(session: Session, organization_id: int, year: int | None = None, day: date | None = None
                    ) -> list[QualityObjective]:
    """By year (latest first), then as they were set; with a day, those the organisation held then, of that year or
    before."""
    return _by_year(session, _held_then(organization_id, day), year)


def _held_then(organization_id: int, day: date | None) -> ColumnElement[bool]:
    """The objectives the organisation holds (on ``day``: held by it then, of a year begun by then)."""
    held = ownership.held_by(QualityObjective, organization_id, day)
    return held if day is None else held & (QualityObjective.year <= day.year)


#: By year, latest first, then as they were set, unless asked otherwise.
SORTING = listing.Sorting(
    columns={"year": (QualityObjective.year,), "title": (QualityObjective.title,),
             "target": (QualityObjective.target,)},
    default="year",
    tiebreak=(QualityObjective.id,),
    descending_first=frozenset({"year"}),
)


def objectives_page(
    session: Session, viewer: User, organization_code: str, request: listing.ListRequest, *, today: date,
    year: int | None = None, as_of: date | None = None,
) -> listing.ListPage[QualityObjective]:
    """A page of the objectives the organisation holds now, or held on ``as_of`` as its records page lists them
    (of one year when given); the text matches the title and the target."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    day = ownership.readable_day(as_of, today)
    return listing.page_of(session, _of_year(_held_then(organization.id, day), year), request, SORTING,
                           text=(QualityObjective.title, QualityObjective.target))


def set_by(session: Session, organization_id: int, year: int, day: date) -> list[QualityObjective]:
    """The year's objectives the organisation held on ``day`` and set itself: a predecessor's objectives were
    approved by its own head for its own scope, so a merged organisation sets its own."""
    return _by_year(session, ownership.made_by(QualityObjective, organization_id, day), year)


def _by_year(session: Session, held: ColumnElement[bool], year: int | None) -> list[QualityObjective]:
    return list(session.scalars(_of_year(held, year).order_by(QualityObjective.year.desc(), QualityObjective.id)))


def _of_year(held: ColumnElement[bool], year: int | None) -> Select[QualityObjective]:
    query = select(QualityObjective).where(held)
    return query if year is None else query.where(QualityObjective.year == year)


def approved_on(objective: QualityObjective, day: date) -> bool:
    approved = clock.local_day(objective.approved_at)
    return approved is not None and approved <= day


def results_on(objective: QualityObjective, day: date) -> list[ObjectiveResult]:
    return [result for result in objective.results if result.measured_on <= day]


def get(session: Session, viewer: User, objective_id: int) -> QualityObjective:
    objective = session.get(QualityObjective, objective_id)
    if objective is None or not permissions.can_read(viewer, objective.organization_id):
        raise NotFound("Không tìm thấy mục tiêu chất lượng.")
    return objective
