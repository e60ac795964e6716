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
from datetime import datetime
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
    #: The last entry read and its hash (the head's, when the chain is sound).
    last_seq: int = 0
    last_hash: str = GENESIS
    #: The latest anchor of the head kept outside the database, when there is one.
    last_anchor: Anchor | None = None
    #: When the full walk this health rests on ran (``qms.audit.verification``); None for a walk not kept.
    fully_checked_at: datetime | None = None
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
    touched = _walk(session, health, anchor_file, after=(0, GENESIS))
    _check_revision_rows(session, health, touched, every_row=True)
    return health


def check_after(session: Session, start: ChainStart, anchor_file: AnchorFile | None = None) -> ChainHealth:
    """What a full walk found, brought up to now by reading only what came after it: the walk's last entry must be
    unchanged, every later entry sound, the head at the end and the anchors beyond it held, and the revision rows
    of the documents those entries are about must agree with their entries."""
    health = ChainHealth(entries=start.entries, first_bad=start.first_bad, problems=list(start.problems),
                         bad_organizations=set(start.bad_organizations))
    health._problems_listed.update(start.problems)
    if start.seq:
        kept = session.execute(select(*AuditEntry.__table__.columns).where(AuditEntry.seq == start.seq)).one_or_none()
        if kept is None:
            health._fail(start.seq, None, f"audit entry {start.seq}, the last one the full walk read, is missing: "
                                          "entries were removed")
        elif kept.hash != start.hash or entry_hash(kept) != kept.hash:  # type: ignore[arg-type]  # a row
            health._fail(start.seq, kept.organization_id,
                         f"audit entry {start.seq} ({kept.action}) was altered after the full walk")
    touched = _walk(session, health, anchor_file, after=(start.seq, start.hash))
    _check_revision_rows(session, health, touched, every_row=False)
    return health


@dataclass(frozen=True)
class ChainStart:
    """Where a full walk ended and what it found (``qms.audit.verification`` keeps them)."""

    seq: int
    hash: str
    entries: int
    first_bad: str | None
    problems: tuple[str, ...]
    bad_organizations: frozenset[int]


def _walk(session: Session, health: ChainHealth, anchor_file: AnchorFile | None, *,
          after: tuple[int, str]) -> set[int]:
    """The entries after ``after`` (seq, hash), the head and the anchors beyond ``after``; returns the documents the
    entries read are about."""
    after_seq, after_hash = after
    # The anchors before the entries, the head after them: each written after what it names, so nothing appended
    # meanwhile is taken for a removal.
    anchor_list = anchor_file.read() if anchor_file is not None else []
    health.last_anchor = anchor_list[-1] if anchor_list else None
    anchored = {anchor.seq for anchor in anchor_list if anchor.seq > after_seq}
    hashes: dict[int, str] = {}
    documents: set[int] = set()
    previous_hash, previous_seq, previous_organization = after_hash, after_seq, None
    while True:
        read = 0
        later = (select(*AuditEntry.__table__.columns).where(AuditEntry.seq > previous_seq)
                 .order_by(AuditEntry.seq).execution_options(yield_per=2000))
        for entry in session.execute(later):
            read += 1
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
            if entry.document_id is not None:
                documents.add(entry.document_id)
            previous_hash, previous_seq, previous_organization = entry.hash, entry.seq, entry.organization_id
        health.entries += read
        head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
        health.head_seq, health.head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS)
        # A head beyond the last entry read is an append committed during the walk (PostgreSQL reads each statement
        # at its own moment), or removed entries: read on until no entry comes.
        if health.head_seq <= previous_seq or not read:
            break
    health.last_seq, health.last_hash = previous_seq, previous_hash
    if (health.head_seq, health.head_hash) != (previous_seq, previous_hash):
        problem = f"audit log ends at entry {previous_seq} but its head says {health.head_seq}: entries were removed"
        health._fail(previous_seq, previous_organization, problem)
    beyond = [anchor for anchor in anchor_list if anchor.seq > after_seq]
    for problem in anchors.problems(beyond, hashes, previous_seq):
        health._fail(previous_seq, previous_organization, problem)
    return documents


def _check_revision_rows(session: Session, health: ChainHealth, documents: set[int], *, every_row: bool) -> None:
    found = revision_records.disagreements(session, None if every_row else documents)
    for disagreement in found:
        health._fail(disagreement.seq or 0, disagreement.organization_id, disagreement.problem)
