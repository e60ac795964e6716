"""Corrective actions (hành động khắc phục) on nonconformities, and the one rule of when one is closed.

An action is closed from the day a revision of a document its finding concerns took effect after the action was
opened (the fix went into the system), or from the day an approver recorded it verified with evidence, whichever
came first. It is overdue on a day when it is still open and its due date has passed. The state is computed from
the recorded instants, so it is right for any day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.accounts import permissions
from qms.database import lock_row, unit_of_work
from qms.errors import Conflict, Invalid, NotFound
from qms.files.store import FileStore
from qms.models import AuditFinding, CorrectiveAction, FindingKind, InternalAudit, Revision, User
from qms.records import evidence, internal_audits, ownership
from qms.records.evidence import Upload

BY_REVISION, BY_VERIFICATION = "revision", "verified"


@dataclass(frozen=True)
class ActionState:
    action: CorrectiveAction
    #: The day it closed, if it had by the day asked.
    closed_on: date | None
    #: ``revision`` or ``verified``.
    closed_by: str | None
    #: The revision whose taking effect closed it.
    revision: Revision | None
    overdue: bool


def state_on(action: CorrectiveAction, day: date) -> ActionState:
    """The action's state at the end of ``day``."""
    candidates: list[tuple[date, str, Revision | None]] = []
    for document in action.finding.documents:
        for revision in document.revisions:
            if revision.took_effect_at is not None and revision.took_effect_at > action.created_at:
                took = clock.local_day(revision.took_effect_at)
                assert took is not None
                candidates.append((took, BY_REVISION, revision))
    verified = clock.local_day(action.verified_at)
    if verified is not None:
        candidates.append((verified, BY_VERIFICATION, None))
    closed = min((c for c in candidates if c[0] <= day), key=lambda c: (c[0], c[1] != BY_REVISION), default=None)
    if closed is not None:
        return ActionState(action, closed[0], closed[1], closed[2], False)
    return ActionState(action, None, None, None, action.due_on < day)


def create(
    session: Session, actor: User, finding_id: int, *, cause: str | None, action: str | None,
    responsible: str | None, due_on: date | None,
) -> CorrectiveAction:
    """The action on a nonconformity: cause, action, person responsible, due date; one per nonconformity."""
    finding = internal_audits.get_finding(session, actor, finding_id)
    organization_id = finding.audit.organization_id
    permissions.require_role(actor, evidence.WRITER_ROLES, organization_id)
    if finding.kind is not FindingKind.NONCONFORMITY:
        raise Invalid("Chỉ điểm không phù hợp mới cần hành động khắc phục.", code="not_a_nonconformity")
    cause = evidence.text(cause, "Cần ghi nguyên nhân.", "cause_required")
    what = evidence.text(action, "Cần ghi hành động khắc phục.", "action_required")
    who = evidence.text(responsible, "Cần ghi người chịu trách nhiệm.", "responsible_required", limit=200)
    due = evidence.required_date(due_on, "Cần ghi thời hạn hoàn thành.", "due_on_required")
    with unit_of_work(session):
        lock_row(session, AuditFinding, finding_id)
        if session.scalar(select(CorrectiveAction.id).where(CorrectiveAction.finding_id == finding_id)):
            raise Conflict("Điểm không phù hợp này đã có hành động khắc phục.", code="action_exists")
        corrective = CorrectiveAction(finding_id=finding_id, cause=cause, action=what, responsible=who, due_on=due,
                                      created_at=clock.now(), created_by_name=actor.full_name)
        session.add(corrective)
        session.flush()
        evidence.audit(session, "corrective_action_create", actor, organization_id,
                       f"corrective_action:{corrective.id}", {
                           "audit_finding_id": finding_id, "cause": cause, "action": what, "responsible": who,
                           "due_on": due.isoformat()})
        evidence.searchable(session, corrective)
    session.refresh(finding)
    return corrective


def verify(
    session: Session, files: FileStore, actor: User, action_id: int, *, note: str | None, evidence_file: Upload | None,
    today: date,
) -> CorrectiveAction:
    """An approver records the action carried out and effective, with a file as evidence."""
    corrective = get(session, actor, action_id)
    organization_id = corrective.finding.audit.organization_id
    permissions.require_role(actor, evidence.APPROVER_ROLES, organization_id)
    if state_on(corrective, today).closed_on is not None:
        raise Conflict("Hành động khắc phục này đã được đóng.", code="action_closed")
    stored = evidence.store(files, evidence_file, required="Cần tải lên tệp bằng chứng đã khắc phục.")
    assert stored is not None
    with unit_of_work(session):
        locked = lock_row(session, CorrectiveAction, action_id)
        assert locked is not None
        if locked.verified_at is not None:
            raise Conflict("Hành động khắc phục này đã được đóng.", code="action_closed")
        evidence.register_file(session, stored)
        locked.verified_at = clock.now()
        locked.verified_by_name, locked.verified_by_title = actor.full_name, actor.title
        locked.verification_note = evidence.optional_text(note)
        locked.evidence_sha256, locked.evidence_filename = stored.sha256, stored.filename
        evidence.audit(session, "corrective_action_verify", actor, organization_id, f"corrective_action:{action_id}",
                       {"note": locked.verification_note, "evidence": stored.filename}, stored.sha256)
        evidence.searchable(session, locked)
    evidence.read_later(stored)
    return locked


def get(session: Session, viewer: User, action_id: int) -> CorrectiveAction:
    corrective = session.get(CorrectiveAction, action_id)
    if corrective is None or not permissions.can_read(viewer, corrective.finding.audit.organization_id):
        raise NotFound("Không tìm thấy hành động khắc phục.")
    return corrective


def of_organization(session: Session, organization_id: int, day: date) -> list[ActionState]:
    """The actions recorded by ``day`` on the audits the organisation held that day (a merged organisation answers
    for its predecessors' open nonconformities), with their state on that day, by due date."""
    found = session.scalars(
        select(CorrectiveAction).join(CorrectiveAction.finding).join(AuditFinding.audit)
        .where(ownership.held_by(InternalAudit, organization_id, day))
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
    )
    recorded = [action for action in found if (clock.local_day(action.created_at) or day) <= day]
    return [state_on(action, day) for action in recorded]


def overdue(session: Session, organization_id: int, day: date) -> list[ActionState]:
    return [state for state in of_organization(session, organization_id, day) if state.overdue]
