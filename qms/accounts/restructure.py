"""Merging, splitting and moving organisations as of a day: the quality system is carried, nothing is copied.

A document keeps its id, revisions and history; its organisation changes and its ownership intervals record
where it belonged before. Clashes are never settled silently: a preview lists them, the resolutions settle them,
and carrying out a restructure with a clash left open is refused (409) naming it.

Resolutions (all optional, keys of documents are ``ORG:CODE`` as they are before the change):
- ``codes``: {"B:QT-01": "QT-01-B"}: the new code of a document whose code clashes in its target;
- ``procedures``: {"2.000635": "A:QT-HT-04"}: the process that stays in force for a TTHC covered twice; the
  others are withdrawn with the reason «sáp nhập»;
- ``documents`` (split): {"S:QT-01": "T2"}: where a document goes (default: the first target);
- ``users`` (split): {"username": "T2"}: where a user goes (default: the first target);
- ``records`` (split): {"internal_audit:12": "T2"}: where a record of the quality system goes (default: the first
  target, ``qms.records.carrying``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from qms.accounts import permissions
from qms.accounts.organizations import ORGANIZATION_CODE, by_code, descendant_ids
from qms.audit import trail
from qms.catalogue.codes import national_part, normalize_code
from qms.catalogue.coverage import match
from qms.catalogue.links import document_codes
from qms.database import unit_of_work
from qms.documents import as_of, lifecycle
from qms.errors import Conflict, Invalid
from qms.legal import reviews as legal_reviews
from qms.messages import Message, joined
from qms.models import (
    Document,
    DocumentKind,
    DocumentOwnership,
    DocumentStatus,
    LegalReview,
    Organization,
    OrganizationEvent,
    OrganizationEventMember,
    OrganizationStatus,
    Procedure,
    ProcedureTransfer,
    RestructureKind,
    RevisionStatus,
    User,
)
from qms.records import carrying
from qms.search import log as search_log

#: The reason a process covering a TTHC twice after a merger is withdrawn with.
MERGER_REASON = "sáp nhập"


def _ended(code: str) -> Message:
    """One refusal, said alike wherever an ended organisation is named."""
    return Message("Đơn vị %(code)s đã bị sáp nhập hoặc chia tách.", code=code)
KINDS = (RestructureKind.MERGE, RestructureKind.SPLIT, RestructureKind.MOVE)
#: No restructure is recorded before this day (a date before it is a typing error).
EARLIEST = date(1945, 9, 2)
_CATALOGUE_FIELDS = ("name", "field", "level", "time_text", "fee", "is_abolished")


@dataclass(frozen=True)
class TargetSpec:
    code: str
    name: str = ""
    parent: str | None = None


@dataclass
class Move:
    document_id: int
    source: str
    code: str
    target: str
    new_code: str | None = None

    @property
    def key(self) -> str:
        return f"{self.source}:{self.code}"


@dataclass
class Clash:
    #: "code" (two documents with one code in a target) or "procedure" (two processes for one TTHC).
    kind: str
    target: str
    #: The code or the TTHC code the documents share.
    subject: str
    documents: list[str]
    resolved: bool
    #: code: {document key: its new code}; procedure: {"keep": document key, "withdraw": [document keys]}.
    resolution: dict[str, Any] = field(default_factory=dict)
    #: procedure: each document's TTHC code as it links it (a national code and its provincial variant).
    codes: dict[str, str] = field(default_factory=dict)

    def describe(self) -> Message:
        if self.kind == "code":
            return Message("mã tài liệu %(code)s trùng tại %(target)s (%(documents)s)", code=self.subject,
                           target=self.target, documents=", ".join(self.documents))
        return Message("TTHC %(procedure)s có hai quy trình tại %(target)s (%(documents)s)", procedure=self.subject,
                       target=self.target, documents=", ".join(self.documents))


@dataclass
class CatalogueDifference:
    target: str
    code: str
    #: Organisation code → the row's published values, for each row of the code.
    rows: dict[str, dict[str, Any]]
    #: The fields whose values differ between the rows.
    differing: list[str]
    #: The organisation whose row is on the target's list after the change.
    kept: str


@dataclass
class TargetCoverage:
    target: str
    covered: int
    total: int
    percent: float
    uncovered: list[str]


@dataclass
class Plan:
    kind: RestructureKind
    effective_on: date
    sources: list[Organization]
    targets: list[TargetSpec]
    #: Target codes that do not exist yet and are created.
    new_targets: list[str]
    moves: list[Move]
    clashes: list[Clash]
    withdrawals: list[str]
    #: The ids of the documents withdrawn, as ``withdrawals`` names them.
    withdraw_ids: list[int]
    users: list[tuple[str, str, str]]
    procedures: list[tuple[int, str, str]]
    catalogue: list[CatalogueDifference]
    children: list[tuple[str, str]]
    coverage_after: list[TargetCoverage]
    new_parent: str | None = None
    #: Documents already in a target that take a new code to settle a clash; they stay where they are.
    recodes: list[Move] = field(default_factory=list)
    #: Where the moved organisation was before (a move), so the tree of an earlier day can be read back.
    former_parent: str | None = None
    #: Each child carried to a target → the former organisation it was under.
    children_from: dict[str, str] = field(default_factory=dict)
    #: The records of the quality system carried, by source (none in a move: the organisation keeps its own).
    records: list[carrying.RecordMove] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Clash]:
        return [clash for clash in self.clashes if not clash.resolved]

    def as_dict(self) -> dict[str, Any]:
        """What the preview shows and the audit entry keeps."""
        return {
            "kind": self.kind.value,
            "effective_on": self.effective_on.isoformat(),
            "sources": [s.code for s in self.sources],
            "targets": [{"code": t.code, "name": t.name, "parent": t.parent, "new": t.code in self.new_targets}
                        for t in self.targets],
            "new_parent": self.new_parent,
            **({"former_parent": self.former_parent} if self.kind is RestructureKind.MOVE else {}),
            "moves": [{"document_id": m.document_id, "from": m.source, "code": m.code, "to": m.target,
                       "new_code": m.new_code} for m in self.moves],
            "clashes": [{"kind": c.kind, "target": c.target, "subject": c.subject, "documents": c.documents,
                         "resolved": c.resolved, "resolution": c.resolution, "codes": c.codes,
                         "message": c.describe()}
                        for c in self.clashes],
            "code_changes": {m.key: m.new_code for m in [*self.moves, *self.recodes] if m.new_code},
            "withdrawals": self.withdrawals,
            "records": [move.as_dict() for move in self.records],
            "records_rule": carrying.rule([t.code for t in self.targets]) if self.kind is not RestructureKind.MOVE
            else "",
            "users": [{"username": u, "from": a, "to": b} for u, a, b in self.users],
            "catalogue": {
                "moved": len(self.procedures),
                "differences": [{"target": d.target, "code": d.code, "rows": d.rows, "differing": d.differing,
                                 "kept": d.kept} for d in self.catalogue],
            },
            "children": [{"code": c, "to": p, "from": self.children_from.get(c)} for c, p in self.children],
            "coverage_after": [{"target": c.target, "covered": c.covered, "total": c.total, "percent": c.percent,
                                "uncovered": c.uncovered} for c in self.coverage_after],
        }


# --- reading ---------------------------------------------------------------------------------


def preview(
    session: Session,
    actor: User | None,
    *,
    kind: str,
    sources: list[str],
    targets: list[Mapping[str, Any]],
    effective_on: date,
    resolutions: Mapping[str, Any] | None = None,
) -> Plan:
    """What the restructure would do, with its clashes and how the resolutions settle them; changes nothing."""
    if actor is not None:
        permissions.require_admin(actor)
    return _plan(session, kind, sources, targets, effective_on, dict(resolutions or {}))


def lineage(session: Session, organization_code: str) -> dict[str, Any]:
    """What the organisation was formed from and what it became, with dates, oldest first."""
    organization = by_code(session, organization_code)
    events = session.scalars(
        select(OrganizationEvent)
        .where(OrganizationEvent.members.any(OrganizationEventMember.organization_id == organization.id))
        .order_by(OrganizationEvent.effective_on, OrganizationEvent.id)
    )
    formed_from, became, moves, renames = [], [], [], []
    for event in events:
        entry = {
            "kind": event.kind.value,
            "effective_on": event.effective_on.isoformat(),
            "sources": [o.code for o in event.sources],
            "targets": [o.code for o in event.targets],
        }
        if event.kind is RestructureKind.RENAME:
            renames.append({**entry, "details": json.loads(event.details)})
        elif event.kind is RestructureKind.MOVE:
            moves.append(entry)
        elif organization in event.targets:
            formed_from.append(entry)
        else:
            became.append(entry)
    return {
        "code": organization.code,
        "name": organization.name,
        "status": organization.status.value,
        "merged_into": organization.merged_into.code if organization.merged_into else None,
        "formed_on": organization.formed_on.isoformat() if organization.formed_on else None,
        "ended_on": organization.ended_on.isoformat() if organization.ended_on else None,
        "formed_from": formed_from,
        "became": became,
        "moves": moves,
        "renames": renames,
    }


def document_history(session: Session, document_id: int) -> list[DocumentOwnership]:
    """Where a document belonged over time, oldest first; empty when it never moved."""
    return as_of.ownership_history(session, document_id)


# --- changing --------------------------------------------------------------------------------


def carry_out(
    session: Session,
    actor: User | None,
    *,
    kind: str,
    sources: list[str],
    targets: list[Mapping[str, Any]],
    effective_on: date,
    today: date,
    resolutions: Mapping[str, Any] | None = None,
) -> tuple[Plan, OrganizationEvent]:
    """Carry the restructure out in one unit of work, audited; a clash left open is a 409 naming it."""
    with unit_of_work(session):
        return carry_out_within(session, actor, kind=kind, sources=sources, targets=targets,
                                effective_on=effective_on, today=today, resolutions=resolutions)


def carry_out_within(
    session: Session,
    actor: User | None,
    *,
    kind: str,
    sources: list[str],
    targets: list[Mapping[str, Any]],
    effective_on: date,
    today: date,
    resolutions: Mapping[str, Any] | None = None,
) -> tuple[Plan, OrganizationEvent]:
    """``carry_out`` inside the caller's unit of work (a scheduled restructure is marked done in the same one)."""
    if actor is not None:
        permissions.require_admin(actor)
    if effective_on > today:
        raise Invalid("Ngày sắp xếp không được sau ngày hôm nay.", code="effective_on_future")
    plan = _plan(session, kind, sources, targets, effective_on, dict(resolutions or {}))
    require_settled(plan)
    return plan, _apply(session, actor, plan, today)


