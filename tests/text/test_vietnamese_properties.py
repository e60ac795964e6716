"""Properties of the Vietnamese text pipeline that must hold for any text, checked with hypothesis."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from qms.text import vietnamese
from qms.text.vietnamese import fold, normalize, tokens

# Every letter of Vietnamese, with each tone on each vowel (precomposed), in both cases.
_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_LETTERS = "bcdđghklmnpqrstvx" + "".join(
    unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in ("", *_TONES)
)
_ALPHABET = _LETTERS + _LETTERS.upper() + "0123456789"

words = st.text(_ALPHABET, min_size=1, max_size=8)
separators = st.sampled_from([" ", "  ", "\n", "\t", ", ", ". ", "; ", "/", "-", ".", ":", " (", ") ", "\u00a0"])


@st.composite
def vietnamese_text(draw) -> str:
    """Words of Vietnamese letters and digits between spaces, punctuation and code joiners."""
    parts = draw(st.lists(st.tuples(words, separators), max_size=12))
    return "".join(word + separator for word, separator in parts)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@given(vietnamese_text())
def test_nfc_and_nfd_give_the_same_normal_form_and_tokens(text):
    assert normalize(nfd(text)) == normalize(text)
    assert tokens(nfd(text)) == tokens(text)


@given(st.text())
def test_normalize_and_fold_are_idempotent_on_any_text(text):
    assert normalize(normalize(text)) == normalize(text)
    assert fold(fold(text)) == fold(text)


@given(vietnamese_text())
@example("Đường đi Đồng Đăng")
def test_folded_vietnamese_is_plain_ascii_and_d_stays_a_letter(text):
    folded = fold(text)
    assert folded.replace("\u00a0", " ").isascii()
    assert len(folded) == len(normalize(text))  # one letter for one letter: offsets stay valid
    assert fold("đ" + text + "Đ") == "d" + folded + "D"


@given(vietnamese_text())
def test_tokens_of_folded_text_are_the_folded_tokens(text):
    assert [token.text for token in tokens(fold(text))] == [token.folded for token in tokens(text)]
    assert [(token.start, token.end) for token in tokens(fold(text))] == [(t.start, t.end) for t in tokens(text)]


@st.composite
def two_tone_placements(draw) -> tuple[str, str]:
    """A syllable with oa/oe/uy (no final consonant) written with the tone on either vowel (hòa / hoà)."""
    onset = draw(st.sampled_from(["", "h", "kh", "th", "t", "l", "x", "ng", "nh", "ch", "tr", "s", "đ"]))
    first, second = draw(st.sampled_from([("o", "a"), ("o", "e"), ("u", "y")]))
    tone = draw(st.sampled_from(_TONES))
    upper = draw(st.booleans())
    old = onset + first + tone + second
    new = onset + first + second + tone
    if upper:
        old, new = old.upper(), new.upper()
    return unicodedata.normalize("NFC", old), unicodedata.normalize("NFC", new)


@given(two_tone_placements(), vietnamese_text(), vietnamese_text())
def test_either_tone_placement_gives_the_same_text_tokens_and_folding(pair, before, after):
    old, new = (f"{before} {syllable} {after}" for syllable in pair)
    assert normalize(old) == normalize(new)
    assert tokens(old) == tokens(new)
    assert fold(old) == fold(new)


@given(st.one_of(vietnamese_text(), st.text()))
@example("İstanbul Ǆemal ΣΊΣΥΦΟΣ QT-HT-04 61/2018/NĐ-CP Thuỷ hoà")
def test_indexing_reads_the_words_and_folds_that_search_reads(text):
    """The indexer's faster reading (no offsets) gives every token's word and fold, in order, for any text."""
    read = [(word, vietnamese.fold_word(word)) for word in vietnamese.words(text)]
    assert read == [(token.text, token.folded) for token in tokens(text)]
