"""The best documents among a query's matches, scored one term at a time.

Whoosh scores a query by walking its tree of matchers document by document, ~150 µs a document in
Python for the twenty-odd terms of a typical query. Its And, Or, AndMaybe and AndNot add up the
scores of their parts that match, so a document's score is the sum of the scores of the query's
positive terms that it holds: summing term by term over the known matches gives the same scores
while reading short posting lists straight through and skipping into long ones per match.
"""

from __future__ import annotations

import functools
import heapq
from array import array
from typing import Any

from whoosh import query as wq
from whoosh.searching import Results, Searcher

from qms.search import columns
from qms.search.postings import PostingBlocks

#: Past this many matches of a query searched alone, Whoosh's own scoring is faster: it skips the blocks of
#: postings that cannot reach the page, where summing term by term scores every match. With a filter (current
#: revisions only, an organisation) it walks and scores every candidate, allowed or not: the superseded revisions
#: of a province triple them, and term at a time is faster at any size (a phrase in every process of 25,000
#: documents: 630 ms against 210 ms at p95, bench.search).
TERM_AT_A_TIME_UP_TO = 20_000
#: Read a posting list through (rather than skip to each match) when it, or the stretch of documents
#: the matches span, is at most this many times the matches: a step costs a fraction of a skip.
READ_THROUGH_RATIO = 4


class Unsupported(Exception):
    """A query whose score is not a plain sum of its terms' scores (prefixes, ranges, boosted groups)."""


def top_documents(
    searcher: Searcher, query: wq.Query, docnums: set[int], limit: int, *, by_date: bool = False,
    filtered: bool = True,
) -> Results:
    """The first ``limit`` of ``docnums`` (the query's matches, within a filter unless ``filtered`` is false) by
    score, or newest effective date first.

    Raises Unsupported when the query's score cannot be summed term by term; Whoosh scores it then.
    """
    if by_date:
        newest: list[tuple[int, int]] = []
        for leaf, offset in searcher.leaf_searchers():
            effective = columns.values(leaf.reader(), "effective")
            end = offset + len(effective)
            newest += heapq.nsmallest(limit, ((-effective[docnum - offset], docnum) for docnum in docnums
                                              if offset <= docnum < end))
        top: list[tuple[float | None, int]] = [(None, docnum) for _, docnum in heapq.nsmallest(limit, newest)]
        return _results(searcher, query, top, docnums)
    if not filtered and len(docnums) > TERM_AT_A_TIME_UP_TO:
        raise Unsupported("many matches")
    terms = positive_terms(query)
    scores = dict.fromkeys(docnums, 0.0)
    context = searcher.context()
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        local = sorted(docnum - offset for docnum in docnums if offset <= docnum < end)
        if local:
            for term in terms:
                _add_scores(leaf, term, context, local, offset, scores)
    # Whoosh's order: higher score first, then the lower document number.
    best = heapq.nlargest(limit, ((score, -docnum) for docnum, score in scores.items()))
    return _results(searcher, query, [(score, -negated) for score, negated in best], docnums)


def _results(searcher: Searcher, query: wq.Query, top: list[tuple[float | None, int]], docnums: set[int]) -> Results:
    results = Results(searcher, query, top, docset=docnums)
    results._total = len(docnums)  # as Whoosh's collectors do: len() would otherwise ask a collector
    return results


def positive_terms(query: wq.Query) -> list[wq.Term]:
    """The terms whose scores add up to a matching document's score."""
    if isinstance(query, wq.Term):
        return [query]
    if isinstance(query, (wq.And, wq.Or)) and type(query) in (wq.And, wq.Or) and query.boost == 1.0:
        if isinstance(query, wq.Or) and (query.minmatch or query.scale):
            raise Unsupported(query)
        return [term for part in query.subqueries for term in positive_terms(part)]
    if isinstance(query, wq.AndMaybe):
        return positive_terms(query.a) + positive_terms(query.b)
    if isinstance(query, wq.AndNot):
        return positive_terms(query.a)
    raise Unsupported(query)


def _add_scores(
    leaf: Searcher, term: wq.Term, context: Any, local: list[int], offset: int, scores: dict[int, float]
) -> None:
    matcher = term.matcher(leaf, context)
    if not matcher.is_active():
        return
    _remember_lengths(leaf, matcher, term.fieldname)
    blocks = PostingBlocks.of(matcher)
    if blocks is not None and blocks.add_scores(local, offset, scores):
        return
    first, last = local[0], local[-1]
    span = last - first + 1
    if min(leaf.doc_frequency(term.fieldname, term.text), span) <= len(local) * READ_THROUGH_RATIO:
        # A short list (a title word), or matches dense in their stretch: read the stretch through.
        wanted = set(local)
        if matcher.id() < first:
            matcher.skip_to(first)
        while matcher.is_active():
            docnum = matcher.id()
            if docnum > last:
                break
            if docnum in wanted:
                scores[docnum + offset] += matcher.score()
            matcher.next()
        return
    for docnum in local:  # a long list and few matches in it: skip to each match
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                return
        if matcher.id() == docnum:
            scores[docnum + offset] += matcher.score()


@functools.lru_cache(maxsize=256)
def _known_lengths(segment_id: str, fieldname: str, doccount: int) -> array[int]:
    """One segment's field lengths as they are read (-1: not yet); a segment's lengths never change."""
    return array("i", [-1]) * doccount


def _remember_lengths(leaf: Searcher, matcher: Any, fieldname: str) -> None:
    """Let the term's scorer read each document's field length from disk once per process, not once per term."""
    scorer = getattr(getattr(matcher, "child", matcher), "scorer", None)
    read = getattr(scorer, "dfl", None)  # Whoosh's length-based scorers (BM25F) read lengths through this
    if scorer is None or read is None:
        return
    reader = leaf.reader()
    known = _known_lengths(reader.segment().segment_id(), fieldname, reader.doc_count_all())

    def length(docnum: int) -> int:
        value = known[docnum]
        if value < 0:
            value = known[docnum] = read(docnum)
        return value

    scorer.dfl = length