def require_settled(plan: Plan) -> None:
    """A clash left open is a 409 naming it."""
    if plan.unresolved:
        named = joined([clash.describe() for clash in plan.unresolved])
        raise Conflict(Message("Còn xung đột chưa xử lý: %(clashes)s.", clashes=named), code="unresolved_clashes")


def _apply(session: Session, actor: User | None, plan: Plan, today: date) -> OrganizationEvent:
    by_target: dict[str, Organization] = {}
    for spec in plan.targets:
        if spec.code in plan.new_targets:
            parent = by_code(session, spec.parent) if spec.parent else plan.sources[0].parent
            organization = Organization(
                code=spec.code, name=spec.name, parent_id=parent.id if parent else None, formed_on=plan.effective_on
            )
            session.add(organization)
            by_target[spec.code] = organization
        elif plan.kind is not RestructureKind.MOVE:
            by_target[spec.code] = by_code(session, spec.code)
    session.flush()
    event = OrganizationEvent(
        kind=plan.kind, effective_on=plan.effective_on, created_by_id=actor.id if actor else None,
        details=trail.canonical_json(plan.as_dict()),
    )
    session.add(event)
    session.flush()
    for source in plan.sources:
        session.add(OrganizationEventMember(event_id=event.id, organization_id=source.id, side="source"))
    if plan.kind is RestructureKind.MOVE:
        _move_under(session, plan, event)
    for organization in by_target.values():
        session.add(OrganizationEventMember(event_id=event.id, organization_id=organization.id, side="target"))

    _carry_documents(session, plan, event, by_target)
    carrying.carry(session, plan.records, {code: o.id for code, o in by_target.items()}, plan.effective_on, event.id)
    withdrawn = _withdraw_duplicates(session, actor, plan)
    codes = {o.code: o for o in plan.sources} | by_target
    if plan.procedures:
        source_ids = {o.code: o.id for o in plan.sources}
        session.execute(insert(ProcedureTransfer), [
            {"procedure_id": procedure_id, "from_organization_id": source_ids[source],
             "to_organization_id": codes[target].id, "effective_on": plan.effective_on, "event_id": event.id}
            for procedure_id, source, target in plan.procedures
        ])
    for target in {target for _, _, target in plan.procedures}:
        ids = [procedure_id for procedure_id, _, to in plan.procedures if to == target]
        _update_in(session, Procedure, Procedure.id, ids, organization_id=codes[target].id)
    for target in {target for _, _, target in plan.users}:
        names = [username for username, _, to in plan.users if to == target]
        _update_in(session, User, User.username, names, organization_id=codes[target].id)
    for target in {target for _, target in plan.children}:
        children = [child for child, to in plan.children if to == target]
        _update_in(session, Organization, Organization.code, children, parent_id=codes[target].id)
    if plan.kind is not RestructureKind.MOVE:
        for source in plan.sources:
            source.ended_on = plan.effective_on
            if plan.kind is RestructureKind.MERGE:
                source.status = OrganizationStatus.MERGED
                source.merged_into_id = by_target[plan.targets[0].code].id
            else:
                source.status = OrganizationStatus.SPLIT
    trail.record(
        session,
        "organization_restructure",
        actor=actor,
        organization_id=(by_target[plan.targets[0].code] if by_target else plan.sources[0]).id,
        subject=f"organization_event:{event.id}",
        details={k: v for k, v in plan.as_dict().items() if k not in ("moves", "coverage_after", "catalogue")}
        | {"event_id": event.id, "documents": len(plan.moves), "procedures": len(plan.procedures),
           "record_count": len(plan.records)},
    )
    if withdrawn:
        legal_reviews.refresh_reviews(session, today)
    return event


