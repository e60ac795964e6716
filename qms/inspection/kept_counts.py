"""The overview's counts kept between requests, until the audit log moves on or the day changes.

Every change the overview counts (a revision, a link, a finding, a review item, a confirmation, a record) is written
with its audit entry in the same unit of work, so the chain's head names the state of the data: counts computed at
one head hold for every request that finds the same head, on the same day. An inspector who sorts, pages, filters
or downloads the overview pays for the counts once, not on each click. Kept per process, a few at a time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.models import AuditHead

T = TypeVar("T")

#: Counts kept at once: today's and a past day's, for a few parents, in each database a process serves.
KEPT = 16

_kept: OrderedDict[tuple[Hashable, ...], object] = OrderedDict()
_lock = threading.Lock()


def kept(session: Session, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s answer for ``key`` at the database's current audit head: computed once, then kept."""
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
    full_key = (str(session.get_bind().engine.url), tuple(head) if head is not None else None, *key)
    with _lock:
        if full_key in _kept:
            _kept.move_to_end(full_key)
            return _kept[full_key]  # type: ignore[return-value]  # stored by compute() under this key
    value = compute()
    with _lock:
        _kept[full_key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def clear() -> None:
    """Forget every count kept (what a test measures is the computation)."""
    with _lock:
        _kept.clear()
