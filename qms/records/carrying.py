"""Records of the quality system carried by a merger or split: planned per source, then moved with their history.

Nothing is copied: each record keeps its id, files, findings, actions, results and audit entries; its organisation
becomes the target and ``record_ownerships`` keeps where it belonged until the day before. In a split every record
of the agency goes to the first target named (the successor that answers for the whole agency's publication,
reviews and yearly confirmation) unless a resolution names another target for it (``records``: {"KIND:ID": code}).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qms.errors import Invalid
from qms.messages import Message
from qms.models import (
    AuditFinding,
    CorrectiveAction,
    EffectivenessConfirmation,
    InternalAudit,
    ManagementReview,
    Organization,
    Publication,
    QualityObjective,
    RecordOwnership,
)
from qms.records.ownership import KINDS
from qms.search import log as search_log


@dataclass(frozen=True)
class RecordMove:
    kind: str
    record_id: int
    source: str
    target: str
    #: What the record is, as the preview names it.
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.record_id, "key": self.key, "from": self.source, "to": self.target,
                "label": self.label}


def describe(record: Any) -> str:
    """The record as the preview and the history name it."""
    if isinstance(record, Publication):
        return f"Quyết định công bố số {record.number} ngày {record.signed_on:%d/%m/%Y}"
    if isinstance(record, InternalAudit):
        return f"Đánh giá nội bộ ngày {record.starts_on:%d/%m/%Y} ({len(record.findings)} phát hiện)"
    if isinstance(record, ManagementReview):
        return f"Xem xét của lãnh đạo ngày {record.held_on:%d/%m/%Y}"
    if isinstance(record, QualityObjective):
        return f"Mục tiêu chất lượng năm {record.year}: {record.title}"
    assert isinstance(record, EffectivenessConfirmation)
    return f"Xác nhận hiệu lực năm {record.year}"


def rule(target_codes: list[str]) -> Message:
    """Where the records go, as the preview states it."""
    if len(target_codes) == 1:
        return Message("Mọi hồ sơ HTQLCL của đơn vị cũ chuyển sang %(target)s.", target=target_codes[0])
    return Message("Hồ sơ HTQLCL của cả đơn vị (công bố, đánh giá nội bộ, xem xét của lãnh đạo, mục tiêu, xác nhận "
                   "hiệu lực) chuyển sang %(target)s, trừ hồ sơ được giao cho đơn vị nhận khác.",
                   target=target_codes[0])


def planned(
    session: Session, sources: list[Organization], target_codes: list[str], assignments: Mapping[str, Any]
) -> list[RecordMove]:
    """The records each source holds now and the target each goes to, by source, kind and date."""
    by_id = {source.id: source.code for source in sources}
    wanted = {str(key).strip(): str(value).strip() for key, value in assignments.items()}
    moves = []
    for kind, model in KINDS.items():
        for record in session.scalars(
            select(model).where(model.organization_id.in_(list(by_id))).order_by(model.organization_id, model.id)
        ):
            key = f"{kind}:{record.id}"
            target = wanted.pop(key, None) or target_codes[0]
            if target not in target_codes:
                raise Invalid(Message("Hồ sơ %(record)s được giao cho %(target)s, không phải đơn vị nhận.",
                                      record=key, target=target), code="invalid_resolution")
            moves.append(RecordMove(kind, record.id, by_id[record.organization_id], target, describe(record)))
    if wanted:
        raise Invalid(Message("Không có hồ sơ %(records)s ở đơn vị bị sắp xếp.", records=", ".join(sorted(wanted))),
                      code="invalid_resolution")
    order = [source.code for source in sources]
    return sorted(moves, key=lambda m: (order.index(m.source), list(KINDS).index(m.kind), m.record_id))


def carry(
    session: Session, moves: list[RecordMove], targets: Mapping[str, int], effective_on: date, event_id: int
) -> None:
    """Close each record's interval on the day before, open the target's from ``effective_on``, change its holder."""
    if not moves:
        return
    last_day = effective_on - timedelta(days=1)
    for kind in KINDS:
        ids = [move.record_id for move in moves if move.kind == kind]
        if not ids:
            continue
        model = KINDS[kind]
        holders = {record_id: holder for record_id, holder in
                   session.execute(select(model.id, model.organization_id).where(model.id.in_(ids)))}
        open_intervals = {
            row.record_id: row for row in session.scalars(
                select(RecordOwnership).where(RecordOwnership.record_kind == kind, RecordOwnership.record_id.in_(ids),
                                              RecordOwnership.valid_until.is_(None)))
        }
        for move in (m for m in moves if m.kind == kind):
            interval = open_intervals.get(move.record_id)
            if interval is None:
                session.add(RecordOwnership(record_kind=kind, record_id=move.record_id,
                                            organization_id=holders[move.record_id], valid_from=None,
                                            valid_until=last_day, event_id=event_id))
            elif interval.valid_from is not None and interval.valid_from > last_day:
                raise Invalid(Message("Hồ sơ %(record)s đã được chuyển từ ngày %(day)s, sau ngày sắp xếp.",
                                      record=move.key, day=f"{interval.valid_from:%d/%m/%Y}"),
                              code="effective_on_before_previous")
            else:
                interval.valid_until = last_day
            session.add(RecordOwnership(record_kind=kind, record_id=move.record_id,
                                        organization_id=targets[move.target], valid_from=effective_on,
                                        valid_until=None, event_id=event_id))
        session.flush()
        for target in {move.target for move in moves if move.kind == kind}:
            session.execute(
                update(model).where(model.id.in_([m.record_id for m in moves if m.kind == kind and m.target == target]))
                .values(organization_id=targets[target]).execution_options(synchronize_session=False)
            )
    session.expire_all()
    # Search filters by the holder: the moved records, and the corrective actions of moved audits, are read again.
    audits = [move.record_id for move in moves if move.kind == "internal_audit"]
    actions: list[int] = list(session.scalars(
        select(CorrectiveAction.id).join(AuditFinding, CorrectiveAction.finding_id == AuditFinding.id)
        .where(AuditFinding.audit_id.in_(audits))
    )) if audits else []
    search_log.records_changed(session, [move.key for move in moves] + [f"corrective_action:{i}" for i in actions])
