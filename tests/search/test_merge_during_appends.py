"""Appends go on while small segments are merged, and every revision is in the index once afterwards.

The merge writes its segment from a snapshot without the writer lock, then swaps it in for exactly the
segments it read: what was appended meanwhile stays, and what was deleted meanwhile in those segments
(a revision re-indexed with its new status, a withdrawn document's revisions) stays deleted.
"""

from __future__ import annotations

import threading
import time

from support.concurrent_workers import CONTEXT, run_processes, settings_of, upload_revisions
from support.factories import make_docx, make_effective, upload

from qms.accounts import users
from qms.documents import lifecycle
from qms.extensions import db
from qms.search import index as index_module
from qms.search import merging, search_index
from qms.search.index import TINY_SEGMENT, SearchIndex
from qms.search.query import SearchParams, search


def indexed_ids(index: SearchIndex) -> list[int]:
    with index.searcher() as searcher:
        return sorted(int(fields["revision_id"]) for fields in searcher.all_stored_fields())


def one_segment_each(session, files, secretary, document, index, count, tag="Bản"):  # type: ignore[no-untyped-def]
    """``count`` uploads, each applied by itself: one tiny segment each, as requests leave them."""
    revisions = []
    for number in range(count):
        revisions.append(upload(session, files, secretary, document, make_docx(f"{tag} {number} kiemthu"), "Sửa"))
        assert index.apply_log(db.engine) == 1
    return revisions


def test_appends_and_deletions_made_during_a_merge_are_kept(
    app, session, files, secretary, reviewer, approver, document, today
):
    index = search_index(app)
    drafts = one_segment_each(session, files, secretary, document, index, 4)
    other = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="QT-HT-05", title="Chứng thực chữ ký", kind="process",
    )
    in_force = make_effective(session, files, other, secretary, reviewer, approver, today)
    index.apply_log(db.engine)
    ix, path = index._generation()
    before = len(ix._segments())

    merge = merging.prepare(ix, path, TINY_SEGMENT)
    assert merge is not None and len(merge.chosen) == before
    try:
        # Meanwhile: a new revision appended, one of the merged drafts re-indexed as submitted, and the
        # other document withdrawn (its revision re-indexed as obsolete): deletions in segments being merged.
        added = upload(session, files, secretary, document, make_docx("Bản mới kiemthu"), "Sửa")
        assert index.apply_log(db.engine) == 1
        lifecycle.act(session, secretary, drafts[-1].id, "submit", today=today)
        assert index.apply_log(db.engine) >= 1
        lifecycle.act(session, approver, in_force.id, "withdraw", today=today, comment="Bãi bỏ")
        assert index.apply_log(db.engine) >= 1
        assert merge.swap_in(writer_timeout=5)
    finally:
        merge.discard()

    index._refresh()
    assert index.compare(db.engine).ok  # every revision once, with its status now
    assert indexed_ids(index) == sorted([r.id for r in drafts] + [in_force.id, added.id])
    with index.searcher() as searcher:
        statuses = {int(f["revision_id"]): f["status"] for f in searcher.all_stored_fields()}
    assert statuses[drafts[-1].id] == "in_review" and statuses[in_force.id] == "obsolete"
    # The merged segment, then the three commits made during the merge; the chosen ones are gone.
    assert len(ix._segments()) == 4
    found = search(session, index, secretary, SearchParams(q="kiemthu", statuses=["all"]))
    assert sorted(hit.revision_id for hit in found.hits) == sorted([r.id for r in drafts] + [added.id])


def test_a_merge_whose_segments_were_merged_by_another_writer_gives_way(app, session, files, secretary, document):
    index = search_index(app)
    revisions = one_segment_each(session, files, secretary, document, index, 3)
    ix, path = index._generation()
    merge = merging.prepare(ix, path, TINY_SEGMENT)
    assert merge is not None
    try:
        assert SearchIndex(index.root).merge_segments() == 3  # maintenance in another process, meanwhile
        assert not merge.swap_in(writer_timeout=5)
    finally:
        merge.discard()
    index._refresh()
    assert index.compare(db.engine).ok
    assert indexed_ids(index) == sorted(r.id for r in revisions)