def _move_under(session: Session, plan: Plan, event: OrganizationEvent) -> None:
    source = plan.sources[0]
    parent = by_code(session, plan.new_parent) if plan.new_parent else None
    session.add(OrganizationEventMember(event_id=event.id, organization_id=source.id, side="target"))
    source.parent_id = parent.id if parent else None


def _carry_documents(
    session: Session, plan: Plan, event: OrganizationEvent, by_target: dict[str, Organization]
) -> None:
    moves = [*plan.moves, *plan.recodes]
    if not moves:
        return
    ids = [move.document_id for move in moves]
    documents = {d.id: d for d in _chunked(session, select(Document), Document.id, ids)}
    open_intervals = {
        o.document_id: o
        for o in _chunked(
            session, select(DocumentOwnership).where(DocumentOwnership.valid_until.is_(None)),
            DocumentOwnership.document_id, ids,
        )
    }
    last_day = plan.effective_on - timedelta(days=1)
    # A recoded document first takes a code no one has, so the unique (organisation, code) never sees a passing clash.
    for move in moves:
        if move.new_code:
            documents[move.document_id].code = f"~{move.document_id}"
    session.flush()
    for move in moves:
        document = documents[move.document_id]
        interval = open_intervals.get(document.id)
        if interval is not None:
            if interval.valid_from is not None and interval.valid_from > last_day:
                raise Invalid(
                    Message("Tài liệu %(document)s đã được chuyển từ ngày %(day)s, sau ngày sắp xếp.",
                            document=move.key, day=f"{interval.valid_from:%d/%m/%Y}"),
                    code="effective_on_before_previous",
                )
            interval.valid_until = last_day
        else:
            session.add(DocumentOwnership(
                document_id=document.id, organization_id=document.organization_id, code=move.code,
                valid_from=None, valid_until=last_day, event_id=event.id,
            ))
        target = by_target[move.target]
        document.organization_id = target.id
        document.organization = target
        document.code = move.new_code or move.code
        session.add(DocumentOwnership(
            document_id=document.id, organization_id=target.id, code=document.code,
            valid_from=plan.effective_on, valid_until=None, event_id=event.id,
        ))
    # The organisation is searchable and filtered on: every revision of a carried document is re-read.
    search_log.changed(session, [revision for document in documents.values() for revision in document.revisions])
    by_destination: dict[str, list[int]] = {}
    for move in plan.moves:
        by_destination.setdefault(move.target, []).append(move.document_id)
    for destination, document_ids in by_destination.items():
        _update_in(session, LegalReview, LegalReview.document_id, document_ids,
                   organization_id=by_target[destination].id)


