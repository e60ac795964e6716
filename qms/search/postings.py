"""A term's postings in one segment read a block at a time, for the set of matches and for scores.

Whoosh's matcher steps through a block one posting at a time, three method calls each (``skip_to``, ``id``,
``next``), and decodes a block's document numbers with a Python generator: most of the time of a search of
several common words across a province. Here a block whose last document comes before the next one wanted is
skipped undecoded; the others are decoded whole (``itertools.accumulate`` undoes Whoosh's delta coding) and met
with the wanted documents as sets. The blocks are Whoosh's own (``W3LeafMatcher``); any other matcher is left to
Whoosh's API.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.scoring import WeightLengthScorer


class PostingBlocks:
    """The blocks under a term's matcher, with the boosts of the wrappers around them (innermost first) and the
    deleted documents they leave out."""

    def __init__(self, postings: W3LeafMatcher, boosts: list[float], deleted: frozenset[int] | set[int]) -> None:
        self.postings, self.boosts, self.deleted = postings, boosts, deleted

    @classmethod
    def of(cls, matcher: Any) -> PostingBlocks | None:
        """The blocks of a segment's postings behind wrappers that only boost or leave out deleted documents;
        None for any other matcher (a term held inline, a filter that keeps, another codec)."""
        boosts: list[float] = []
        deleted: frozenset[int] | set[int] = frozenset()
        while type(matcher) in (WrappingMatcher, FilterMatcher):
            if isinstance(matcher, FilterMatcher):
                if not matcher._exclude or deleted:
                    return None
                deleted = matcher._ids
            boosts.append(matcher.boost)
            matcher = matcher.child
        if type(matcher) is not W3LeafMatcher or matcher._byteids:
            return None
        return cls(matcher, boosts[::-1], deleted)

    def matching(self, within: list[int] | None = None, members: set[int] | None = None) -> set[int]:
        """The documents of the list (deleted ones excluded), or those of ``within`` (sorted, as ``members``)."""
        found: set[int] = set()
        if within is None or members is None:
            for ids in self._blocks():
                found.update(ids)
            return found - self.deleted if self.deleted else found
        for ids in self._blocks_meeting(within):
            found.update(members.intersection(ids))
        return found - self.deleted if self.deleted else found

    def add_scores(self, local: list[int], offset: int, scores: dict[int, float]) -> bool:
        """Add each of ``local``'s (live, sorted) score for the term to ``scores`` at ``offset``; False, having
        added nothing, when the term's scorer is not Whoosh's weight-and-length one (``score`` = ``_score``)."""
        scorer = getattr(self.postings, "scorer", None)
        if not isinstance(scorer, WeightLengthScorer) or type(scorer).score is not WeightLengthScorer.score:
            return False
        postings, weigh, length, boosts = self.postings, scorer._score, scorer.dfl, self.boosts
        wanted = set(local)
        for ids in self._blocks_meeting(local):
            met = wanted.intersection(ids)
            if met:
                postings._read_weights()
                weights = postings._weights
                for docnum in met:
                    # Whoosh's arithmetic in its order: the scorer's, then each wrapper's boost.
                    score = weigh(weights[bisect.bisect_left(ids, docnum)], length(docnum))
                    for boost in boosts:
                        score *= boost
                    scores[docnum + offset] += score
        return True

    def _blocks(self) -> Iterator[tuple[int, ...]]:
        postings = self.postings
        while postings.is_active():
            yield self._ids()
            postings._next_block()

    def _blocks_meeting(self, wanted: list[int]) -> Iterator[tuple[int, ...]]:
        """The document numbers of each block that may hold one of ``wanted`` (sorted, not empty)."""
        postings = self.postings
        count, next_wanted = len(wanted), 0
        while postings.is_active():
            last_in_block = postings._maxid
            if last_in_block >= wanted[next_wanted]:
                yield self._ids()
                next_wanted = bisect.bisect_right(wanted, last_in_block, next_wanted)
                if next_wanted == count:
                    return
            postings._next_block()

    def _ids(self) -> tuple[int, ...]:
        postings = self.postings
        if postings._ids is None:
            if postings._data is None:
                postings._read_data()
            postings._ids = tuple(itertools.accumulate(postings._data[0]))
        ids: tuple[int, ...] = postings._ids
        return ids
