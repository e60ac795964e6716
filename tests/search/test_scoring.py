"""Scoring term by term ranks and scores the matches exactly as Whoosh's own search does."""

from __future__ import annotations

import pytest
from support.search_samples import queries
from whoosh import query as wq

from qms.search import matches, scoring
from qms.search.postings import PostingBlocks
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


@pytest.fixture(scope="module")
def long_lists(tmp_path_factory):  # type: ignore[no-untyped-def]
    """900 short processes in three segments, every tenth of the first two deleted: common words hold posting lists
    of several blocks (Whoosh's are 128 postings), rarer ones skip whole blocks."""
    from whoosh import index as whoosh_index

    from qms.search.schema import build_schema

    words = ["giấy phép", "xây dựng", "hồ sơ", "trả kết quả", "lệ phí", "chứng thực", "bản sao", "hộ tịch"]
    ix = whoosh_index.create_in(str(tmp_path_factory.mktemp("long_lists")), build_schema())
    for segment in range(3):
        with ix.writer() as writer:
            for n in range(segment * 300, segment * 300 + 300):
                body = " ".join(word for j, word in enumerate(words) if (n + j) % 3 or j == n % 8) * (1 + n % 3)
                body += f" số {n % 97}"
                writer.add_document(
                    revision_id=str(n), category="document", document_id=n, organization_id=str(n % 13),
                    kind="process", status="effective", procedure="", field="", number=1, effective=20250101,
                    code=f"QT-{n}", title=f"Quy trình {words[n % len(words)]}",
                    title_folded=f"Quy trình {words[n % len(words)]}",
                    title_shingles=f"Quy trình {words[n % len(words)]}", meta="", body=body, body_folded=body,
                    body_shingles=body)
        if segment < 2:
            with ix.writer() as writer:
                for n in range(segment * 300, segment * 300 + 300, 10):
                    writer.delete_by_term("revision_id", str(n))
    return ix


@pytest.mark.parametrize(
    "typed", ["ho so", "giấy phép xây dựng", "le phi chung thuc", "tra ket qua so", "ban sao ho tich"])
@pytest.mark.parametrize("kept", [1, 3, 40])
def test_posting_blocks_score_as_whoosh_does(long_lists, monkeypatch, typed, kept):
    query = build_query(parse(typed))
    with long_lists.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3 and searcher.reader().has_deletions()
        term = next(t for t in scoring.positive_terms(query) if t.fieldname == "body_folded")
        leaf, _ = searcher.leaf_searchers()[0]
        assert PostingBlocks.of(term.matcher(leaf, searcher.context())) is not None  # not Whoosh's path
        within = {d for d in matches.matching(searcher, wq.Every()) if d % kept == 0}
        found = matches.matching(searcher, query) & within
        assert found
        whoosh = searcher.search(query, limit=None, filter=within)
        ours = scoring.top_documents(searcher, query, found, limit=len(found))
        # Identical processes tie: Whoosh sums a document's terms in its own order, so ties may differ in the
        # last bit and come in another order; the scores are the same to nine places.
        assert {hit.docnum: round(hit.score, 9) for hit in ours} == {hit.docnum: round(hit.score, 9) for hit in whoosh}
        assert [hit.score for hit in ours] == sorted((hit.score for hit in ours), reverse=True)
        # And to the last bit what stepping through the postings with Whoosh's matcher gives.
        monkeypatch.setattr(PostingBlocks, "of", classmethod(lambda cls, matcher: None))
        stepped = scoring.top_documents(searcher, query, found, limit=len(found))
        assert [(hit.docnum, hit.score) for hit in ours] == [(hit.docnum, hit.score) for hit in stepped]