def test_a_merge_clears_what_a_merge_that_died_left(app, session, files, secretary, document):
    index = search_index(app)
    one_segment_each(session, files, secretary, document, index, 2)
    ix, path = index._generation()
    leftover = path / ".merge-99999-1-1"
    leftover.mkdir()
    (leftover / "MAIN_x.trm").write_bytes(b"half written")
    assert index.merge_segments() == 2
    assert not leftover.exists()
    assert index.compare(db.engine).ok


def test_appends_are_not_kept_waiting_by_a_merge(app, session, files, secretary, document, monkeypatch):
    monkeypatch.setattr(index_module, "MAX_SEGMENTS", 1000)  # no background merge of its own: this test's only
    index = search_index(app)
    index.writer_timeout = 0.5  # production's QMS_INDEX_WRITER_TIMEOUT
    for number in range(30):  # many distinct terms each: merging them takes a while
        words = " ".join(f"tu{number}x{i}" for i in range(400))
        upload(session, files, secretary, document, make_docx(f"Bản {number} kiemthu", words), "Sửa")
        assert index.apply_log(db.engine) == 1
    waiting = [upload(session, files, secretary, document, make_docx(f"Chờ {n} kiemthu"), "Sửa") for n in range(20)]
    ix, path = index._generation()
    merged: list[int | None] = []
    merger = threading.Thread(
        target=lambda: merged.append(merging.merge_below(ix, path, TINY_SEGMENT, writer_timeout=5))
    )
    merger.start()
    during = 0
    while merger.is_alive() and during < len(waiting):
        # Before: the merge held the writer lock throughout, so this waited 0.5 s and applied nothing.
        assert index.apply_log(db.engine, max_ops=1) == 1
        during += 1
    merger.join()
    assert merged[0] is not None and merged[0] >= 30  # the first append may have been in its snapshot
    assert during >= 1, "the merge ended before any append met it"
    while index.apply_log(db.engine):
        pass
    index._refresh()
    assert index.compare(db.engine).ok
    assert len(indexed_ids(index)) == 30 + len(waiting)


def test_uploads_from_several_processes_while_merges_run_are_each_found_once(app, session, files, secretary, document):
    uploaders, each = 3, 8
    upload(session, files, secretary, document, make_docx("Bản đầu kiemthu"), "Ban hành")
    index = search_index(app)
    index.apply_log(db.engine)
    token = users.issue_token(session, None, secretary)
    start, stop = CONTEXT.Barrier(uploaders), threading.Event()
    merges: list[int | None] = []

    def keep_merging() -> None:
        # Another handle on the same directory, as another worker's: merges whatever has piled up.
        other = SearchIndex(index.root)
        while not stop.is_set():
            ix, path = other._generation()
            merges.append(merging.merge_below(ix, path, TINY_SEGMENT, writer_timeout=5))
            time.sleep(0.05)

    merger = threading.Thread(target=keep_merging)
    merger.start()
    try:
        jobs = [
            (upload_revisions, (settings_of(app), token, document.id, f"w{w}", each, start)) for w in range(uploaders)
        ]
        uploaded = [answer for worker in run_processes(jobs, timeout=300) for answer in worker]
    finally:
        stop.set()
        merger.join(timeout=60)

    assert [status for status, _number, _id in uploaded] == [201] * uploaders * each
    assert any(merges), "no merge replaced any segment"
    while index.apply_log(db.engine, timeout=5):  # what a request left to the next one
        pass
    index._refresh()
    assert index.compare(db.engine).ok
    found = search(session, index, secretary, SearchParams(q="kiemthu", statuses=["all"], per_page=100))
    ids = [hit.revision_id for hit in found.hits]
    assert found.total == uploaders * each + 1 and len(set(ids)) == len(ids)
    assert {revision_id for _status, _number, revision_id in uploaded} <= set(ids)
