"""Which documents a query matches, as sets of document numbers: totals, facets, and what to score.

Whoosh walks a query's tree of matchers one document at a time in Python, 20-100 µs a document
for the queries people type. The set of matches is cheaper from the terms' posting lists, read
once each (~0.5 µs a posting) and combined as Python sets.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.searching import Searcher

#: An And whose parts differ this much in size is left to Whoosh, whose matchers skip through the
#: large parts a block at a time instead of reading them whole.
SKIP_RATIO = 50


def matching(searcher: Searcher, query: wq.Query) -> set[int]:
    """The documents ``query`` matches (deleted ones excluded), whatever they would score."""
    if isinstance(query, wq.Or) and not query.minmatch:
        return set().union(*(matching(searcher, q) for q in query.subqueries))
    if isinstance(query, wq.And) and query.subqueries and not _lopsided(searcher, query.subqueries):
        parts = sorted((matching(searcher, q) for q in query.subqueries), key=len)
        return parts[0].intersection(*parts[1:])
    if isinstance(query, wq.AndMaybe):
        return matching(searcher, query.a)  # the optional part only ranks
    if isinstance(query, wq.AndNot):
        return matching(searcher, query.a) - matching(searcher, query.b)
    return set(searcher.docs_for_query(query))


def _lopsided(searcher: Searcher, parts: list[wq.Query]) -> bool:
    sizes = [q.estimate_size(searcher.reader()) for q in parts]
    return min(sizes) * SKIP_RATIO < max(sizes)
