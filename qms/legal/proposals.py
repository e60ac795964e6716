"""Proposed changes of the legal register: anyone signed in proposes, a registrar accepts or declines.

An accepted proposal is applied by the same functions as a registrar's direct edit (``register.apply_create`` and
``register.apply_update``), in the same unit of work that marks it accepted; both steps are audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from qms import clock, listing
from qms.accounts import permissions
from qms.audit import trail
from qms.database import unit_of_work
from qms.errors import Conflict, Forbidden, Invalid, NotFound
from qms.legal import register
from qms.messages import Message
from qms.models import LegalDocument, LegalProposal, ProposalKind, ProposalState, RelationKind, User

STATE_LABELS = {
    ProposalState.PENDING: "Chờ xem xét",
    ProposalState.ACCEPTED: "Đã chấp nhận",
    ProposalState.DECLINED: "Không chấp nhận",
}
_NOTE_LIMIT = 2000


def _jsonable(values: Mapping[str, Any], wanted: Mapping[RelationKind, list[str]]) -> dict[str, Any]:
    changes = {key: value.isoformat() if isinstance(value, date) else value for key, value in values.items()}
    for name, kind in register.RELATION_FIELDS.items():
        if kind in wanted:
            changes[name] = wanted[kind]
    return changes


def _loaded(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The stored JSON values back as the register's functions take them."""
    loaded = dict(changes)
    for field in ("issued_on", "effective_from"):
        if loaded.get(field):
            loaded[field] = date.fromisoformat(loaded[field])
    return loaded


def _clean_note(note: str | None) -> str:
    text = " ".join((note or "").replace("\x00", "").split())
    if len(text) > _NOTE_LIMIT:
        raise Invalid(Message("Ghi chú dài quá %(note_limit)s ký tự.", note_limit=_NOTE_LIMIT), code="too_long")
    return text


def propose(
    session: Session,
    actor: User,
    *,
    kind: ProposalKind | str,
    number: str,
    changes: Mapping[str, Any],
    note: str | None = "",
) -> LegalProposal:
    """Record a proposed addition (``create``) or edit (``update``) checked as the direct edit would be."""
    if permissions.is_read_only(actor):
        raise Forbidden("Đoàn kiểm tra chỉ được xem, không được thay đổi dữ liệu.", code="role_required")
    kind = ProposalKind(kind)
    if kind is ProposalKind.CREATE:
        canonical, values, wanted = register.check_new_document(number=number, **_new_fields(changes))
        existing = session.scalar(select(LegalDocument).where(LegalDocument.number == canonical))
        if existing is not None and not existing.is_stub:
            raise Conflict(
                Message("Văn bản %(canonical)s đã có trong danh mục.", canonical=canonical),
                code="duplicate_number",
            )
    else:
        document = register.find_document(session, number)
        canonical = document.number
        values, wanted = register.check_changes(canonical, changes)
        current = register.snapshot(session, document)
        values = {k: v for k, v in values.items() if _jsonable({k: v}, {})[k] != current[k]}
        wanted = {k: v for k, v in wanted.items() if sorted(v) != current[k.value]}
        if not values and not wanted:
            raise Invalid("Đề xuất chưa có thay đổi nào so với danh mục.", code="empty_proposal")
    proposal = LegalProposal(
        kind=kind,
        number=canonical,
        changes=_jsonable(values, wanted),
        note=_clean_note(note),
        state=ProposalState.PENDING,
        proposed_by_id=actor.id,
        proposed_at=clock.now(),
    )
    with unit_of_work(session):
        session.add(proposal)
        session.flush()
        trail.record(
            session,
            "legal_propose",
            actor=actor,
            subject=f"legal:{canonical}",
            details={
                "proposal_id": proposal.id, "kind": kind.value, "changes": proposal.changes, "note": proposal.note
            },
        )
    return proposal


