"""The audit chain's head anchored outside the database: one line per anchor in an append-only file.

Whoever can write the database can delete the last audit entries and roll ``audit_head`` back; the chain
then verifies. A copy of the head kept elsewhere (beside the backups, on another disk or host) ends that:
every anchor must still be found in the chain, entry ``seq`` with hash ``hash``. Each line is
``date seq hash source`` (source: ``daily``, ``overview:<username>``, ``dossier:<organisation>``…).
The file is only ever appended to, under an exclusive lock, and synced before the lock is released.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from qms.models import AuditHead

FILE_NAME = "audit-anchors.txt"
DAILY = "daily"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    day: date
    seq: int
    hash: str
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", "".join(self.source.split()) or "-")  # one field of its line

    def line(self) -> str:
        return f"{self.day.isoformat()} {self.seq} {self.hash} {self.source}\n"


class AnchorFile:
    """The append-only file of anchors of one installation."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def read(self) -> list[Anchor]:
        """Every anchor in the file, oldest first; a line that cannot be read is skipped (and logged)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        anchors = []
        for number, line in enumerate(text.splitlines(), start=1):
            parts = line.split()
            try:
                day, seq, digest = date.fromisoformat(parts[0]), int(parts[1]), parts[2]
            except (IndexError, ValueError):
                if line.strip():
                    log.warning("unreadable audit anchor line", extra={"path": str(self.path), "line": number})
                continue
            anchors.append(Anchor(day, seq, digest, parts[3] if len(parts) > 3 else ""))
        return anchors

    def last(self) -> Anchor | None:
        anchors = self.read()
        return anchors[-1] if anchors else None

    def append(self, anchor: Anchor, *, once_a_day: bool = False) -> Anchor | None:
        """Add one line; with ``once_a_day``, nothing when the anchor's source already anchored its day."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # several workers and cron append to one file
            try:
                if once_a_day and any(a.day == anchor.day and a.source == anchor.source for a in self.read()):
                    return None
                handle.write(anchor.line())
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return anchor

    def anchor_head(self, session: Session, day: date, source: str, *, once_a_day: bool = False) -> Anchor | None:
        """Anchor the head the database has now."""
        head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
        return self.append(Anchor(day, head.seq, head.hash, source), once_a_day=once_a_day)

    def try_append(self, anchor: Anchor, *, once_a_day: bool = False) -> Anchor | None:
        """``append`` as a side effect of reading: a failure to write is logged, never the reader's problem."""
        try:
            return self.append(anchor, once_a_day=once_a_day)
        except OSError:
            log.exception("audit anchor not written", extra={"path": str(self.path)})
            return None


def anchor_daily(session: Session, anchor_file: AnchorFile, today: date) -> Anchor | None:
    """Today's anchor, once a day whoever asks first (the first request of the day, or cron's
    ``flask qms anchor``)."""
    return anchor_file.anchor_head(session, today, DAILY, once_a_day=True)


def problems(anchors: Iterable[Anchor], hashes: Mapping[int, str], last_seq: int) -> list[str]:
    """Anchors the chain no longer holds: ``hashes`` maps each anchored seq to the chain's hash there."""
    found = []
    for anchor in anchors:
        if anchor.seq > last_seq:
            found.append(
                f"audit log ends at entry {last_seq} but entry {anchor.seq} was anchored on {anchor.day.isoformat()} "
                f"({anchor.source}): entries were removed"
            )
        elif anchor.seq > 0 and hashes.get(anchor.seq) != anchor.hash:
            found.append(
                f"audit entry {anchor.seq} is not the one anchored on {anchor.day.isoformat()} ({anchor.source})"
            )
    return found


def init_app(app: Flask) -> None:
    directory = app.config.get("BACKUP_DIR") or Path(app.config["STORAGE_DIR"]) / "backups"
    app.extensions["qms.anchors"] = AnchorFile(Path(directory) / FILE_NAME)


def anchor_file(app: Flask) -> AnchorFile:
    anchors: AnchorFile = app.extensions["qms.anchors"]
    return anchors
