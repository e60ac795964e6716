"""The passage shown under a hit: the parts of the text around the query's first matches, marked.

Whoosh's highlighter re-analyses the text it is given; giving it a few windows around the
matches instead of a 2,000-word process keeps ten highlights in milliseconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set

from markupsafe import Markup, escape
from whoosh.highlight import ContextFragmenter, Formatter, get_text

#: Characters read on each side of a match.
WINDOW = 300
#: Windows kept at most, in text order.
SPOTS = 3
#: The longest phrase chain looked for as a whole.
LONGEST_CHAIN = 12


class MarkFormatter(Formatter):
    """Escaped text with only <mark> as markup."""

    between = " … "

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{escape(get_text(text, token, replace))}</mark>"

    def _text(self, text: str) -> str:
        return str(escape(text))


def _fold_table() -> dict[int, str]:
    """One character for one character (so offsets hold): Latin letters without marks, đ → d."""
    table = {}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    return table


_FOLD_CHARS = _fold_table()


def excerpt(text: str, words: set[str], pairs: Set[tuple[str, str]] = frozenset()) -> str:
    """The parts of ``text`` around the first matches: a whole phrase first, then its pairs, then words.

    ``words`` are folded words, ``pairs`` folded consecutive words (shingles). The text is NFC, so
    folding it character by character keeps positions. Without any match, the beginning of the text.
    """
    if len(text) <= 2 * WINDOW * SPOTS or not (words or pairs):
        return text
    folded = text.translate(_FOLD_CHARS).lower()
    if len(folded) != len(text):
        return text

    def spots_of(alternatives: list[str]) -> list[int]:
        if not alternatives:
            return []
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")(?!\w)")
        found: list[int] = []
        for match in pattern.finditer(folded):
            if not found or match.start() > found[-1] + WINDOW:
                found.append(match.start())
                if len(found) == SPOTS:
                    break
        return found

    # A phrase's shingles chained (thanh_phan, phan_ho, ho_so → thanh phan ho so).
    following = dict(pairs)
    chains = []
    for head in sorted({a for a, _b in pairs} - {b for _a, b in pairs}):
        chain = [head]
        while chain[-1] in following and len(chain) < LONGEST_CHAIN:
            chain.append(following[chain[-1]])
        chains.append(chain)
    starts = (
        spots_of([r"\W+".join(map(re.escape, chain)) for chain in chains if len(chain) > 2])
        or spots_of([re.escape(a) + r"\W+" + re.escape(b) for a, b in pairs])
        or spots_of([re.escape(w) for w in words])
    )
    if not starts:
        return text[: 2 * WINDOW]
    parts, end = [], 0
    for start in starts:
        low = max(end, start - WINDOW)
        parts.append(text[low : start + WINDOW])
        end = start + WINDOW
    return " … ".join(parts)


def matched_terms(results) -> tuple[set[str], set[tuple[str, str]]]:
    """The folded words and shingle pairs of the query that are in the index's bodies."""

    def terms(field: str) -> set[str]:
        # One field at a time: Query.existing_terms without a field name skips every field but
        # the first it meets (whoosh-reloaded 2.7.5 reuses the name as its loop variable).
        found = results.query_terms(expand=True, fieldname=field)
        return {term.decode("utf-8") if isinstance(term, bytes) else term for _field, term in found}

    words = terms("body_folded")
    pairs = {tuple(pair.split("_", 1)) for pair in terms("body_shingles")}
    return words, pairs  # type: ignore[return-value]  # split("_", 1) of a shingle, always two words, gives pairs


def passage(hit, text: str, words: set[str], pairs: set[tuple[str, str]]) -> Markup:
    """Up to two marked fragments of ``text`` for one hit; a phrase matches only shingles, so try those too."""
    if not text:
        return Markup("")
    hit.results.fragmenter = ContextFragmenter(maxchars=200, surround=40)
    hit.results.formatter = MarkFormatter()
    window = excerpt(text, words, pairs)
    marked = hit.highlights("body_folded", text=window, top=2) or hit.highlights("body_shingles", text=window, top=2)
    return Markup(marked)
