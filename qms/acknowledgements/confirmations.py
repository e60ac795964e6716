"""A reader confirms «Tôi đã đọc và hiểu» for the revision in force: who, which revision, when, in the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms import clock
from qms.audit import trail
from qms.database import unit_of_work
from qms.documents import locks
from qms.documents.reading import get_revision
from qms.errors import Conflict, Forbidden
from qms.models import AcknowledgementRequest, User

NOT_ASKED = "Bạn không thuộc danh sách cần đọc tài liệu này."


def acknowledge(session: Session, actor: User, revision_id: int) -> AcknowledgementRequest:
    """Only the revision in force, only by a person asked to read it; confirming again changes nothing (idempotent:
    the first confirmation is returned and no second audit entry is written)."""
    revision = get_revision(session, actor, revision_id)  # not found before forbidden before conflict
    if actor.organization_id != revision.document.organization_id:
        raise Forbidden(NOT_ASKED, code="not_required")  # only the organisation's own people are ever asked
    with unit_of_work(session):
        revision = locks.lock_revision(session, revision_id)
        if not revision.is_current:
            raise Conflict("Chỉ xác nhận đã đọc được lần ban hành đang hiệu lực.", code="not_in_force")
        request = session.scalar(
            select(AcknowledgementRequest).where(AcknowledgementRequest.revision_id == revision.id,
                                                 AcknowledgementRequest.user_id == actor.id)
        )
        if request is None or (request.closed_at is not None and request.acknowledged_at is None):
            raise Forbidden(NOT_ASKED, code="not_required")
        if request.acknowledged_at is not None:
            return request
        request.acknowledged_at = clock.now()
        trail.record(session, "acknowledge", actor=actor, revision=revision, at=request.acknowledged_at,
                     details={"issue_number": revision.issue_number, "number": revision.number})
    return request