def _withdraw_duplicates(session: Session, actor: User | None, plan: Plan) -> list[str]:
    withdrawn = []
    for key, document_id in zip(plan.withdrawals, plan.withdraw_ids, strict=True):
        document = session.get(Document, document_id)
        if document is not None and document.status is DocumentStatus.ACTIVE:
            lifecycle.withdraw_within(session, actor, document, MERGER_REASON)
            withdrawn.append(key)
    return withdrawn


def _update_in(session: Session, model: Any, column: Any, keys: list[Any], **values: Any) -> None:
    """One UPDATE per 500 keys; the rows read in this session are refreshed when next used."""
    session.flush()
    for start in range(0, len(keys), 500):
        session.execute(
            update(model).where(column.in_(keys[start:start + 500])).values(**values)
            .execution_options(synchronize_session=False)
        )
    session.expire_all()


def _chunked(session: Session, query: Any, column: Any, ids: list[int]) -> list[Any]:
    found: list[Any] = []
    for start in range(0, len(ids), 500):
        found.extend(session.scalars(query.where(column.in_(ids[start:start + 500]))))
    return found


# --- the plan --------------------------------------------------------------------------------


def _plan(
    session: Session,
    kind: str,
    source_codes: list[str],
    target_specs: list[Mapping[str, Any]],
    effective_on: date,
    resolutions: dict[str, Any],
) -> Plan:
    try:
        restructure = RestructureKind(kind)
    except ValueError:
        raise Invalid("Loại sắp xếp phải là merge, split hoặc move.", code="invalid_kind") from None
    if restructure not in KINDS:
        raise Invalid("Loại sắp xếp phải là merge, split hoặc move.", code="invalid_kind")
    if effective_on < EARLIEST:
        raise Invalid("Ngày sắp xếp không hợp lệ.", code="invalid_effective_on")
    sources = _sources(session, source_codes)
    targets = _targets(target_specs)
    shape = {
        RestructureKind.MERGE: (len(targets) == 1, Message("Sáp nhập: một hoặc nhiều đơn vị vào đúng một đơn vị.")),
        RestructureKind.SPLIT: (len(sources) == 1 and len(targets) >= 2,
                                Message("Chia tách: một đơn vị thành hai đơn vị trở lên.")),
        RestructureKind.MOVE: (len(sources) == 1 and len(targets) == 1,
                               Message("Chuyển: một đơn vị sang đơn vị cấp trên khác.")),
    }[restructure]
    if not shape[0]:
        raise Invalid(shape[1], code="invalid_shape")
    source_ids = {s.id for s in sources}
    if restructure is RestructureKind.MOVE:
        return _move_plan(session, sources[0], targets[0], effective_on)

    existing: dict[str, Organization] = {}
    new_targets: list[str] = []
    for spec in targets:
        found = session.scalar(select(Organization).where(Organization.code == spec.code))
        if found is None:
            if not ORGANIZATION_CODE.match(spec.code):
                raise Invalid(Message("Mã đơn vị %(code)s không hợp lệ.", code=spec.code), code="invalid_code")
            if not spec.name:
                raise Invalid(Message("Cần nhập tên đơn vị mới %(code)s.", code=spec.code), code="name_required")
            if spec.parent:
                by_code(session, spec.parent)
            new_targets.append(spec.code)
        elif found.id in source_ids:
            raise Invalid(Message("Đơn vị %(code)s vừa là đơn vị bị sắp xếp vừa là đơn vị nhận.", code=spec.code),
                          code="invalid_shape")
        elif not found.is_active:
            raise Conflict(_ended(spec.code), code="organization_ended")
        else:
            existing[spec.code] = found
    target_codes = [t.code for t in targets]

    documents = list(session.scalars(
        select(Document).where(Document.organization_id.in_(source_ids)).order_by(Document.organization_id,
                                                                                  Document.code)
    ))
    by_id = {s.id: s for s in sources}
    assignments = dict(resolutions.get("documents") or {})
    moves = []
    for document in documents:
        key = f"{by_id[document.organization_id].code}:{document.code}"
        target = assignments.get(key) or assignments.get(document.code) or target_codes[0]
        if target not in target_codes:
            raise Invalid(Message("Tài liệu %(document)s được giao cho %(target)s, không phải đơn vị nhận.",
                                  document=key, target=target), code="invalid_resolution")
        moves.append(Move(document.id, by_id[document.organization_id].code, document.code, target))

    renames = {str(k): " ".join(str(v).split()) for k, v in (resolutions.get("codes") or {}).items()}
    for key, new_code in renames.items():
        if not lifecycle.DOCUMENT_CODE.match(new_code):
            raise Invalid(Message("Mã mới của tài liệu %(document)s không hợp lệ: %(code)s.", document=key,
                                  code=new_code), code="invalid_code")
    for move in moves:
        if renames.get(move.key) and renames[move.key] != move.code:
            move.new_code = renames[move.key]
    clashes = _code_clashes(session, moves, existing, renames)
    withdrawals, procedure_clashes = _procedure_clashes(session, documents, moves, existing, resolutions)
    recodes = [
        Move(document.id, target, document.code, target, renames[f"{target}:{document.code}"])
        for target, organization in existing.items()
        for document in session.scalars(select(Document).where(Document.organization_id == organization.id))
        if renames.get(f"{target}:{document.code}", document.code) != document.code
    ]
    clashes.extend(procedure_clashes)

    users = []
    placements = dict(resolutions.get("users") or {})
    for user in session.scalars(select(User).where(User.organization_id.in_(source_ids)).order_by(User.username)):
        target = placements.get(user.username) or target_codes[0]
        if target not in target_codes:
            raise Invalid(Message("Người dùng %(username)s được giao cho %(target)s, không phải đơn vị nhận.",
                                  username=user.username, target=target), code="invalid_resolution")
        users.append((user.username, by_id[user.organization_id].code, target))

    procedures, catalogue = _catalogue(session, sources, existing, target_codes, moves, documents)
    under = [
        child for child in session.scalars(
            select(Organization).where(Organization.parent_id.in_(source_ids)).order_by(Organization.code)
        )
        if child.id not in source_ids
    ]
    children = [(child.code, target_codes[0]) for child in under]
    plan = Plan(
        kind=restructure, effective_on=effective_on, sources=sources, targets=targets, new_targets=new_targets,
        moves=moves, clashes=clashes, withdrawals=[key for key, _ in withdrawals],
        withdraw_ids=[document_id for _, document_id in withdrawals], users=users, procedures=procedures,
        catalogue=catalogue, children=children, coverage_after=[], recodes=recodes,
        children_from={child.code: by_id[child.parent_id].code for child in under if child.parent_id in by_id},
        records=carrying.planned(session, sources, target_codes, resolutions.get("records") or {}),
    )
    plan.coverage_after = _coverage_after(session, plan, existing, documents)
    return plan


