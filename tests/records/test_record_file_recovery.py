"""A record's file whose reading a dead worker left running is queued again after the lease, as a revision's is."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import insert

from qms import clock
from qms.models import FileReading, ProcessingState, StoredFile
from qms.search import record_files


def _reading(session, files, content: bytes, state: str, minutes_ago: int) -> str:
    stored = files.put(io.BytesIO(content))
    sha256 = stored.sha256
    session.execute(insert(StoredFile).values(sha256=sha256, size=stored.size, created_at=clock.now()))
    session.execute(insert(FileReading).values(
        sha256=sha256, file_type="doc", state=state, text="", attempts=1,
        updated_at=clock.now() - timedelta(minutes=minutes_ago)))
    session.commit()
    return sha256


def test_a_reading_left_running_past_the_lease_is_queued_again_and_a_live_one_is_not(session, files):
    dead = _reading(session, files, b"dead worker's file", ProcessingState.RUNNING, minutes_ago=90)
    live = _reading(session, files, b"live worker's file", ProcessingState.RUNNING, minutes_ago=1)
    waiting = _reading(session, files, b"waiting file", ProcessingState.QUEUED, minutes_ago=1)

    assert record_files.recover(session, lease_seconds=3600, at_start=False) == [dead]
    assert session.get(FileReading, dead).state == ProcessingState.QUEUED
    assert session.get(FileReading, live).state == ProcessingState.RUNNING
    # At start, every queued reading is enqueued again: the queue may have lost its jobs with the worker.
    assert record_files.recover(session, lease_seconds=3600, at_start=True) == sorted([dead, waiting])