def _new_fields(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(register.FIELDS) - set(register.RELATION_FIELDS)
    if unknown:
        raise Invalid(Message("Không có trường: %(values)s.", values=', '.join(sorted(unknown))), code="invalid_field")
    fields: dict[str, Any] = {field: changes[field] for field in register.FIELDS if changes.get(field) is not None}
    relations: dict[str, Iterable[str]] = {name: changes.get(name) or () for name in register.RELATION_FIELDS}
    return fields | relations


def may_decide(user: User) -> bool:
    return register.may_edit_register(user)


_PROPOSER = aliased(User)
_PENDING = LegalProposal.state == ProposalState.PENDING

#: How proposals sort: pending first, the oldest of them first, then the newest decided (the default); by number,
#: by proposer, by the day proposed.
PROPOSAL_SORTING = listing.Sorting(
    columns={
        "state": (case((_PENDING, 0), else_=1), case((_PENDING, LegalProposal.id), else_=-LegalProposal.id)),
        "number": (LegalProposal.number,),
        "proposer": (_PROPOSER.full_name,),
        "proposed_at": (LegalProposal.proposed_at,),
    },
    default="state",
    tiebreak=(LegalProposal.id,),
    descending_first=frozenset({"proposed_at"}),
)


def proposals_page(
    session: Session,
    actor: User,
    request: listing.ListRequest | None = None,
    *,
    state: ProposalState | str | None = None,
    kind: ProposalKind | str | None = None,
) -> listing.ListPage[LegalProposal]:
    """A page of the proposals: registrars see every one, everyone else their own; the text matches the number,
    the proposer's name and the note, with or without diacritics."""
    query = select(LegalProposal).join(_PROPOSER, _PROPOSER.id == LegalProposal.proposed_by_id)
    if not may_decide(actor):
        query = query.where(LegalProposal.proposed_by_id == actor.id)
    if state:
        query = query.where(LegalProposal.state == ProposalState(state))
    if kind:
        query = query.where(LegalProposal.kind == ProposalKind(kind))
    text = (LegalProposal.number, _PROPOSER.full_name, LegalProposal.note)
    return listing.page_of(session, query, request or listing.ListRequest(), PROPOSAL_SORTING, text=text)


def get_proposal(session: Session, actor: User, proposal_id: int) -> LegalProposal:
    """A proposal its author or a registrar sees; to others it does not exist (404 before any 403)."""
    proposal = session.get(LegalProposal, proposal_id)
    if proposal is None or not (may_decide(actor) or proposal.proposed_by_id == actor.id):
        raise NotFound("Không tìm thấy đề xuất.")
    return proposal


def _lock_pending(session: Session, proposal_id: int) -> LegalProposal:
    proposal = session.scalar(
        select(LegalProposal)
        .where(LegalProposal.id == proposal_id)
        .with_for_update(of=LegalProposal)
        .execution_options(populate_existing=True)
    )
    if proposal is None:
        raise NotFound("Không tìm thấy đề xuất.")
    if proposal.state is not ProposalState.PENDING:
        raise Conflict(
            Message("Đề xuất đã được xử lý (%(state)s).", state=Message(STATE_LABELS[proposal.state])),
            code="proposal_decided",
        )
    return proposal


def _require_decider(actor: User) -> None:
    if not may_decide(actor):
        raise Forbidden(
            "Chỉ Người quản lý danh mục văn bản hoặc Quản trị hệ thống được xử lý đề xuất.", code="role_required"
        )


def accept(session: Session, actor: User, proposal_id: int, *, today: date) -> LegalProposal:
    """Apply the proposal as the registrar's own edit (audited as such) and mark it accepted, in one transaction."""
    get_proposal(session, actor, proposal_id)
    _require_decider(actor)
    with unit_of_work(session):
        proposal = _lock_pending(session, proposal_id)
        changes = _loaded(proposal.changes)
        if proposal.kind is ProposalKind.CREATE:
            number, values, wanted = register.check_new_document(number=proposal.number, **_new_fields(changes))
            register.apply_create(session, actor, number, values, wanted, today=today)
        else:
            document = register.find_document(session, proposal.number)
            values, wanted = register.check_changes(document.number, changes)
            register.apply_update(session, actor, document.id, values, wanted, today=today)
        proposal.state = ProposalState.ACCEPTED
        proposal.decided_by_id = actor.id
        proposal.decided_at = clock.now()
        trail.record(
            session,
            "legal_proposal_accept",
            actor=actor,
            subject=f"legal:{proposal.number}",
            details={"proposal_id": proposal.id, "proposed_by": proposal.proposed_by.username},
        )
    return proposal


def decline(session: Session, actor: User, proposal_id: int, reason: str | None) -> LegalProposal:
    """Refuse the proposal with a reason the proposer reads; the register does not change."""
    get_proposal(session, actor, proposal_id)
    _require_decider(actor)
    text = _clean_note(reason)
    if not text:
        raise Invalid("Cần ghi lý do không chấp nhận đề xuất.", code="reason_required")
    with unit_of_work(session):
        proposal = _lock_pending(session, proposal_id)
        proposal.state = ProposalState.DECLINED
        proposal.decided_by_id = actor.id
        proposal.decided_at = clock.now()
        proposal.decision_reason = text
        trail.record(
            session,
            "legal_proposal_decline",
            actor=actor,
            subject=f"legal:{proposal.number}",
            details={"proposal_id": proposal.id, "proposed_by": proposal.proposed_by.username, "reason": text},
        )
    return proposal