def _move_plan(session: Session, source: Organization, spec: TargetSpec, effective_on: date) -> Plan:
    parent = by_code(session, spec.parent) if spec.parent else None
    if parent is not None and parent.id in descendant_ids(session, source.id):
        raise Invalid("Đơn vị cấp trên không thể là chính nó hoặc đơn vị trực thuộc nó.", code="invalid_parent")
    return Plan(
        kind=RestructureKind.MOVE, effective_on=effective_on, sources=[source], targets=[spec], new_targets=[],
        moves=[], clashes=[], withdrawals=[], withdraw_ids=[], users=[], procedures=[], catalogue=[], children=[],
        coverage_after=[],
        new_parent=parent.code if parent else None,
        former_parent=source.parent.code if source.parent else None,
    )


def _sources(session: Session, codes: list[str]) -> list[Organization]:
    if not codes:
        raise Invalid("Cần chọn đơn vị bị sắp xếp.", code="sources_required")
    found = []
    for code in dict.fromkeys(str(c).strip() for c in codes):
        organization = by_code(session, code)
        if not organization.is_active:
            raise Conflict(_ended(code), code="organization_ended")
        found.append(organization)
    return found


def _targets(specs: list[Mapping[str, Any]]) -> list[TargetSpec]:
    if not specs:
        raise Invalid("Cần nêu đơn vị nhận.", code="targets_required")
    targets = []
    for spec in specs:
        code = str(spec.get("code") or "").strip()
        if not code:
            raise Invalid("Cần nhập mã đơn vị nhận.", code="targets_required")
        targets.append(TargetSpec(code, " ".join(str(spec.get("name") or "").split()),
                                  str(spec.get("parent") or "").strip() or None))
    if len({t.code for t in targets}) != len(targets):
        raise Invalid("Đơn vị nhận bị lặp lại.", code="invalid_shape")
    return targets


