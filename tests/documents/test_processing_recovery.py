"""Runs a dead worker left behind are queued again: at start those of this host, always those past their lease."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from support.factories import upload

from qms import clock
from qms.documents import lifecycle, processing
from qms.models import RevisionProcessing

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def _queued(app, session, files, secretary, document, count: int) -> list[int]:
    """``count`` queued .doc uploads, one document each (the same bytes twice in one document are refused)."""
    app.extensions["qms.tasks"].huey.immediate = False  # no worker runs them here
    documents = [document] + [
        lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=f"QT-R{n}",
                                  title=f"Quy trình {n}", kind="process")
        for n in range(1, count)
    ]
    try:
        return [upload(session, files, secretary, each, (FORMATS / "process.doc").read_bytes(), f"Bản {n}",
                       filename=f"quy-trinh-{n}.doc").id for n, each in enumerate(documents)]
    finally:
        app.extensions["qms.tasks"].huey.immediate = True


def _claim(session, revision_id: int, claim: str, age_seconds: float) -> None:
    row = session.get(RevisionProcessing, revision_id)
    row.state, row.claim, row.attempts = "running", claim, 1
    row.claimed_at = clock.now() - timedelta(seconds=age_seconds)
    session.commit()


def test_a_worker_takes_back_its_hosts_dead_runs_at_start_and_anyones_after_the_lease(
    app, session, files, secretary, document
):
    mine_dead, others_fresh, others_expired, waiting = _queued(app, session, files, secretary, document, 4)
    _claim(session, mine_dead, "vm-1:100", 5)
    _claim(session, others_fresh, "vm-2:200", 5)
    _claim(session, others_expired, "vm-2:200", 4000)

    swept = processing.recover(session, "vm-1:300", lease_seconds=3600, at_start=False)
    assert swept == [others_expired]  # a live worker elsewhere keeps its run; the expired one is freed
    at_start = processing.recover(session, "vm-1:300", lease_seconds=3600, at_start=True)
    assert at_start == sorted([mine_dead, others_expired, waiting])  # every queued run is enqueued again
    session.expire_all()
    states = {rid: session.get(RevisionProcessing, rid).state for rid in (mine_dead, others_fresh, others_expired)}
    assert states == {mine_dead: "queued", others_fresh: "running", others_expired: "queued"}
    assert "khởi động lại" in session.get(RevisionProcessing, mine_dead).detail
