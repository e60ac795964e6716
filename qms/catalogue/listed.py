"""The TTHC catalogue as a list: a page of an organisation's procedures, each with the process that covers it
(by the one coverage rule), sorted and filtered in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import listing
from qms.accounts import permissions
from qms.catalogue import coverage
from qms.catalogue.links import document_codes
from qms.catalogue.procedures import visible_organization
from qms.errors import Invalid
from qms.models import Document, Organization, Procedure, Role, User

#: Which procedures: those on the list now, those abolished, or both.
STATES = ("current", "abolished", "all")

CATALOGUE_SORTING = listing.Sorting(
    columns={
        "code": (Procedure.code,),
        "name": (Procedure.name,),
        "field": (Procedure.field,),
        "level": (Procedure.level,),
        "time": (Procedure.time_unit, Procedure.time_value),
    },
    default="code",
    tiebreak=(Procedure.id,),
)


@dataclass(frozen=True)
class CatalogueRow:
    procedure: Procedure
    #: The process in force that covers it; None when uncovered or abolished.
    process: Document | None


@dataclass(frozen=True)
class CataloguePage:
    organization: Organization
    page: listing.ListPage[CatalogueRow]
    #: The fields (lĩnh vực) of the organisation's list, for the facet.
    fields: list[str]
    #: The viewer may create the process of an uncovered procedure (the organisation's secretary).
    may_create: bool


def catalogue_page(
    session: Session,
    viewer: User,
    organization_code: str,
    request: listing.ListRequest | None = None,
    *,
    field: str | None = None,
    state: str = "all",
) -> CataloguePage:
    """A page of the organisation's catalogue with the covering process of each procedure; the text matches code
    and name with or without diacritics."""
    if state not in STATES:
        raise Invalid("Tình trạng phải là một trong: current, abolished, all.", code="invalid_state")
    organization = visible_organization(session, viewer, organization_code)
    query = select(Procedure).where(Procedure.organization_id == organization.id)
    if field is not None:
        query = query.where(Procedure.field == field)
    if state != "all":
        query = query.where(Procedure.is_abolished.is_(state == "abolished"))
    found = listing.page_of(
        session, query, request or listing.ListRequest(), CATALOGUE_SORTING, text=(Procedure.code, Procedure.name)
    )
    listed = [p for p in found.rows if not p.is_abolished and organization.is_active]
    processes = coverage.processes_linking(session, organization.id, [procedure.code for procedure in listed])
    covered, _uncovered = coverage.match(listed, processes, document_codes(session, processes))
    by_procedure = {item.procedure.id: item.document for item in covered}
    fields = list(session.scalars(
        select(Procedure.field).where(Procedure.organization_id == organization.id).distinct().order_by(Procedure.field)
    ))
    may_create = viewer.organization_id == organization.id and viewer.has_role(Role.SECRETARY)
    return CataloguePage(
        organization=organization,
        page=found.map(lambda procedure: CatalogueRow(procedure, by_procedure.get(procedure.id))),
        fields=[name for name in fields if name],
        may_create=may_create and permissions.can_read(viewer, organization.id),
    )