def _code_clashes(
    session: Session, moves: list[Move], existing: dict[str, Organization], renames: dict[str, str]
) -> list[Clash]:
    """Documents sharing a code in one target, before and after the renames."""
    holders: dict[tuple[str, str], list[str]] = {}
    final: dict[tuple[str, str], list[str]] = {}
    for target, organization in existing.items():
        for code in session.scalars(select(Document.code).where(Document.organization_id == organization.id)):
            key = f"{target}:{code}"
            holders.setdefault((target, code), []).append(key)
            final.setdefault((target, renames.get(key, code)), []).append(key)
    for move in moves:
        holders.setdefault((move.target, move.code), []).append(move.key)
        final.setdefault((move.target, move.new_code or move.code), []).append(move.key)
    clashes = []
    for (target, code), keys in holders.items():
        if len(keys) < 2:
            continue
        changed = {key: renames[key] for key in keys if renames.get(key, code) != code}
        resolved = all(len(final[(target, renames.get(key, code))]) == 1 for key in keys)
        clashes.append(Clash("code", target, code, keys, resolved, changed))
    # A new code may itself land on a code already taken.
    for (target, code), keys in final.items():
        if len(keys) > 1 and (target, code) not in holders:
            clashes.append(Clash("code", target, code, keys, False, {key: code for key in keys}))
    return clashes


