"""A searcher keeps reading the generation it opened while another process merges segments away."""

from __future__ import annotations

import time

from support.factories import make_docx, upload

from qms.extensions import db
from qms.search import search_index
from qms.search.index import SearchIndex
from qms.search.query import SearchParams, search


def test_a_searcher_opened_before_another_process_merges_still_answers(app, session, files, secretary, document):
    here = search_index(app)
    for number in range(4):
        upload(session, files, secretary, document, make_docx(f"Quy trình kiemthu bản {number}"), "Sửa")
        here.apply_log(db.engine)  # one segment per upload, as after a burst of requests
    params = SearchParams(q="kiemthu", statuses=["all"])
    assert search(session, here, secretary, params).total == 4
    assert len(here._index()._segments()) == 4

    # Another worker of the same host (its own handle on the same directory) merges them into one
    # and deletes the old segments' files, while this process's searcher is still the current one.
    other = SearchIndex(here.root)
    assert other.merge_segments() == 4
    here._checked_at = time.monotonic() + 60  # the searcher is not re-checked within its second

    found = search(session, here, secretary, SearchParams(q="kiemthu", statuses=["all"]))
    assert found.total == 4
    assert found.facets == {"kind": {"process": 4}, "organization": {"XA-LOCBINH": 4}, "category": {"document": 4}}
    assert sorted(hit.number for hit in found.hits) == [1, 2, 3, 4]
    with here.searcher() as searcher:
        stored = sorted(int(fields["revision_id"]) for fields in searcher.all_stored_fields())
    assert stored == sorted(hit.revision_id for hit in found.hits)

    here._checked_at = 0.0  # past its second the searcher moves to the merged generation
    assert search(session, here, secretary, SearchParams(q="kiemthu", statuses=["all"])).total == 4
    with here.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 1
