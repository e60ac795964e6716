"""Which organisation held a record of the quality system on a day, and which one made it.

A restructure carries records as it carries documents: the record keeps its id, its files and its audit entries;
its ``organization_id`` becomes the new holder and ``record_ownerships`` keeps where it was before. A record
without rows has always been its organisation's. Lists «as of a day» read the holder of that day; the items that
only an organisation's own act satisfies (a publication decision, approved objectives, the yearly confirmation)
also ask who made the record: its first holder.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from qms.errors import Invalid
from qms.models import RecordOwnership
from qms.models.records import CARRIED_RECORDS, record_holder_on

#: Each kind of record a restructure carries (findings, corrective actions and results go with theirs).
KINDS = CARRIED_RECORDS
_KIND_OF = {model: kind for kind, model in KINDS.items()}


def readable_day(day: date | None, today: date) -> date | None:
    """A day records are read as of: none (today's holders) or a day that has come."""
    if day is not None and day > today:
        raise Invalid("Ngày xem hồ sơ không được sau hôm nay.", code="invalid_date")
    return day


def kind_of(model: Any) -> str:
    return _KIND_OF[model]


def holder_on(model: Any, day: date) -> ColumnElement[int]:
    """The organisation that held each record of ``model`` on ``day`` (one rule with search's «as of a day»)."""
    return record_holder_on(model, day)


def maker(model: Any) -> ColumnElement[int]:
    """The organisation that made each record of ``model``: its first holder."""
    first = (
        select(RecordOwnership.organization_id)
        .where(RecordOwnership.record_kind == kind_of(model), RecordOwnership.record_id == model.id,
               RecordOwnership.valid_from.is_(None))
        .limit(1).scalar_subquery()
    )
    return func.coalesce(first, model.organization_id)


def held_by(model: Any, organization_id: int, day: date | None) -> ColumnElement[bool]:
    """The records the organisation held on ``day`` (today's holder when no day is given).

    What the scorecard, the annual report and the records pages call where they filter by organisation: a merged
    organisation holds its predecessors' records from the merger on, and a former one held its own until then.
    """
    if day is None:
        return model.organization_id == organization_id
    return holder_on(model, day) == organization_id


def made_by(model: Any, organization_id: int, day: date | None) -> ColumnElement[bool]:
    """The records the organisation held on ``day`` and made itself (not carried to it from another)."""
    return held_by(model, organization_id, day) & (maker(model) == organization_id)


def histories(session: Session, kind: str, record_ids: Iterable[int]) -> dict[int, list[RecordOwnership]]:
    """Where each record belonged over time, oldest first; records that never moved are left out."""
    ids = sorted(set(record_ids))
    found: dict[int, list[RecordOwnership]] = {}
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(RecordOwnership)
            .where(RecordOwnership.record_kind == kind, RecordOwnership.record_id.in_(ids[start:start + 500]))
            .order_by(RecordOwnership.record_id, RecordOwnership.valid_from.is_not(None), RecordOwnership.valid_from,
                      RecordOwnership.id)
        )
        for row in rows:
            found.setdefault(row.record_id, []).append(row)
    return found