def _procedure_clashes(
    session: Session,
    documents: list[Document],
    moves: list[Move],
    existing: dict[str, Organization],
    resolutions: dict[str, Any],
) -> tuple[list[tuple[str, int]], list[Clash]]:
    """Active processes from different former organisations that serve the same TTHC in one target."""
    keyed: dict[int, tuple[str, str, Document]] = {}
    by_id = {d.id: d for d in documents}
    for move in moves:
        keyed[move.document_id] = (move.key, move.target, by_id[move.document_id])
    for target, organization in existing.items():
        for document in session.scalars(select(Document).where(Document.organization_id == organization.id)):
            keyed[document.id] = (f"{target}:{document.code}", target, document)
    active = [d for _, _, d in keyed.values() if d.status is DocumentStatus.ACTIVE and d.kind is DocumentKind.PROCESS]
    codes = document_codes(session, active)
    # Links grouped by national part: a national code and a provincial variant of it name one procedure.
    serving: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for document in active:
        for code in codes[document.id]:
            serving.setdefault((keyed[document.id][1], national_part(code)), []).append((document.id, code))
    chosen = {normalize_code(k): str(v) for k, v in (resolutions.get("procedures") or {}).items()}
    withdrawals: list[tuple[str, int]] = []
    clashes = []
    for (target, national), links in sorted(serving.items()):
        for cluster in _same_procedure(national, links):
            ids = list(dict.fromkeys(document_id for document_id, _ in cluster))
            origins = {keyed[i][0].partition(":")[0] for i in ids}
            if len(ids) < 2 or len(origins) < 2:
                continue
            named = sorted({code for _, code in cluster}, key=lambda c: (c != national, c))
            subject = " / ".join(named)
            keys = [keyed[i][0] for i in ids]
            ids_by_key = dict(zip(keys, ids, strict=True))
            keep = next((chosen[c] for c in (*named, national, normalize_code(subject)) if c in chosen), None)
            if keep is not None and keep not in keys:
                raise Invalid(Message("Quy trình được giữ cho TTHC %(procedure)s phải là một trong: %(documents)s.",
                                      procedure=subject, documents=", ".join(keys)), code="invalid_resolution")
            others = [k for k in keys if k != keep] if keep else []
            linked = {keyed[i][0]: code for i, code in reversed(cluster)}
            clashes.append(Clash("procedure", target, subject, keys, keep is not None,
                                 {"keep": keep, "withdraw": others} if keep else {}, codes=linked))
            withdrawals.extend((k, ids_by_key[k]) for k in others if (k, ids_by_key[k]) not in withdrawals)
    kept = {str(c.resolution["keep"]) for c in clashes if c.resolved}
    both = sorted(kept.intersection(k for k, _ in withdrawals))
    if both:
        raise Invalid(Message("Tài liệu %(documents)s vừa được giữ vừa bị thu hồi.", documents=", ".join(both)),
                      code="invalid_resolution")
    return withdrawals, clashes


