"""Which documents a query matches, as sets of document numbers: totals, facets, and what to score.

Whoosh walks a query's tree of matchers one document at a time in Python, 20-100 µs a document
for the queries people type. The set of matches is cheaper from the terms' posting lists, read
once each (~0.5 µs a posting) and combined as Python sets. Within a set of allowed documents
(current revisions, one agency, or what the rarer words of an And left) only the stretch of each
list that can hold them is read, or, when they are few, each is looked up; a segment holding
none of them is not read at all.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.searching import Searcher

from qms.search.postings import PostingBlocks

#: Look the allowed documents up one by one in a posting list when they are this many times fewer.
LOOKUP_RATIO = 16


@dataclass(frozen=True)
class _Within:
    """The allowed documents of one segment (its own numbers), sorted."""

    docnums: list[int]
    members: set[int]


def matching(searcher: Searcher, query: wq.Query, within: set[int] | None = None) -> set[int]:
    """The documents ``query`` matches (deleted ones excluded), limited to ``within`` if given; no scores."""
    allowed = sorted(within) if within is not None else None
    found: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        local = None
        if allowed is not None:
            start = bisect.bisect_left(allowed, offset)
            end = bisect.bisect_left(allowed, offset + leaf.doc_count_all())
            if start == end:
                continue  # e.g. a segment of superseded revisions when only current ones are wanted
            docnums = [docnum - offset for docnum in allowed[start:end]]
            local = _Within(docnums, set(docnums))
        found.update(docnum + offset for docnum in _matching(leaf, query, local))
    return found


def _matching(leaf: Searcher, query: wq.Query, within: _Within | None) -> set[int]:
    if isinstance(query, wq.Or) and not query.minmatch:
        return set().union(*(_matching(leaf, q, within) for q in query.subqueries))
    if isinstance(query, wq.And) and query.subqueries:
        # The rarest part first; each next part is only looked for among what is left.
        reader = leaf.reader()
        parts = sorted(query.subqueries, key=lambda q: q.estimate_size(reader))
        found = _matching(leaf, parts[0], within)
        for part in parts[1:]:
            if not found:
                break
            found &= _matching(leaf, part, _Within(sorted(found), found))
        return found
    if isinstance(query, wq.AndMaybe):
        return _matching(leaf, query.a, within)  # the optional part only ranks
    if isinstance(query, wq.AndNot):
        found = _matching(leaf, query.a, within)
        return found - _matching(leaf, query.b, _Within(sorted(found), found)) if found else found
    if isinstance(query, wq.Term):
        return _term(leaf, query, within)
    found = set(query.docs(leaf))
    return found if within is None else found & within.members


def _term(leaf: Searcher, term: wq.Term, within: _Within | None) -> set[int]:
    matcher = term.matcher(leaf)
    if not matcher.is_active():
        return set()
    blocks = PostingBlocks.of(matcher)
    if blocks is not None:
        return blocks.matching() if within is None else blocks.matching(within.docnums, within.members)
    found: set[int] = set()
    if within is None:
        found.update(matcher.all_ids())
        return found
    if len(within.docnums) * LOOKUP_RATIO < leaf.doc_frequency(term.fieldname, term.text):
        for docnum in within.docnums:  # few allowed documents: look each one up
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                found.add(docnum)
        return found
    # Read only the stretch of the list between the first and the last allowed document.
    first, last = within.docnums[0], within.docnums[-1]
    if matcher.id() < first:
        matcher.skip_to(first)
    members = within.members
    while matcher.is_active():
        docnum = matcher.id()
        if docnum > last:
            break
        if docnum in members:
            found.add(docnum)
        matcher.next()
    return found
