"""Fault injection for the crash tests: a pause at a named point, so a test can kill the server exactly there.

Inert unless ``QMS_FAULT_PAUSE=point:seconds[,point:seconds…]`` is set; never set it in production.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

#: The points a test may pause at; a name not listed here in QMS_FAULT_PAUSE is refused at start-up.
POINTS = frozenset({
    "upload.stored", "upload.before_commit", "approve.before_commit", "approve.committed",
    "processing.running", "processing.stored",
})

_pauses: dict[str, float] = {}


def parse(value: str) -> dict[str, float]:
    """``"upload.stored:30,approve.committed:5"`` → {point: seconds}; an unknown point or bad number is an error."""
    pauses: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        point, _, seconds = item.rpartition(":")
        if point not in POINTS:
            raise ValueError(f"QMS_FAULT_PAUSE: unknown point {point!r}; known: {', '.join(sorted(POINTS))}")
        pauses[point] = float(seconds)
    return pauses


def pause(point: str) -> None:
    """Sleep at ``point`` when a test asked for it; the log line tells the test the process is there."""
    seconds = _pauses.get(point)
    if seconds:
        log.warning("fault pause at %s for %.1f s", point, seconds)
        time.sleep(seconds)


def init_app(app: Flask) -> None:
    _pauses.clear()
    _pauses.update(parse(app.config.get("FAULT_PAUSE") or ""))
