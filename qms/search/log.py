"""Appending to the index log, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.orm import Session

from qms import clock
from qms.models import IndexLogHead, IndexOperation, Revision

#: Set in ``session.info`` when a transaction logged something, so the request can drain after commit.
PENDING = "qms.index_pending"


def changed(session: Session, revisions: Iterable[Revision], *, apply_after_commit: bool = True) -> None:
    """Search must re-read these revisions; the entry commits (or not) with the change itself.

    With ``apply_after_commit=False`` the request does not apply it to the index after its commit (a Whoosh
    commit, ~100 ms): for an upload that a worker converts, the worker applies it with the converted text, and
    any search applies what is pending before it reads.
    """
    ids = sorted({revision.id for revision in revisions})
    if not ids:
        return
    _append(session, [{"revision_id": revision_id} for revision_id in ids], apply_after_commit)


def records_changed(session: Session, keys: Iterable[str]) -> None:
    """Search must re-read these records (``kind:id``, ``qms.search.record_entries.key``) after the commit."""
    unique = sorted(set(keys))
    if unique:
        _append(session, [{"record": key} for key in unique], True)


def _append(session: Session, targets: list[dict[str, object]], apply_after_commit: bool) -> None:
    session.flush()
    # The head row stays locked until commit, so positions are handed out in commit order
    # and an index that has applied position N has seen everything before it.
    last = session.execute(
        update(IndexLogHead)
        .where(IndexLogHead.id == 1)
        .values(position=IndexLogHead.position + len(targets))
        .returning(IndexLogHead.position)
    ).scalar_one()
    now = clock.now()
    first = last - len(targets) + 1
    session.add_all(
        IndexOperation(position=position, created_at=now, **target)
        for position, target in zip(range(first, last + 1), targets, strict=True)
    )
    if apply_after_commit:
        session.info[PENDING] = True
