"""Every revision row compared with what the audit log recorded about it.

The chain proves the audit entries are intact, but the ``revisions`` table is an ordinary table: whoever
can write it could point an effective revision at another stored file or rename its approver, and the
register would show it. Each revision's row must agree with its entries: the file hash on every entry,
the people and dates of upload, submission, review, return, approval, taking effect and supersession,
and the status the entries lead to (a withdrawal names the revisions it ended).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.models import AuditEntry, Document, Revision, RevisionStatus

#: The row's timestamp is taken just before its entry's: both come from the same unit of work.
CLOCK_TOLERANCE = timedelta(seconds=60)

STATUS_AFTER = {
    "upload": RevisionStatus.DRAFT,
    "submit": RevisionStatus.IN_REVIEW,
    "pass": RevisionStatus.REVIEWED,
    "return": RevisionStatus.RETURNED,
    "approve": RevisionStatus.APPROVED,
    "take_effect": RevisionStatus.EFFECTIVE,
    "supersede": RevisionStatus.SUPERSEDED,
}


#: Documents compared per round when only some are.
_BATCH = 500


@dataclass(frozen=True)
class Disagreement:
    organization_id: int
    revision_id: int
    seq: int | None  # the entry the row contradicts, when there is one
    problem: str


def disagreements(session: Session, documents: Collection[int] | None = None) -> Iterator[Disagreement]:
    """Every revision row (of ``documents`` when given) checked against its audit entries, in revision order."""
    if documents is None:
        yield from _disagreements(session, None)
        return
    chosen = sorted(documents)
    for start in range(0, len(chosen), _BATCH):  # bounded IN lists: SQLite caps a statement's parameters
        yield from _disagreements(session, chosen[start:start + _BATCH])


def _disagreements(session: Session, documents: list[int] | None) -> Iterator[Disagreement]:
    entries: dict[int, list[Any]] = defaultdict(list)
    columns = (AuditEntry.seq, AuditEntry.action, AuditEntry.occurred_at, AuditEntry.actor_id,
               AuditEntry.actor_name, AuditEntry.actor_title, AuditEntry.revision_id, AuditEntry.details,
               AuditEntry.file_sha256)
    about_revisions = select(*columns).where(AuditEntry.revision_id.is_not(None)).order_by(AuditEntry.seq)
    if documents is not None:
        about_revisions = about_revisions.where(
            AuditEntry.revision_id.in_(select(Revision.id).where(Revision.document_id.in_(documents))))
    for entry in session.execute(about_revisions.execution_options(yield_per=2000)):
        entries[entry.revision_id].append(entry)
    withdrawn: dict[int, Any] = {}
    for entry in session.execute(select(*columns).where(AuditEntry.action == "withdraw").order_by(AuditEntry.seq)):
        for ended in _details(entry).get("revisions") or []:
            withdrawn[ended.get("revision_id")] = entry
    rows = (
        select(*Revision.__table__.columns, Document.organization_id)
        .join(Document, Document.id == Revision.document_id)
        .order_by(Revision.id)
        .execution_options(yield_per=1000)
    )
    if documents is not None:
        rows = rows.where(Revision.document_id.in_(documents))
    for row in session.execute(rows):
        for seq, problem in _row_problems(row, entries.get(row.id, []), withdrawn.get(row.id)):
            yield Disagreement(row.organization_id, row.id, seq, f"revision {row.id} (number {row.number} of "
                                                               f"document {row.document_id}): {problem}")


def _row_problems(row: Any, entries: list[Any], withdrawal: Any | None) -> Iterator[tuple[int | None, str]]:
    last = {entry.action: entry for entry in entries if entry.action in STATUS_AFTER}
    upload = last.get("upload")
    if upload is None:
        yield None, "the audit log has no upload of it"
        return
    for entry in entries:
        if entry.file_sha256 != row.file_sha256:
            yield entry.seq, _differs("stored file", row.file_sha256, entry.file_sha256, entry)
            break
    details = _details(upload)
    yield from _compare(upload, {
        "number": (row.number, details.get("number")),
        "filename": (row.filename, details.get("filename")),
        "size": (row.size, details.get("size")),
        "change summary": (row.change_summary, details.get("change_summary")),
        **_person("drafter", row, "drafted_by", upload),
    })
    yield from _compare_time(upload, "upload time", row.created_at)

    yield from _step(row, last.get("submit"), times={"submission time": row.submitted_at})
    yield from _step(row, last.get("pass"), people={"reviewer": "reviewed_by"},
                     times={"review time": row.reviewed_at})
    returned = last.get("return")
    yield from _step(row, returned, times={"return time": row.returned_at},
                     values={"returned by": (row.returned_by_name, returned.actor_name if returned else None),
                             "return comment": (row.return_comment,
                                                _details(returned).get("comment") if returned else None)})
    approval = last.get("approve")
    approved = _details(approval) if approval else {}
    yield from _step(row, approval, people={"approver": "approved_by"}, times={"approval time": row.approved_at},
                     values={"effective date": (row.effective_from and row.effective_from.isoformat(),
                                                approved.get("effective_from")),
                             "issue number": (row.issue_number, approved.get("issue_number"))})
    yield from _step(row, last.get("take_effect"), times={"time it took effect": row.took_effect_at})
    superseded = last.get("supersede")
    yield from _step(row, superseded, times={"supersession time": row.superseded_at},
                     values={"superseded by": (row.superseded_by_id,
                                               _details(superseded).get("superseded_by") if superseded else None)})

    # The status the entries lead to: the last status-changing entry, or the withdrawal after it.
    changes = [entry for entry in entries if entry.action in STATUS_AFTER]
    expected, cause = STATUS_AFTER[changes[-1].action], changes[-1]
    if withdrawal is not None and withdrawal.seq > cause.seq:
        expected, cause = RevisionStatus.OBSOLETE, withdrawal
    status = row.status if isinstance(row.status, RevisionStatus) else RevisionStatus(row.status)
    if status is not expected:
        yield cause.seq, _differs("status", status.value, expected.value, cause)


def _step(row: Any, entry: Any | None, *, people: dict[str, str] | None = None,
          times: dict[str, datetime | None] | None = None,
          values: dict[str, tuple[Any, Any]] | None = None) -> Iterator[tuple[int | None, str]]:
    """One workflow step: without its entry the row must not claim it; with it, the row must agree."""
    people, times, values = people or {}, times or {}, values or {}
    if entry is None:
        claimed = [name for name, prefix in people.items() if getattr(row, f"{prefix}_name") is not None]
        claimed += [name for name, value in times.items() if value is not None]
        claimed += [name for name, (value, _recorded) in values.items() if value is not None]
        if claimed:
            yield None, f"the revisions table has a {claimed[0]} but the audit log never recorded that step"
        return
    compared: dict[str, tuple[Any, Any]] = dict(values)
    for name, prefix in people.items():
        compared.update(_person(name, row, prefix, entry))
    yield from _compare(entry, compared)
    for name, value in times.items():
        yield from _compare_time(entry, name, value)


def _person(name: str, row: Any, prefix: str, entry: Any) -> dict[str, tuple[Any, Any]]:
    return {
        name: (getattr(row, f"{prefix}_id"), entry.actor_id),
        f"{name}'s name": (getattr(row, f"{prefix}_name"), entry.actor_name),
        f"{name}'s title": (getattr(row, f"{prefix}_title"), entry.actor_title),
    }


def _compare(entry: Any, pairs: dict[str, tuple[Any, Any]]) -> Iterator[tuple[int, str]]:
    for name, (in_row, recorded) in pairs.items():
        if in_row != recorded:
            yield entry.seq, _differs(name, in_row, recorded, entry)


def _compare_time(entry: Any, name: str, in_row: datetime | None) -> Iterator[tuple[int, str]]:
    if in_row is None or abs(_aware(in_row) - _aware(entry.occurred_at)) > CLOCK_TOLERANCE:
        yield entry.seq, _differs(name, in_row and in_row.isoformat(), entry.occurred_at.isoformat(), entry)


def _differs(name: str, in_row: Any, recorded: Any, entry: Any) -> str:
    return (f"{name} is {in_row!r} in the revisions table "
            f"but audit entry {entry.seq} ({entry.action}) recorded {recorded!r}")


def _details(entry: Any) -> dict[str, Any]:
    try:
        details = json.loads(entry.details or "{}")
    except ValueError:
        return {}
    return details if isinstance(details, dict) else {}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
