"""Restructures decided ahead of their day: previewed and settled now, kept, carried out by the daily job on or
after the day, or cancelled by an administrator. Until then the tree, the documents and the registers are as
they were."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock, listing
from qms.accounts import permissions, restructure
from qms.accounts.restructure import Plan
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Conflict, DomainError, NotFound
from qms.messages import Message
from qms.models import OrganizationEvent, ScheduledRestructure, ScheduleState, User


@dataclass(frozen=True)
class Submitted:
    plan: Plan
    #: The change, when its day has come.
    event: OrganizationEvent | None
    #: The schedule, when its day is after today.
    scheduled: ScheduledRestructure | None


def submit(
    session: Session,
    actor: User | None,
    *,
    kind: str,
    sources: list[str],
    targets: list[Mapping[str, Any]],
    effective_on: date,
    today: date,
    resolutions: Mapping[str, Any] | None = None,
) -> Submitted:
    """Carried out now when its day has come, else kept for its day; either way its clashes must be settled."""
    if effective_on <= today:
        plan, event = restructure.carry_out(session, actor, kind=kind, sources=sources, targets=targets,
                                            effective_on=effective_on, today=today, resolutions=resolutions)
        return Submitted(plan, event, None)
    if actor is not None:
        permissions.require_admin(actor)
    with unit_of_work(session):
        plan = restructure.preview(session, None, kind=kind, sources=sources, targets=targets,
                                   effective_on=effective_on, resolutions=resolutions)
        restructure.require_settled(plan)
        codes = {o.code for o in plan.sources}
        for pending in _pending(session):
            taken = codes.intersection(pending.asked["sources"])
            if taken:
                raise Conflict(Message("Đơn vị %(codes)s đã có sắp xếp hẹn ngày %(day)s.",
                                       codes=", ".join(sorted(taken)), day=f"{pending.effective_on:%d/%m/%Y}"),
                               code="already_scheduled")
        scheduled = ScheduledRestructure(
            kind=plan.kind, effective_on=effective_on, created_by_id=actor.id if actor else None,
            request=trail.canonical_json({"sources": [o.code for o in plan.sources],
                                          "targets": [dict(t) for t in targets],
                                          "resolutions": dict(resolutions or {})}),
        )
        session.add(scheduled)
        session.flush()
        trail.record(session, "organization_restructure_scheduled", actor=actor, organization_id=plan.sources[0].id,
                     subject=f"scheduled_restructure:{scheduled.id}",
                     details={"kind": plan.kind.value, "effective_on": effective_on.isoformat(),
                              "sources": [o.code for o in plan.sources], "targets": [t.code for t in plan.targets]})
    return Submitted(plan, None, scheduled)


def scheduled(session: Session, actor: User) -> list[ScheduledRestructure]:
    """Every restructure kept for a day, the pending ones first, by day."""
    permissions.require_admin(actor)
    rows = session.scalars(select(ScheduledRestructure).order_by(ScheduledRestructure.effective_on,
                                                                  ScheduledRestructure.id))
    return sorted(rows, key=lambda row: row.state is not ScheduleState.SCHEDULED)


#: The keys a list of scheduled restructures sorts by, the ones still waiting first whichever; the first is the default.
SORT_KEYS = ("effective_on", "created_at")


def scheduled_page(
    session: Session, actor: User, request: listing.ListRequest
) -> listing.ListPage[ScheduledRestructure]:
    """A page of the restructures kept for a day, the ones still waiting first, then by day unless asked otherwise;
    the text matches the kind, the state, the organisations' codes and names and why one failed. Matched here, not
    in SQL: the request is kept as JSON, and an installation schedules a few restructures a year."""
    rows = scheduled(session, actor)
    key = listing.check_sort(request, SORT_KEYS)
    found = [row for row in rows if listing.matches(request.q, *_texts(row))]
    found.sort(key=lambda row: (getattr(row, key), row.id), reverse=request.descending)
    found.sort(key=lambda row: row.state is not ScheduleState.SCHEDULED)  # stable: the order asked within each part
    return listing.page_of_list(found, request)


def _texts(row: ScheduledRestructure) -> list[str]:
    asked = row.asked
    targets = [str(target.get(field) or "") for target in asked.get("targets", []) for field in ("code", "name")]
    return [row.kind.value, row.state.value, *map(str, asked.get("sources", [])), *targets, row.failure or ""]


def cancel(session: Session, actor: User, scheduled_id: int) -> ScheduledRestructure:
    """An administrator cancels a restructure whose day has not come; one carried out is undone by another."""
    permissions.require_admin(actor)
    with unit_of_work(session):
        row = session.get(ScheduledRestructure, scheduled_id, with_for_update=True)
        if row is None:
            raise NotFound("Không tìm thấy sắp xếp đã hẹn.")
        if row.state is not ScheduleState.SCHEDULED:
            raise Conflict("Sắp xếp này không còn chờ đến ngày.", code="not_scheduled")
        row.state, row.closed_at, row.closed_by_id = ScheduleState.CANCELLED, clock.now(), actor.id
        trail.record(session, "organization_restructure_cancelled", actor=actor,
                     subject=f"scheduled_restructure:{row.id}",
                     details={"effective_on": row.effective_on.isoformat(), **row.asked})
    return row


def carry_out_due(session: Session, today: date) -> list[ScheduledRestructure]:
    """The daily job: each restructure whose day has come is carried out as its administrator settled it, in one
    unit of work with its mark; one that cannot be any more (a clash appeared since) is marked failed, with why."""
    due = session.scalars(
        select(ScheduledRestructure.id).where(ScheduledRestructure.state == ScheduleState.SCHEDULED,
                                              ScheduledRestructure.effective_on <= today)
        .order_by(ScheduledRestructure.effective_on, ScheduledRestructure.id)
    ).all()
    done = []
    for scheduled_id in due:
        try:
            with unit_of_work(session):
                row = session.get(ScheduledRestructure, scheduled_id, with_for_update=True)
                if row is None or row.state is not ScheduleState.SCHEDULED:
                    continue  # another worker took it
                asked = row.asked
                _plan, event = restructure.carry_out_within(
                    session, row.created_by, kind=row.kind.value, sources=asked["sources"],
                    targets=asked["targets"], effective_on=row.effective_on, today=today,
                    resolutions=asked["resolutions"],
                )
                row.state, row.event_id, row.closed_at = ScheduleState.DONE, event.id, clock.now()
        except DomainError as refused:
            _fail(session, scheduled_id, refused)
            continue
        done.append(row)
    return done


def _fail(session: Session, scheduled_id: int, refused: DomainError) -> None:
    with unit_of_work(session):
        row = session.get(ScheduledRestructure, scheduled_id, with_for_update=True)
        if row is None or row.state is not ScheduleState.SCHEDULED:
            return
        reason = refused.message if isinstance(refused.message, Message) else Message(refused.message)
        row.state, row.closed_at, row.failure = ScheduleState.FAILED, clock.now(), reason
        row.failure_data = reason.as_data()
        trail.record(session, "organization_restructure_failed", actor=None, subject=f"scheduled_restructure:{row.id}",
                     details={"effective_on": row.effective_on.isoformat(), "reason": reason,
                              "reason_data": reason.as_data(), "code": refused.code})


def _pending(session: Session) -> list[ScheduledRestructure]:
    return list(session.scalars(select(ScheduledRestructure).where(
        ScheduledRestructure.state == ScheduleState.SCHEDULED)))

