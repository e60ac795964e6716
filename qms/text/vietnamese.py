"""The one Vietnamese text pipeline: normalisation, folding, tokens and shingles for indexing and queries.

Every piece of text that is stored, indexed or compared goes through `normalize` first, and
searches compare either normalised tokens (exact, with diacritics) or their `fold`ed form.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Token",
    "bigrams",
    "code_variants",
    "fold",
    "normalize",
    "slug",
    "tokens",
]

# U+00D0/U+00F0 (Icelandic eth) look like Đ/đ and turn up in text typed with the wrong keyboard
# layout; zero-width characters are invisible but split words.
_CHAR_MAP: dict[int, int | None] = {
    0x00D0: 0x0110,  # Ð -> Đ
    0x00F0: 0x0111,  # ð -> đ
    0x200B: None,  # zero width space
    0x200C: None,  # zero width non-joiner
    0x200D: None,  # zero width joiner
    0x2060: None,  # word joiner
    0xFEFF: None,  # zero width no-break space / BOM
}
_MAPPED_CHAR = re.compile("[" + "".join(chr(code) for code in _CHAR_MAP) + "]")

# The five Vietnamese tone marks as combining characters (grave, acute, tilde, hook above, dot below).
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Marks that change the vowel itself (circumflex, breve, horn); a vowel bearing one takes the tone.
_SHAPES = frozenset("\u0302\u0306\u031b")
_VOWELS = frozenset("aeiouy")

# A syllable in NFD: a run of letters and their combining marks.
_NFD_SYLLABLE = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
# Syllables worth a closer look: o/u carrying a mark followed by a/e/y, or qu + mark.
_CANDIDATE = re.compile(r"[oOuU][\u0300-\u036f]+[aAeEyY]|[qQ][uU][\u0300-\u036f]")

# Word characters are letters and digits (any script); inner joiners keep codes and numbers whole.
_WORD = r"(?:[^\W_]|[\u0300-\u036f])+"
_TOKEN = re.compile(rf"{_WORD}(?:[./:_-]{_WORD})*")
_JOINERS = re.compile(r"[./:_-]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TTHC_CODE = re.compile(r"([1-9]\.\d{6})(?:\.[0-9a-z]+)+")


@dataclass(frozen=True, slots=True)
class Token:
    """A lowercase normalised word; start/end are offsets into `normalize(text)`, not the raw input."""

    text: str
    folded: str
    start: int
    end: int


def normalize(text: str) -> str:
    """NFC, Ð->Đ, no zero-width characters, one tone placement (new style: hoà, khoẻ, thuỷ); layout kept."""
    if _MAPPED_CHAR.search(text) is not None:  # rare; translate() walks every character of a long text
        text = text.translate(_CHAR_MAP)
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _place_tones(decomposed))


_SYLLABLE_CHAR = re.compile(r"[^\W\d_]|[\u0300-\u036f]")


def _place_tones(decomposed: str) -> str:
    """``_NFD_SYLLABLE.sub(_place_tone, …)``, but calling back only on the few syllables that may need it."""
    pieces: list[str] = []
    last = 0
    for candidate in _CANDIDATE.finditer(decomposed):
        start = candidate.start()
        if start < last:
            continue
        while start > 0 and _SYLLABLE_CHAR.match(decomposed, start - 1):
            start -= 1
        syllable = _NFD_SYLLABLE.match(decomposed, start)
        if syllable is None:  # pragma: no cover - a candidate always starts inside a syllable
            continue
        pieces.append(decomposed[last:start])
        pieces.append(_place_tone(syllable))
        last = syllable.end()
    if not pieces:
        return decomposed
    pieces.append(decomposed[last:])
    return "".join(pieces)


def _place_tone(match: re.Match[str]) -> str:
    """One NFD syllable with its tone mark moved to the canonical vowel, when it sits elsewhere."""
    syllable = match.group(0)
    if _CANDIDATE.search(syllable) is None:
        return syllable
    letters = _split_letters(syllable)
    toned = [i for i, (_, marks) in enumerate(letters) if _TONES.intersection(marks)]
    if len(toned) != 1:
        return syllable
    source = toned[0]
    target = _tone_target(letters, source)
    if target is None or target == source:
        return syllable
    base, marks = letters[source]
    tone = next(mark for mark in marks if mark in _TONES)
    letters[source] = (base, [mark for mark in marks if mark != tone])
    target_base, target_marks = letters[target]
    letters[target] = (target_base, [*target_marks, tone])
    return "".join(base + "".join(marks) for base, marks in letters)


def _split_letters(syllable: str) -> list[tuple[str, list[str]]]:
    """(base letter, combining marks) pairs of an NFD syllable."""
    letters: list[tuple[str, list[str]]] = []
    for char in syllable:
        if unicodedata.combining(char) and letters:
            letters[-1][1].append(char)
        else:
            letters.append((char, []))
    return letters


def _tone_target(letters: list[tuple[str, list[str]]], source: int) -> int | None:
    """Where the tone on letters[source] belongs, for the oa/oe/uy/qu cases only; None to leave it."""
    base, marks = letters[source]
    lower = base.lower()
    if _SHAPES.intersection(marks) or source + 1 >= len(letters):
        return None
    following, following_marks = letters[source + 1]
    following_lower = following.lower()
    if following_lower not in _VOWELS:
        return None
    if lower == "u" and source > 0 and letters[source - 1][0].lower() == "q":
        # After q the u is part of the consonant: the tone goes on the real vowel (quý, quả, quyết).
        for index in range(source + 1, len(letters)):
            letter, letter_marks = letters[index]
            if letter.lower() not in _VOWELS:
                break
            if _SHAPES.intersection(letter_marks):
                return index
        return source + 1
    if following_marks:
        return None
    if lower == "o" and following_lower in ("a", "e"):
        return source + 1
    if lower == "u" and following_lower == "y":
        # uyê takes the tone on ê (thuyết, khuyến); otherwise on y (thuỷ, huỳnh).
        if source + 2 < len(letters):
            after, after_marks = letters[source + 2]
            if after.lower() == "e" and "\u0302" in after_marks:
                return source + 2
        return source + 1
    return None


def fold(text: str) -> str:
    """Normalised text without any diacritics; đ/Đ (no Unicode decomposition) become d/D."""
    decomposed = unicodedata.normalize("NFD", normalize(text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def tokens(text: str) -> list[Token]:
    """Lowercase words and codes of `normalize(text)` with offsets into that normalised string.

    A token is a maximal run of letters/digits, with inner `.`, `/`, `-`, `:`, `_` kept when both
    sides are letters/digits, so `61/2018/NĐ-CP`, `1.001193`, `QT-HT-04`, `9001:2015` and `8.000`
    stay whole while a full stop ending a sentence does not. One-letter words are kept and there
    is no stop list ("Y tế", "An ninh" are real words).
    """
    normalized = normalize(text)
    result: list[Token] = []
    for match in _TOKEN.finditer(normalized):
        word = match.group(0).lower()
        result.append(Token(word, fold_word(word), match.start(), match.end()))
    return result


def words(text: str) -> list[str]:
    """The word of each of ``tokens(text)``, without offsets or folds: what indexing reads."""
    return list(map(str.lower, _TOKEN.findall(normalize(text))))


@functools.lru_cache(maxsize=1 << 17)
def fold_word(word: str) -> str:
    """``fold`` of one already normalised word; a text has few distinct words, so caching pays."""
    return fold(word)


@functools.lru_cache(maxsize=1 << 15)
def _code_variants(token_text: str) -> tuple[str, ...]:
    return tuple(code_variants(token_text))


def cached_code_variants(token_text: str) -> tuple[str, ...]:
    """``code_variants``, remembered: the indexer asks for every token of every text."""
    return _code_variants(token_text)


def code_variants(token_text: str) -> list[str]:
    """Other index terms a user may type for a compound token; never the token itself.

    - plain words and numbers (`8.000`, `1.001193`, `5.1`): none;
    - province TTHC codes (`2.000815.000.00.00.h55`): the national code `2.000815`;
    - other compounds: the `/`-prefixes of three or more `/`-parts (`61/2018` of `61/2018/nđ-cp`),
      then every part between joiners (`61`, `2018`, `nđ`, `cp`; `qt`, `ht`, `04`),
      then the folded form when it differs (`61/2018/nd-cp`).
    """
    text = token_text.lower()
    if _JOINERS.search(text) is None or _NUMBER.fullmatch(text):
        return []
    tthc = _TTHC_CODE.fullmatch(text)
    if tthc is not None:
        return [tthc.group(1)]
    candidates: list[str] = []
    slash_parts = text.split("/")
    for count in range(2, len(slash_parts)):
        candidates.append("/".join(slash_parts[:count]))
    candidates.extend(part for part in _JOINERS.split(text) if part)
    candidates.append(fold(text))
    seen = {text}
    variants: list[str] = []
    for candidate in candidates:
        if candidate not in seen:
            seen.add(candidate)
            variants.append(candidate)
    return variants


def bigrams(token_list: Sequence[Token]) -> list[str]:
    """Folded bigrams of consecutive tokens joined by `_` (thu_tuc, tuc_hanh, hanh_chinh), a phrase shingle."""
    return [f"{first.folded}_{second.folded}" for first, second in zip(token_list, token_list[1:], strict=False)]


def slug(text: str) -> str:
    """Folded lowercase ASCII with every other run of characters turned into one `-`, for file names."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")
