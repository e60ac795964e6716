"""Scoring term by term ranks and scores the matches exactly as Whoosh's own search does."""

from __future__ import annotations

import pytest
from support.search_samples import queries
from whoosh import query as wq

from qms.search import matches, scoring
from qms.search.query import build_query, parse


@pytest.mark.parametrize(("typed", "query"), list(queries()))
def test_scores_and_order_are_whooshs(ix, typed, query):
    with ix.searcher() as searcher:
        effective = matches.matching(searcher, wq.Term("status", "effective"))
        found = matches.matching(searcher, query) & effective
        whoosh = searcher.search(query, limit=None, filter=effective)
        ours = scoring.top_documents(searcher, query, found, limit=len(found) or 1)
        assert [(hit.docnum, round(hit.score, 9)) for hit in ours] == [
            (hit.docnum, round(hit.score, 9)) for hit in whoosh
        ], typed
        assert len(ours) == len(found)


def test_the_page_is_the_best_of_the_matches(ix):
    with ix.searcher() as searcher:
        query = build_query(parse("ho tich"))
        found = matches.matching(searcher, query)
        assert len(found) > 3
        best = scoring.top_documents(searcher, query, found, limit=3)
        assert [hit.docnum for hit in best] == [hit.docnum for hit in searcher.search(query, limit=3)]


def test_by_date_the_newest_effective_date_comes_first(ix):
    with ix.searcher() as searcher:
        found = matches.matching(searcher, wq.Every())
        newest = scoring.top_documents(searcher, wq.Every(), found, limit=5, by_date=True)
        dates = [hit["effective"] for hit in newest]
        assert dates == sorted(dates, reverse=True) and len(dates) == 5
        assert dates[0] == max(searcher.stored_fields(d)["effective"] for d in found)


def test_prefixes_and_large_unfiltered_match_sets_are_left_to_whoosh(ix, monkeypatch):
    with ix.searcher() as searcher:
        prefix = wq.Prefix("body_folded", "trich")
        with pytest.raises(scoring.Unsupported):
            scoring.top_documents(searcher, prefix, matches.matching(searcher, prefix), limit=10)
        monkeypatch.setattr(scoring, "TERM_AT_A_TIME_UP_TO", 1)
        term = wq.Term("body_folded", "ho")
        found = matches.matching(searcher, term)
        with pytest.raises(scoring.Unsupported):
            scoring.top_documents(searcher, term, found, limit=10, filtered=False)
        # Within a filter Whoosh would walk every candidate: summed term by term, whatever the size.
        ours = scoring.top_documents(searcher, term, found, limit=len(found), filtered=True)
        whoosh = searcher.search(term, limit=len(found), filter=found)
        assert [(hit.docnum, round(hit.score, 6)) for hit in ours] == [
            (hit.docnum, round(hit.score, 6)) for hit in whoosh]