def _same_procedure(national: str, links: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The links that name one procedure: all of them when one is the national code itself (it matches every
    variant), else one group per provincial variant (two different variants are two procedures)."""
    if any(code == national for _, code in links):
        return [links]
    variants = sorted({code for _, code in links})
    return [[link for link in links if link[1] == variant] for variant in variants]


def _catalogue(
    session: Session,
    sources: list[Organization],
    existing: dict[str, Organization],
    target_codes: list[str],
    moves: list[Move],
    documents: list[Document],
) -> tuple[list[tuple[int, str, str]], list[CatalogueDifference]]:
    """The TTHC rows carried to each target; a code already on the target's list stays with its former owner."""
    by_source = {s.id: s.code for s in sources}
    # In a split a procedure goes with the documents that serve it, else to the first target.
    served: dict[str, str] = {}
    if len(target_codes) > 1:
        target_of = {m.document_id: m.target for m in moves}
        for document_id, codes in document_codes(session, documents).items():
            for code in codes:
                served.setdefault(code, target_of[document_id])
    rows: dict[tuple[str, str], list[tuple[str, Procedure]]] = {}
    for target, organization in existing.items():
        for procedure in session.scalars(select(Procedure).where(Procedure.organization_id == organization.id)):
            rows.setdefault((target, procedure.code), []).append((target, procedure))
    found = session.scalars(
        select(Procedure).where(Procedure.organization_id.in_(list(by_source))).order_by(Procedure.code, Procedure.id)
    )
    ordered = sorted(found, key=lambda p: ([s.id for s in sources].index(p.organization_id), p.code))
    carried: list[tuple[int, str, str]] = []
    for procedure in ordered:
        target = served.get(normalize_code(procedure.code), target_codes[0])
        holders = rows.setdefault((target, procedure.code), [])
        if not holders:
            carried.append((procedure.id, by_source[procedure.organization_id], target))
        holders.append((by_source[procedure.organization_id], procedure))
    differences = []
    for (target, code), holders in sorted(rows.items()):
        if len(holders) < 2:
            continue
        values = {owner: {name: getattr(p, name) for name in _CATALOGUE_FIELDS} for owner, p in holders}
        differing = [name for name in _CATALOGUE_FIELDS if len({repr(v[name]) for v in values.values()}) > 1]
        differences.append(CatalogueDifference(target, code, values, differing, holders[0][0]))
    return carried, differences


def _coverage_after(
    session: Session, plan: Plan, existing: dict[str, Organization], documents: list[Document]
) -> list[TargetCoverage]:
    """Each target's catalogue after the change against the processes in force there, less those withdrawn."""
    procedure_ids = {target: [pid for pid, _, t in plan.procedures if t == target] for target in
                     (t.code for t in plan.targets)}
    withdrawn = set(plan.withdraw_ids)
    by_id = {d.id: d for d in documents}
    result = []
    for spec in plan.targets:
        organization = existing.get(spec.code)
        listed = list(session.scalars(select(Procedure).where(Procedure.id.in_(procedure_ids[spec.code]))))
        in_force: list[Document] = []
        if organization is not None:
            listed += session.scalars(select(Procedure).where(Procedure.organization_id == organization.id))
            in_force += [
                d for d in session.scalars(select(Document).where(Document.organization_id == organization.id))
                if d.id not in withdrawn
            ]
        in_force += [
            by_id[m.document_id] for m in plan.moves if m.target == spec.code and m.document_id not in withdrawn
        ]
        in_force = sorted(
            (d for d in in_force if d.status is DocumentStatus.ACTIVE
             and any(r.status is RevisionStatus.EFFECTIVE for r in d.revisions)),
            key=lambda d: d.code,
        )
        listed = sorted((p for p in listed if not p.is_abolished), key=lambda p: p.code)
        covered, uncovered = match(listed, in_force, document_codes(session, in_force))
        total = len(listed)
        result.append(TargetCoverage(spec.code, len(covered), total,
                                     round(100 * len(covered) / total, 1) if total else 0.0,
                                     [p.code for p in uncovered]))
    return result
