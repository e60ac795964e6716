"""The organisation tree as it was on a day: who existed, under which parent, and who had been merged or split.

An organisation existed on a day from its ``formed_on`` (or always) until the day before its ``ended_on``.
Its parent on a day is today's parent with every later restructure undone, latest first: a move restores
the former parent its event recorded, a merger or split puts the children of a former organisation back
under it. The scorecard, the overview and the search filters read the past from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.models import Organization, OrganizationEvent, OrganizationEventMember, OrganizationStatus, RestructureKind


@dataclass(frozen=True)
class OrganizationOn:
    organization: Organization
    #: The parent it had on the day (None: a root).
    parent: Organization | None
    depth: int


@dataclass(frozen=True)
class FormerOrganization:
    """An organisation that no longer existed as itself on the day: merged or split from ``ended_on``."""

    organization: Organization
    status: OrganizationStatus
    ended_on: date
    #: What it became: the organisation it was merged into, or those it was split into.
    successors: list[Organization]

    def label(self) -> str:
        """«đã sáp nhập vào C từ dd/mm/yyyy» (or «đã chia tách thành C, D từ …»)."""
        names = ", ".join(o.name for o in self.successors)
        if self.status is OrganizationStatus.MERGED:
            return f"đã sáp nhập vào {names} từ {self.ended_on:%d/%m/%Y}"
        return f"đã chia tách thành {names} từ {self.ended_on:%d/%m/%Y}"


@dataclass
class TreeOn:
    day: date
    #: The organisations that existed on the day, parents before children, siblings by code.
    organizations: list[OrganizationOn]
    #: The organisations merged or split on or before the day, by code.
    former: list[FormerOrganization]
    _children: dict[int | None, list[int]] = field(default_factory=dict, repr=False)

    def existed(self, organization_id: int) -> bool:
        return any(entry.organization.id == organization_id for entry in self.organizations)

    def by_code(self, code: str) -> Organization | None:
        """The organisation of that code if it existed on the day."""
        return next((e.organization for e in self.organizations if e.organization.code == code.strip()), None)

    def below(self, organization_id: int) -> set[int]:
        """The organisation and those under it on the day."""
        found = {organization_id}
        frontier = [organization_id]
        while frontier:
            frontier = [child for parent in frontier for child in self._children.get(parent, []) if child not in found]
            found.update(frontier)
        return found

    def parents(self) -> list[OrganizationOn]:
        """The organisations that had others under them on the day, in tree order."""
        return [entry for entry in self.organizations if self._children.get(entry.organization.id)]


def existed_on(organization: Organization, day: date) -> bool:
    """Formed by the day (or always there) and not yet merged or split."""
    formed = organization.formed_on is None or organization.formed_on <= day
    return formed and (organization.ended_on is None or day < organization.ended_on)


def organizations_on(session: Session, day: date) -> TreeOn:
    """The tree of ``day``: what existed then, under the parents of then, and what had ended by then."""
    everything = {o.id: o for o in session.scalars(select(Organization).order_by(Organization.code))}
    parent_of = _parents_on(session, everything, day)
    alive = [o for o in everything.values() if existed_on(o, day)]
    alive_ids = {o.id for o in alive}
    children: dict[int | None, list[int]] = {}
    for organization in alive:
        parent_id = parent_of.get(organization.id)
        # A parent that did not exist that day (formed later, or ended) leaves its child at the top.
        children.setdefault(parent_id if parent_id in alive_ids else None, []).append(organization.id)
    ordered: list[OrganizationOn] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child_id in children.get(parent_id, []):
            ordered.append(OrganizationOn(everything[child_id], everything.get(parent_id) if parent_id else None,
                                          depth))
            walk(child_id, depth + 1)

    walk(None, 0)
    return TreeOn(day, ordered, _former_on(session, everything, day), children)


def _parents_on(session: Session, everything: dict[int, Organization], day: date) -> dict[int, int | None]:
    parent_of: dict[int, int | None] = {o.id: o.parent_id for o in everything.values()}
    by_code = {o.code: o.id for o in everything.values()}
    later = session.scalars(
        select(OrganizationEvent).where(OrganizationEvent.effective_on > day)
        .order_by(OrganizationEvent.effective_on.desc(), OrganizationEvent.id.desc())
    )
    for event in later:
        details = json.loads(event.details or "{}")
        if event.kind is RestructureKind.MOVE and "former_parent" in details:
            for source in event.sources:
                parent_of[source.id] = by_code.get(details["former_parent"] or "")
        elif event.kind in (RestructureKind.MERGE, RestructureKind.SPLIT):
            sources = [o.code for o in event.sources]
            for child in details.get("children", []):
                former = child.get("from") or (sources[0] if len(sources) == 1 else None)
                if child.get("code") in by_code and former in by_code:
                    parent_of[by_code[child["code"]]] = by_code[former]
    return parent_of


def _former_on(session: Session, everything: dict[int, Organization], day: date) -> list[FormerOrganization]:
    ended = [o for o in everything.values() if o.ended_on is not None and o.ended_on <= day
             and o.status is not OrganizationStatus.ACTIVE]
    if not ended:
        return []
    rows = session.execute(
        select(OrganizationEventMember.organization_id, OrganizationEvent)
        .join(OrganizationEvent, OrganizationEvent.id == OrganizationEventMember.event_id)
        .where(OrganizationEventMember.side == "source",
               OrganizationEventMember.organization_id.in_([o.id for o in ended]),
               OrganizationEvent.kind.in_([RestructureKind.MERGE, RestructureKind.SPLIT]))
    ).all()
    successors: dict[int, list[Organization]] = {}
    for organization_id, event in rows:
        if event.effective_on == everything[organization_id].ended_on:
            successors[organization_id] = event.targets
    former = []
    for organization in ended:
        assert organization.ended_on is not None
        became = successors.get(organization.id) or (
            [organization.merged_into] if organization.merged_into is not None else [])
        former.append(FormerOrganization(organization, organization.status, organization.ended_on, became))
    return former
