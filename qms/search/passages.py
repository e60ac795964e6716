"""The passage shown under a hit: the parts of the text around the query's first matches, marked.

Only a few windows around the matches are read (not a 2,000-word process), shown as text (a table row as
its cells, without pipes), with whole words marked: words typed together where they stand together.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set

from markupsafe import Markup, escape

from qms.text import vietnamese

#: Characters read on each side of a match.
WINDOW = 300
#: Windows kept at most, in text order.
SPOTS = 3
#: The longest phrase chain looked for as a whole.
LONGEST_CHAIN = 12
#: A fragment shown under a hit: marks this close together share one, with this much text on each side.
FRAGMENT_CHARS = 160
SURROUND = 50
FRAGMENTS = 2
#: A cell boundary of a table row as the extraction writes it (" | "), with any empty cells around it.
_JOINER = re.compile(r"[./:_-]")
_PART = re.compile(r"[^./:_-]+")
_CELL = re.compile(r"(?:^|\s)\|(?:\s|$)")


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


def readable(text: str) -> str:
    """The text as a person reads it: a table row (cells joined by " | " by the extraction) as its cells, no pipes."""
    if "|" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        if _CELL.search(line):
            line = " · ".join(cell for cell in (part.strip() for part in _CELL.split(line)) if cell)
        lines.append(line)
    return "\n".join(lines)


def marked(text: str, words: Set[str], pairs: Set[tuple[str, str]] = frozenset()) -> list[tuple[int, int]]:
    """Where ``text`` holds the query's words, whole words only, as (start, end) offsets.

    Words typed together («ho tich») are marked where they stand together («Hộ tịch»), never one by one
    («hồ» of «hồ sơ»); a word of the query that stands with no other is marked wherever it is. Only when the
    text holds no pair at all are the words of pairs marked one by one, so that a passage shows why it matched.
    """
    if len(vietnamese.normalize(text)) != len(text):
        return []
    found = _words_of(vietnamese.tokens(text), words)
    in_pairs = {word for pair in pairs for word in pair}
    is_word = {index for index, token in enumerate(found) if token.folded in words}
    spans: set[int] = set()
    for index, (first, second) in enumerate(zip(found, found[1:], strict=False)):
        if (first.folded, second.folded) in pairs:
            spans.update((index, index + 1))
    if spans:
        spans.update(index for index in is_word if found[index].folded not in in_pairs)
    else:
        spans = is_word
    merged: list[tuple[int, int]] = []
    for index in sorted(spans):
        start, end = found[index].start, found[index].end
        if merged and not text[merged[-1][1]:start].strip():  # «hộ tịch» as one mark
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _words_of(tokens: list[vietnamese.Token], words: Set[str]) -> list[vietnamese.Token]:
    """The tokens, a compound («đồng/bản», «61/2018/NĐ-CP») split into its parts unless the query holds it or
    its start («61/2018») whole; a compound held whole stands for the query's word."""
    found: list[vietnamese.Token] = []
    for token in tokens:
        if token.folded in words or not _JOINER.search(token.text):
            found.append(token)
            continue
        held = next((vietnamese.fold(variant) for variant in vietnamese.cached_code_variants(token.text)
                     if "/" in variant and vietnamese.fold(variant) in words), None)
        if held is not None:
            found.append(vietnamese.Token(token.text, held, token.start, token.end))
            continue
        for part in _PART.finditer(token.text):
            start, end = token.start + part.start(), token.start + part.end()
            found.append(vietnamese.Token(part.group(0), vietnamese.fold(part.group(0)), start, end))
    return found


def _fragments(text: str, spans: list[tuple[int, int]]) -> str:
    """Up to ``FRAGMENTS`` pieces of ``text`` around the marks (the richest, in text order), marks as <mark>."""
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups and span[1] - groups[-1][0][0] <= FRAGMENT_CHARS:
            groups[-1].append(span)
        else:
            groups.append([span])
    kept = sorted(sorted(groups, key=len, reverse=True)[:FRAGMENTS], key=lambda group: group[0][0])
    pieces = []
    for group in kept:
        low, high = max(0, group[0][0] - SURROUND), min(len(text), group[-1][1] + SURROUND)
        # Whole words at both ends of a piece.
        while low > 0 and not text[low - 1].isspace():
            low -= 1
        while high < len(text) and not text[high].isspace():
            high += 1
        piece, cursor = Markup(""), low
        for start, end in group:
            piece += escape(text[cursor:start]) + Markup("<mark>") + escape(text[start:end]) + Markup("</mark>")
            cursor = end
        pieces.append(piece + escape(text[cursor:high]))
    return str(Markup(" … ").join(Markup(" ").join(piece.split()) for piece in pieces))


def passage(hit, text: str, words: set[str], pairs: set[tuple[str, str]]) -> Markup:
    """Up to two marked fragments of ``text`` for one hit, read as text (no table pipes), whole words marked.

    ``hit`` (the index's hit) is not needed any more: the marks come from the text and the query's terms.
    """
    if not text:
        return Markup("")
    window = readable(excerpt(text, words, pairs))
    spans = marked(window, words, pairs)
    if not spans:
        return Markup("")
    return Markup(_fragments(window, spans))
