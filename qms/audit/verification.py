"""The audit chain's health kept between requests: a full walk on a schedule, pages walk only what came after it.

A full walk reads and hashes every entry and compares every revision row with its entries: seconds at a province's
size, too slow for each view of the overview. Each full walk is stored (``AuditVerification``); a page starts from
the latest one (what it found still stands: tampering is not undone), checks that its last entry is unchanged and
walks the entries written since. What a page cannot see between two full walks (an older entry or a revision row
changed without a new entry) the next full walk finds: the worker runs one every hour, ``flask qms verify`` and the
API's verify run one, and a page runs one itself when none is recent enough (no worker running).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.audit.anchors import AnchorFile
from qms.audit.chain import ChainHealth, ChainStart, check_after, check_chain
from qms.models import AuditVerification

#: Problems stored with a walk; the count is stored whole.
PROBLEMS_KEPT = 200

#: A page relies on a full walk this recent; older (no worker has run one), it runs one itself.
FULL_WALK_MAX_AGE = timedelta(hours=24)

#: Sources of a full walk.
SCHEDULED, VERIFY, PAGE = "scheduled", "verify", "page"


def latest(session: Session) -> AuditVerification | None:
    """The most recent full walk."""
    newest = select(AuditVerification).order_by(AuditVerification.checked_at.desc(), AuditVerification.id.desc())
    return session.scalars(newest.limit(1)).first()


def walk_and_keep(session: Session, anchor_file: AnchorFile | None, *, now: datetime, source: str) -> ChainHealth:
    """A full walk of the chain in one snapshot of the database, stored; its own unit of work."""
    engine = session.get_bind()
    snapshot = engine.execution_options(isolation_level="REPEATABLE READ") if engine.dialect.name == "postgresql" \
        else engine  # SQLite's transaction reads one snapshot already (qms.database emits BEGIN)
    # Its own connection: the walk must not see the caller's transaction half-way, nor end it.
    with Session(snapshot) as walk_session:
        health = check_chain(walk_session, anchor_file)
        walk_session.add(AuditVerification(
            checked_at=now, source=source, through_seq=health.last_seq, through_hash=health.last_hash,
            entries=health.entries, ok=health.ok, first_bad=health.first_bad, problem_count=len(health.problems),
            problems=json.dumps(health.problems[:PROBLEMS_KEPT], ensure_ascii=False),
            bad_organizations=json.dumps(sorted(health.bad_organizations)),
        ))
        walk_session.commit()
    health.fully_checked_at = now
    return health


def current_health(session: Session, anchor_file: AnchorFile | None, *, now: datetime,
                   max_age: timedelta = FULL_WALK_MAX_AGE) -> ChainHealth:
    """The chain's health now: the latest full walk younger than ``max_age`` and the entries written since, or a new
    full walk (stored) when there is none."""
    walk = latest(session)
    if walk is None or now - walk.checked_at > max_age:
        return walk_and_keep(session, anchor_file, now=now, source=PAGE)
    start = ChainStart(
        seq=walk.through_seq, hash=walk.through_hash, entries=walk.entries, first_bad=walk.first_bad,
        problems=tuple(json.loads(walk.problems)), bad_organizations=frozenset(json.loads(walk.bad_organizations)),
    )
    health = check_after(session, start, anchor_file)
    health.fully_checked_at = walk.checked_at
    return health
