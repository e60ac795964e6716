"""The set of matches is Whoosh's own, within any set of allowed documents, read whichever way."""

from __future__ import annotations

import pytest
from support.search_samples import queries
from whoosh import query as wq

from qms.search import matches


@pytest.mark.parametrize(("typed", "query"), list(queries()))
def test_the_matches_are_whooshs(ix, typed, query):
    with ix.searcher() as searcher:
        assert matches.matching(searcher, query) == set(searcher.docs_for_query(query)), typed


@pytest.mark.parametrize(("typed", "query"), list(queries()))
@pytest.mark.parametrize("lookup_ratio", [16, 0, 10**9])  # per the sizes, always read the stretch, always look up
def test_within_allowed_documents_the_matches_are_whooshs_filtered(ix, typed, query, lookup_ratio, monkeypatch):
    monkeypatch.setattr(matches, "LOOKUP_RATIO", lookup_ratio)
    with ix.searcher() as searcher:
        everything = set(searcher.docs_for_query(query))
        for allowed in (
            set(searcher.docs_for_query(wq.Term("status", "effective"))),
            {0, 3, searcher.doc_count_all() - 1},
            set(range(searcher.doc_count_all() // 2)),  # none in the later segments: those are skipped
            set(),
        ):
            assert matches.matching(searcher, query, within=allowed) == everything & allowed, typed


def test_a_segment_without_allowed_documents_is_not_read(ix, monkeypatch):
    read = []
    original = matches._matching

    def spy(leaf, query, within):  # type: ignore[no-untyped-def]
        read.append(leaf)
        return original(leaf, query, within)

    monkeypatch.setattr(matches, "_matching", spy)
    with ix.searcher() as searcher:
        first, _offset = searcher.leaf_searchers()[0]
        matches.matching(searcher, wq.Term("body_folded", "ho"), within={0, 1})
        assert read == [first]
