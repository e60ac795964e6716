"""The head of the agency confirms, once a year, that the quality system is maintained and effective."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from qms import listing
from qms.accounts import permissions
from qms.database import lock_row, unit_of_work
from qms.errors import Conflict, Invalid
from qms.files.store import FileStore
from qms.models import EffectivenessConfirmation, Organization, User
from qms.records import evidence, ownership
from qms.records.evidence import Upload
from qms.records.objectives import check_year

DEFAULT_STATEMENT = "Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 được duy trì, cải tiến và áp dụng có hiệu lực."


def confirm(
    session: Session, files: FileStore, actor: User, organization_code: str, *, year: int | None,
    statement: str | None, upload: Upload | None, today: date,
) -> EffectivenessConfirmation:
    """The approver's confirmation for a year that has begun; one per year of the organisation's own (those its
    predecessors gave, carried by a merger, confirmed their systems, not this one)."""
    organization = evidence.readable_organization(session, actor, organization_code)
    permissions.require_role(actor, evidence.APPROVER_ROLES, organization.id)
    year = check_year(year)
    if year > today.year:
        raise Invalid("Chưa thể xác nhận cho năm chưa bắt đầu.", code="invalid_year")
    text = evidence.optional_text(statement) or DEFAULT_STATEMENT
    stored = evidence.store(files, upload)
    with unit_of_work(session):
        lock_row(session, Organization, organization.id)  # two approvers confirming at once: one waits, then sees it
        if of_year(session, organization.id, year) is not None:
            raise Conflict(f"Năm {year} đã được xác nhận.", code="already_confirmed")
        evidence.register_file(session, stored)
        confirmation = EffectivenessConfirmation(
            organization_id=organization.id, year=year, confirmed_on=today, statement=text,
            confirmed_by_name=actor.full_name, confirmed_by_title=actor.title,
            file_sha256=stored.sha256 if stored else None, filename=stored.filename if stored else None,
        )
        session.add(confirmation)
        session.flush()
        evidence.audit(session, "effectiveness_confirm", actor, organization.id,
                       f"effectiveness_confirmation:{confirmation.id}",
                       {"year": year, "statement": text, "file": stored.filename if stored else None},
                       stored.sha256 if stored else None)
        evidence.searchable(session, confirmation)
    evidence.read_later(stored)
    return confirmation


def of_year(
    session: Session, organization_id: int, year: int, day: date | None = None
) -> EffectivenessConfirmation | None:
    """The year's confirmation the organisation gave itself, if it did (and held it on ``day`` when given)."""
    found = session.scalar(select(EffectivenessConfirmation).where(
        ownership.made_by(EffectivenessConfirmation, organization_id, day), EffectivenessConfirmation.year == year)
        .limit(1))
    if found is not None and day is not None and found.confirmed_on > day:
        return None
    return found


def confirmations(session: Session, viewer: User, organization_code: str, day: date | None = None
                  ) -> list[EffectivenessConfirmation]:
    """Latest year first; with a day, those the organisation held then and given by then."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    return list(session.scalars(_held_then(organization.id, day).order_by(EffectivenessConfirmation.year.desc(),
                                                                          EffectivenessConfirmation.id)))


def _held_then(organization_id: int, day: date | None) -> Select[EffectivenessConfirmation]:
    """The confirmations the organisation holds (on ``day``: held by it then, and given by then)."""
    query = select(EffectivenessConfirmation).where(
        ownership.held_by(EffectivenessConfirmation, organization_id, day))
    return query if day is None else query.where(EffectivenessConfirmation.confirmed_on <= day)


#: Latest year first unless asked otherwise.
SORTING = listing.Sorting(
    columns={"year": (EffectivenessConfirmation.year,), "confirmed_on": (EffectivenessConfirmation.confirmed_on,)},
    default="year",
    tiebreak=(EffectivenessConfirmation.id,),
    descending_first=frozenset({"year", "confirmed_on"}),
)


def confirmations_page(
    session: Session, viewer: User, organization_code: str, request: listing.ListRequest, *, today: date,
    as_of: date | None = None,
) -> listing.ListPage[EffectivenessConfirmation]:
    """A page of the confirmations the organisation holds now, or held on ``as_of`` as its records page lists them;
    the text matches the statement and who confirmed."""
    organization = evidence.readable_organization(session, viewer, organization_code)
    day = ownership.readable_day(as_of, today)
    return listing.page_of(session, _held_then(organization.id, day), request, SORTING,
                           text=(EffectivenessConfirmation.statement, EffectivenessConfirmation.confirmed_by_name))
