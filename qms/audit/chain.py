"""The audit chain: how an entry is hashed, and the one walk of the chain that ``verify``, the overview and the
dossier all use.

The walk goes on past the first break, since an overview of many organisations needs every bad entry: an entry is
bad when its own hash does not match its content, when it does not follow the entry before it (both sides of a
broken link are named), or when entries are missing before it or at the end of the chain; the head is held to its
anchors outside the database and every revision row to its entries. Only the columns are read, never ORM objects,
so a long log stays cheap and what is judged is what is stored now.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.audit import anchors, revision_records
from qms.audit.anchors import Anchor, AnchorFile
from qms.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(entry: AuditEntry) -> str:
    """SHA-256 over the entry's canonical content, which includes the previous hash."""
    content = {
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.isoformat(timespec="microseconds"),
        "action": entry.action,
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "actor_name": entry.actor_name,
        "actor_title": entry.actor_title,
        "organization_id": entry.organization_id,
        "document_id": entry.document_id,
        "revision_id": entry.revision_id,
        "subject": entry.subject,
        "details": entry.details,
        "file_sha256": entry.file_sha256,
        "prev_hash": entry.prev_hash,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


@dataclass
class ChainHealth:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    bad_seqs: list[int] = field(default_factory=list)
    #: Organisations that own at least one bad entry.
    bad_organizations: set[int] = field(default_factory=set)
    first_bad: str | None = None
    #: Every problem found, in the order of the walk.
    problems: list[str] = field(default_factory=list)
    #: The hash of the last entry read (the head's, when the chain is sound).
    last_hash: str = GENESIS
    #: The latest anchor of the head kept outside the database, when there is one.
    last_anchor: Anchor | None = None
    # What is already listed, so a log with many bad entries is not compared with every one before it.
    _problems_listed: set[str] = field(default_factory=set, repr=False, compare=False)
    _seqs_listed: set[int] = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.first_bad is None

    def organization_ok(self, organization_id: int) -> bool:
        return organization_id not in self.bad_organizations

    def _fail(self, seq: int, organization_id: int | None, problem: str) -> None:
        if self.first_bad is None:
            self.first_bad = problem
        if problem not in self._problems_listed:
            self._problems_listed.add(problem)
            self.problems.append(problem)
        if seq not in self._seqs_listed:
            self._seqs_listed.add(seq)
            self.bad_seqs.append(seq)
        if organization_id is not None:
            self.bad_organizations.add(organization_id)


def check_chain(session: Session, anchor_file: AnchorFile | None = None) -> ChainHealth:
    """Every entry checked against its content and its neighbour, the chain's end against its head and its
    anchors, and every revision row against its entries."""
    health = ChainHealth()
    anchor_list = anchor_file.read() if anchor_file is not None else []
    health.last_anchor = anchor_list[-1] if anchor_list else None
    anchored = {anchor.seq for anchor in anchor_list}
    hashes: dict[int, str] = {}
    columns = select(*AuditEntry.__table__.columns).order_by(AuditEntry.seq).execution_options(yield_per=2000)
    previous_hash, previous_seq, previous_organization = GENESIS, 0, None
    for entry in session.execute(columns):
        health.entries += 1
        if entry.seq != previous_seq + 1:
            missing = f"audit entry {previous_seq + 1} is missing (next is {entry.seq})"
            health._fail(entry.seq, entry.organization_id, missing)
        if entry.prev_hash != previous_hash:
            problem = f"audit entry {entry.seq} does not follow entry {previous_seq}"
            health._fail(entry.seq, entry.organization_id, problem)
            if previous_seq:
                health._fail(previous_seq, previous_organization, problem)
        if entry_hash(entry) != entry.hash:  # type: ignore[arg-type]  # a row has the entry's attributes
            health._fail(entry.seq, entry.organization_id, f"audit entry {entry.seq} ({entry.action}) was altered")
        if entry.seq in anchored:
            hashes[entry.seq] = entry.hash
        previous_hash, previous_seq, previous_organization = entry.hash, entry.seq, entry.organization_id
    health.last_hash = previous_hash
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
    health.head_seq, health.head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
    if (health.head_seq, health.head_hash) != (previous_seq, previous_hash):
        problem = f"audit log ends at entry {previous_seq} but its head says {health.head_seq}: entries were removed"
        health._fail(previous_seq, previous_organization, problem)
    for problem in anchors.problems(anchor_list, hashes, previous_seq):
        health._fail(previous_seq, previous_organization, problem)
    for disagreement in revision_records.disagreements(session):
        health._fail(disagreement.seq or 0, disagreement.organization_id, disagreement.problem)
    return health
