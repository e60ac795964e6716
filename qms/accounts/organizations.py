"""Organisations as data: a tree whose codes and names change without touching documents."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.accounts import permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Conflict, Invalid, NotFound
from qms.messages import Message
from qms.models import (
    Document,
    Organization,
    OrganizationEvent,
    OrganizationEventMember,
    RestructureKind,
    Revision,
    User,
)
from qms.search import log as search_log

ORGANIZATION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def by_code(session: Session, code: str) -> Organization:
    organization = session.scalar(select(Organization).where(Organization.code == (code or "").strip()))
    if organization is None:
        raise NotFound(Message("Không tìm thấy đơn vị mã %(code)s.", code=code))
    return organization


def tree(session: Session) -> list[tuple[int, Organization]]:
    """Every organisation with its depth, parents before children, siblings by code."""
    everything = list(session.scalars(select(Organization).order_by(Organization.code)))
    children: dict[int | None, list[Organization]] = {}
    for organization in everything:
        children.setdefault(organization.parent_id, []).append(organization)
    ordered: list[tuple[int, Organization]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for organization in children.get(parent_id, []):
            ordered.append((depth, organization))
            walk(organization.id, depth + 1)

    walk(None, 0)
    return ordered


def descendant_ids(session: Session, organization_id: int) -> set[int]:
    """The organisation and everything below it."""
    found = {organization_id}
    frontier = [organization_id]
    while frontier:
        frontier = list(session.scalars(select(Organization.id).where(Organization.parent_id.in_(frontier))))
        frontier = [i for i in frontier if i not in found]
        found.update(frontier)
    return found


def _validate(code: str, name: str) -> tuple[str, str]:
    code, name = (code or "").strip(), " ".join((name or "").split())
    if not ORGANIZATION_CODE.match(code):
        raise Invalid(
            "Mã đơn vị chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang (tối đa 64 ký tự).", code="invalid_code"
        )
    if not name:
        raise Invalid("Cần nhập tên đơn vị.", code="name_required")
    return code, name


def create(session: Session, actor: User | None, code: str, name: str, parent_code: str | None = None) -> Organization:
    """``actor`` None is the operator at the command line."""
    if actor is not None:
        permissions.require_admin(actor)
    code, name = _validate(code, name)
    with unit_of_work(session):
        if session.scalar(select(Organization.id).where(Organization.code == code)):
            raise Conflict(Message("Mã đơn vị %(code)s đã tồn tại.", code=code), code="duplicate_code")
        parent = by_code(session, parent_code) if parent_code else None
        organization = Organization(code=code, name=name, parent_id=parent.id if parent else None)
        session.add(organization)
        session.flush()
        trail.record(
            session,
            "organization_create",
            actor=actor,
            organization_id=organization.id,
            subject=f"organization:{organization.id}",
            details={"code": code, "name": name, "parent": parent.code if parent else None},
        )
    return organization


def update(
    session: Session, actor: User | None, organization_id: int, *, code: str, name: str, parent_id: int | None
) -> Organization:
    """Rename, recode or move an organisation; its documents follow it by id."""
    if actor is not None:
        permissions.require_admin(actor)
    code, name = _validate(code, name)
    with unit_of_work(session):
        organization = session.get(Organization, organization_id)
        if organization is None:
            raise NotFound("Không tìm thấy đơn vị.")
        clash = session.scalar(
            select(Organization.id).where(Organization.code == code, Organization.id != organization.id)
        )
        if clash:
            raise Conflict(Message("Mã đơn vị %(code)s đã tồn tại.", code=code), code="duplicate_code")
        if parent_id is not None and parent_id in descendant_ids(session, organization.id):
            raise Invalid("Đơn vị cấp trên không thể là chính nó hoặc đơn vị trực thuộc nó.", code="invalid_parent")
        before = {"code": organization.code, "name": organization.name, "parent_id": organization.parent_id}
        if before["name"] != name:  # the name is searchable
            search_log.changed(
                session,
                session.scalars(
                    select(Revision).join(Revision.document).where(Document.organization_id == organization.id)
                ),
            )
        organization.code, organization.name, organization.parent_id = code, name, parent_id
        after = {"code": code, "name": name, "parent_id": parent_id}
        _record_lineage(session, actor, organization, before, after)
        trail.record(
            session,
            "organization_update",
            actor=actor,
            organization_id=organization.id,
            subject=f"organization:{organization.id}",
            details={"before": before, "after": after},
        )
    return organization


def _record_lineage(
    session: Session, actor: User | None, organization: Organization, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """A rename or a move under another parent is part of the organisation's lineage, from today."""
    changes = []
    if (before["code"], before["name"]) != (after["code"], after["name"]):
        changes.append(RestructureKind.RENAME)
    if before["parent_id"] != after["parent_id"]:
        changes.append(RestructureKind.MOVE)
    for kind in changes:
        event = OrganizationEvent(
            kind=kind, effective_on=clock.today(), created_by_id=actor.id if actor else None,
            details=trail.canonical_json({"before": before, "after": after}),
        )
        session.add(event)
        session.flush()
        for side in ("source", "target"):
            session.add(OrganizationEventMember(event_id=event.id, organization_id=organization.id, side=side))
