"""The index follows the database through the log; it can be rebuilt, verified and repaired."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select
from support.factories import make_docx, make_effective, upload

from qms.documents import lifecycle
from qms.extensions import db
from qms.models import Revision
from qms.search import search_index
from qms.search.index import IndexUnavailable, SearchIndex, revision_fields


def indexed_ids(index: SearchIndex) -> list[int]:
    with index.searcher() as searcher:
        return sorted(int(f["revision_id"]) for f in searcher.all_stored_fields())


def test_a_change_is_searchable_after_the_request_that_made_it(app, client, session, files, secretary, document):
    from support.pages import login

    login(client, secretary)
    response = client.post(f"/documents/{document.id}/upload", data={
        "file": (__import__("io").BytesIO(make_docx("Trích lục")), "qt.docx"), "change_summary": "Ban hành"},
        content_type="multipart/form-data")
    assert response.status_code in (302, 303)
    index = search_index(app)
    assert index.pending(db.engine) == 0
    assert len(indexed_ids(index)) == 1


def test_operations_left_by_a_crash_are_applied_later(
    app, session, files, secretary, reviewer, approver, document, today
):
    # A process that commits and dies before touching the index: the log keeps the work.
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    index = search_index(app)
    assert index.pending(db.engine) > 0
    assert indexed_ids(index) == []
    index.apply_log(db.engine)
    assert index.pending(db.engine) == 0
    assert indexed_ids(index) == [revision.id]


def test_a_busy_writer_defers_without_losing_anything(app, session, files, secretary, document):
    upload(session, files, secretary, document)
    index = search_index(app)
    index.position()  # open it
    holder = index._index().writer()
    try:
        assert index.apply_log(db.engine, timeout=0.05) == 0
    finally:
        holder.cancel()
    assert index.apply_log(db.engine) == 1


def test_each_index_keeps_its_own_position(app, tmp_path, session, files, secretary, document):
    upload(session, files, secretary, document)
    first, second = search_index(app), SearchIndex(tmp_path / "second-host-index")
    first.apply_log(db.engine)
    assert second.pending(db.engine) == 1
    second.apply_log(db.engine)
    assert indexed_ids(first) == indexed_ids(second)


def test_rebuild_swaps_in_a_new_generation(app, session, files, secretary, reviewer, approver, document, today):
    make_effective(session, files, document, secretary, reviewer, approver, today)
    index = search_index(app)
    index.apply_log(db.engine)
    before = index._current()
    seen = []
    assert index.rebuild(db.engine, lambda done, total: seen.append((done, total))) == 1
    assert index._current() != before and not before.exists()
    assert seen[-1] == (1, 1)
    assert index.compare(db.engine).ok


def test_failed_rebuild_leaves_the_old_index_serving(app, session, files, secretary, document, monkeypatch):
    upload(session, files, secretary, document)
    index = search_index(app)
    index.apply_log(db.engine)
    before = index._current()

    def broken(revision):
        raise RuntimeError("disk full")

    monkeypatch.setattr("qms.search.build.revision_fields", broken)
    index.build_processes = 1
    with contextlib.suppress(RuntimeError):
        index.rebuild(db.engine)
    assert index._current() == before
    assert [p.name for p in index.root.iterdir() if p.name.startswith("gen-")] == [before.name]
    assert len(indexed_ids(index)) == 1


def test_compare_finds_missing_extra_and_stale_and_repair_fixes_them(
    app, session, files, secretary, reviewer, approver, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = upload(session, files, secretary, document, make_docx("v2"), "Sửa")
    index = search_index(app)
    index.apply_log(db.engine)
    writer = index._index().writer()
    writer.delete_by_term("revision_id", str(second.id))
    ghost = revision_fields(session.get(Revision, first.id)) | {"revision_id": "999999"}
    writer.add_document(**ghost)
    writer.update_document(**(revision_fields(session.get(Revision, first.id)) | {"status": "draft"}))
    writer.commit()
    comparison = index.compare(db.engine)
    assert (comparison.missing, comparison.extra, comparison.stale) == ([second.id], [999999], [first.id])
    index.repair(db.engine, comparison)
    assert index.compare(db.engine).ok


def test_verify_reports_index_differences(runner, app, session, files, secretary, document):
    upload(session, files, secretary, document)
    assert runner.invoke(args=["qms", "verify"]).exit_code == 0
    index = search_index(app)
    writer = index._index().writer()
    writer.delete_by_term("revision_id", str(session.scalar(select(Revision.id))))
    writer.commit()
    result = runner.invoke(args=["qms", "verify"])
    assert result.exit_code == 1 and "search index lacks revision" in result.output
    assert runner.invoke(args=["qms", "reindex", "--missing"]).exit_code == 0
    assert runner.invoke(args=["qms", "verify"]).exit_code == 0


def test_an_index_of_another_schema_version_rebuilds_itself(app, session, files, secretary, document, runner):
    import json

    from qms.search import IndexUnavailable

    upload(session, files, secretary, document)
    index = search_index(app)
    index.apply_log(db.engine)
    path = index._current() / "position.json"
    path.write_text(json.dumps({"position": 1, "schema": 0}))
    index.close()
    with pytest.raises(IndexUnavailable, match="đang được xây dựng lại"):
        index.position()
    index._rebuilder.join(timeout=60)
    assert len(indexed_ids(index)) == 1 and index.compare(db.engine).ok


def test_without_a_database_an_outdated_index_asks_the_operator(app, tmp_path):
    import json

    from qms.search import IndexUnavailable

    index = SearchIndex(tmp_path / "index")
    index.position()
    (index._current() / "position.json").write_text(json.dumps({"position": 0, "schema": 0}))
    index.close()
    with pytest.raises(IndexUnavailable, match="flask qms reindex"):
        index.position()


def test_a_damaged_index_is_rebuilt_in_the_background(app, session, files, secretary, document):
    upload(session, files, secretary, document)
    index = search_index(app)
    index.apply_log(db.engine)
    damaged = index._current()
    for toc in damaged.glob("_MAIN_*.toc"):
        toc.write_bytes(b"not an index")
    index.close()
    with pytest.raises(IndexUnavailable, match="đang được xây dựng lại"):
        index.position()
    index._rebuilder.join(timeout=60)
    assert not damaged.exists() and indexed_ids(index) == [session.scalar(select(Revision.id))]


def test_a_deleted_index_with_a_long_log_is_rebuilt_not_replayed_in_a_request(app, session, files, secretary, document):
    import shutil

    for number in range(3):
        upload(session, files, secretary, document, make_docx(f"Bản {number}"), "Sửa")
    index = search_index(app)
    index.apply_log(db.engine)
    shutil.rmtree(index.root)
    index.close()
    index.replay_limit = 2
    with pytest.raises(IndexUnavailable):
        index.position()
    index._rebuilder.join(timeout=60)
    assert len(indexed_ids(index)) == 3 and index.pending(db.engine) == 0


def test_withdrawal_updates_every_revision_in_the_index(
    app, session, files, secretary, reviewer, approver, document, today
):
    current = make_effective(session, files, document, secretary, reviewer, approver, today)
    lifecycle.act(session, approver, current.id, "withdraw", today=today, comment="Bãi bỏ")
    index = search_index(app)
    index.apply_log(db.engine)
    with index.searcher() as searcher:
        assert [f["status"] for f in searcher.all_stored_fields()] == ["obsolete"]


def test_commits_in_requests_leave_merging_to_maintenance(app, runner, session, files, secretary, document):
    from qms.search import index as index_module

    index = search_index(app)
    for number in range(4):
        upload(session, files, secretary, document, make_docx(f"Lần {number}"), "Sửa")
        index.apply_log(db.engine)
    assert len(index._index()._segments()) == 4
    assert runner.invoke(args=["qms", "reindex", "--catch-up"]).exit_code == 0
    assert len(index._index()._segments()) == 1
    # Past MAX_SEGMENTS the tiny segments are merged in the background, so searches do not slow down for ever.
    index_module.MAX_SEGMENTS, saved = 5, index_module.MAX_SEGMENTS
    try:
        for number in range(4, 12):
            upload(session, files, secretary, document, make_docx(f"Lần {number}"), "Sửa")
            index.apply_log(db.engine)
            if index._merger is not None:
                index._merger.join(timeout=30)
        assert len(index._index()._segments()) <= 6
    finally:
        index_module.MAX_SEGMENTS = saved
    assert index.compare(db.engine).ok


def test_rebuild_with_several_processes_indexes_every_revision(
    app, session, files, secretary, reviewer, approver, document, today
):
    for number in range(5):
        upload(session, files, secretary, document, make_docx(f"Bản {number}"), "Sửa")
    make_effective(session, files, document, secretary, reviewer, approver, today)  # the newest row
    index = search_index(app)
    index.build_processes, index.chunk = 2, 2  # three chunks: both processes get work
    assert index.rebuild(db.engine) == 6
    assert index.compare(db.engine).ok
    assert len(indexed_ids(index)) == 6
    assert len(index._index()._segments()) == 2  # one segment per process, none merged after
    with index.searcher() as searcher:
        statuses = [
            [fields["status"] for fields in leaf.reader().all_stored_fields()] for leaf, _ in searcher.leaf_searchers()
        ]
    assert sorted(map(len, statuses)) == [2, 4]
    # The current revision (the newest row) comes first in its segment, ahead of the drafts.
    assert ["effective"] in [s[:1] for s in statuses] and all("effective" not in s[1:] for s in statuses)


def test_the_position_never_steps_back(app, session, files, secretary, document, monkeypatch):
    from whoosh.writing import SegmentWriter

    from qms.search.index import _write_position

    upload(session, files, secretary, document)
    index = search_index(app)
    index.position()
    commit = SegmentWriter.commit

    def commit_then_another_process_applies_more(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        commit(self, *args, **kwargs)
        _write_position(index._opened, 99)  # between our commit and our position write

    monkeypatch.setattr(SegmentWriter, "commit", commit_then_another_process_applies_more)
    assert index.apply_log(db.engine) == 1
    assert index.position() == 99
