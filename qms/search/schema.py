"""The Whoosh schema and the analyzers that put the one Vietnamese text pipeline into it.

Every text is indexed twice: exact (lowercase, diacritics kept) and folded (no marks,
đ → d), so a query without diacritics matches both and a query with them can rank
exact matches first. Folded syllable bigrams ("shingles") answer phrase queries as
plain term lookups, which is what makes them fast in Whoosh.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from qms.text import vietnamese

#: Bump when the schema or the analyzers change; an index of another version is rebuilt.
SCHEMA_VERSION = 4


class VietnameseTokenizer(Tokenizer):
    """Tokens of ``qms.text.vietnamese.tokens`` in one form: exact, marked (exact, diacritics only), folded or shingles.

    At index time a compound (``qt-ht-04``, ``61/2018/nđ-cp``) also yields its variants
    at the same position, so ``qt ht 04`` and ``61/2018`` find it as typed.
    """

    def __init__(self, form: str) -> None:
        if form not in ("exact", "marked", "folded", "shingles"):
            raise ValueError(form)
        self.form = form

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VietnameseTokenizer) and other.form == self.form

    def __hash__(self) -> int:
        return hash(self.form)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = _tokens(value) if tokenize else ()
        if self.form == "shingles":
            for index, (first, second) in enumerate(zip(words, words[1:], strict=False)):
                token.text, token.boost, token.stopped = f"{first.folded}_{second.folded}", 1.0, False
                if positions:
                    token.pos = start_pos + index
                if chars:
                    token.startchar, token.endchar = start_char + first.start, start_char + second.end
                yield token
            return
        for index, word in enumerate(words):
            if mode == "query":
                terms: tuple[str, ...] = (word.folded if self.form == "folded" else word.text,)
            else:
                terms = _word_terms(self.form, word.text, word.folded)
            for term in terms:
                token.text, token.boost, token.stopped = term, 1.0, False
                if keeporiginal:
                    token.original = term
                if positions:
                    token.pos = start_pos + index
                if chars:
                    token.startchar, token.endchar = start_char + word.start, start_char + word.end
                yield token


class VietnameseText(TEXT):
    """A TEXT field without positions whose index terms are counted from the text's words, read once (``_Words``).

    The same terms and frequencies as the analyzer gives one token at a time, in a fraction
    of the time: Whoosh's per-token loop was a third of a rebuild.
    """

    def __init__(self, analyzer: VietnameseTokenizer, **kwargs: Any) -> None:
        super().__init__(analyzer=analyzer, phrase=False, **kwargs)
        assert isinstance(self.format, Frequency)

    def index(self, value: str, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        for term, frequency in self.term_counts(value).items():
            yield term.encode("utf-8"), frequency, frequency * boost, pack_uint(frequency)

    def term_counts(self, value: str) -> Counter[str]:
        """Each index term of the value and how often it occurs: all a posting of this field depends on (its
        weight is the frequency times the field's boost, its value the frequency encoded)."""
        return _Words.of(value).term_counts(self.analyzer.form)


@functools.lru_cache(maxsize=65536)
def _word_terms(form: str, text: str, folded: str) -> tuple[str, ...]:
    """What one word puts into a field at index time: its form and, for a code, its variants."""
    if form == "marked" and text == folded:
        return ()  # without diacritics the folded field already holds it
    terms = [folded if form == "folded" else text]
    for variant in vietnamese.cached_code_variants(text):
        variant = vietnamese.fold(variant) if form == "folded" else variant
        if variant not in terms:
            terms.append(variant)
    return tuple(terms)


class _Words:
    """A text's words counted once for the fields that index it in a row (exact or marked, folded, shingles).

    Every word puts its own form into a field (``_word_terms``' first term); only compounds (codes, legal
    numbers) add variants. So a field's counts are the words' counts, in C, plus the variants of the few distinct
    compounds: the same counts as ``_word_terms`` word by word, at a third of the cost of a rebuild's reading.
    """

    def __init__(self, value: str) -> None:
        self.words = vietnamese.words(value)
        self.distinct = Counter(self.words)
        self._folded: list[str] | None = None
        self._compounds: list[str] | None = None

    @staticmethod
    @functools.lru_cache(maxsize=4)
    def of(value: str) -> _Words:
        return _Words(value)

    @property
    def folded(self) -> list[str]:
        if self._folded is None:
            self._folded = list(map(vietnamese.fold_word, self.words))
        return self._folded

    @property
    def compounds(self) -> list[str]:
        """The distinct words that have code variants."""
        if self._compounds is None:
            self._compounds = [word for word in self.distinct if vietnamese.cached_code_variants(word)]
        return self._compounds

    def term_counts(self, form: str) -> Counter[str]:
        if form == "shingles":
            folded = self.folded
            return Counter(map("_".join, zip(folded, folded[1:], strict=False)))
        fold_word = vietnamese.fold_word
        if form == "folded":
            counts = Counter(self.folded)
        elif form == "marked":
            counts = Counter({word: count for word, count in self.distinct.items() if word != fold_word(word)})
        else:
            counts = Counter(self.distinct)
        for word in self.compounds:
            count = self.distinct[word]
            for variant in _word_terms(form, word, fold_word(word))[1:]:
                counts[variant] += count
        return counts


@functools.lru_cache(maxsize=4)
def _tokens(value: str) -> tuple[vietnamese.Token, ...]:
    # The same text is analysed for three fields in a row (exact, folded, shingles): tokenise it once.
    return tuple(vietnamese.tokens(value))


EXACT = VietnameseTokenizer("exact")
#: Only the words that carry diacritics: what an exact match can add to the folded field in a long body.
MARKED = VietnameseTokenizer("marked")
FOLDED = VietnameseTokenizer("folded")
SHINGLES = VietnameseTokenizer("shingles")


def build_schema() -> Schema:
    return Schema(
        revision_id=ID(stored=True, unique=True),
        #: A record of the quality system instead of a revision: ``kind:id`` (qms.search.record_entries).
        record=ID(stored=True, unique=True),
        #: ``document`` (a revision) or ``record``: what the facets and the filter tell apart.
        category=ID(stored=True),
        document_id=NUMERIC(stored=True),
        organization_id=ID(stored=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        status=ID(stored=True),
        procedure=ID(stored=True),
        field=ID(stored=True),
        number=NUMERIC(stored=True),
        effective=NUMERIC(stored=True, sortable=True, bits=64),
        # Title and code outrank the body; exact forms outrank folded ones through query boosts.
        code=VietnameseText(EXACT, field_boost=4.0),
        title=VietnameseText(EXACT, field_boost=3.0),
        title_folded=VietnameseText(FOLDED, field_boost=3.0),
        title_shingles=VietnameseText(SHINGLES, field_boost=3.0),
        meta=VietnameseText(FOLDED, field_boost=1.5),
        body=VietnameseText(MARKED),
        body_folded=VietnameseText(FOLDED, spelling=True),
        body_shingles=VietnameseText(SHINGLES),
    )
