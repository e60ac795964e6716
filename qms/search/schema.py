"""The Whoosh schema and the analyzers that put the one Vietnamese text pipeline into it.

Every text is indexed twice: exact (lowercase, diacritics kept) and folded (no marks,
đ → d), so a query without diacritics matches both and a query with them can rank
exact matches first. Folded syllable bigrams ("shingles") answer phrase queries as
plain term lookups, which is what makes them fast in Whoosh.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema

from qms.text import vietnamese

#: Bump when the schema or the analyzers change; an index of another version is rebuilt.
SCHEMA_VERSION = 2


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

    def __call__(  # type: ignore[override]
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
        with_variants = mode != "query"
        folded = self.form == "folded"
        marked_only = self.form == "marked" and mode != "query"
        for index, word in enumerate(words):
            if marked_only and word.text == word.folded:
                continue  # without diacritics the folded field already holds it
            terms = [word.folded if folded else word.text]
            if with_variants:
                for variant in vietnamese.cached_code_variants(word.text):
                    variant = vietnamese.fold(variant) if folded else variant
                    if variant not in terms:
                        terms.append(variant)
            for term in terms:
                token.text, token.boost, token.stopped = term, 1.0, False
                if keeporiginal:
                    token.original = term
                if positions:
                    token.pos = start_pos + index
                if chars:
                    token.startchar, token.endchar = start_char + word.start, start_char + word.end
                yield token


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
        document_id=NUMERIC(stored=True),
        organization_id=ID(stored=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        status=ID(stored=True),
        procedure=ID(stored=True),
        field=ID(stored=True),
        number=NUMERIC(stored=True),
        effective=NUMERIC(stored=True, sortable=True, bits=64),
        # Title and code outrank the body; exact forms outrank folded ones through query boosts.
        code=TEXT(analyzer=EXACT, field_boost=4.0, phrase=False),
        title=TEXT(analyzer=EXACT, field_boost=3.0, phrase=False),
        title_folded=TEXT(analyzer=FOLDED, field_boost=3.0, phrase=False),
        title_shingles=TEXT(analyzer=SHINGLES, field_boost=3.0, phrase=False),
        meta=TEXT(analyzer=FOLDED, field_boost=1.5, phrase=False),
        body=TEXT(analyzer=MARKED, phrase=False),
        body_folded=TEXT(analyzer=FOLDED, phrase=False, spelling=True),
        body_shingles=TEXT(analyzer=SHINGLES, phrase=False),
    )
