"""Abbreviations typed at the counter stand for their words; nothing else is expanded."""

from __future__ import annotations

from qms.text import vietnamese
from qms.text.abbreviations import EXPANSIONS, expansion


def token(text: str) -> vietnamese.Token:
    return vietnamese.tokens(text)[0]


def test_an_abbreviation_typed_in_any_case_stands_for_its_words():
    assert [t.text for t in expansion(token("GPXD"))] == ["giấy", "phép", "xây", "dựng"]
    assert [t.folded for t in expansion(token("ubnd"))] == ["uy", "ban", "nhan", "dan"]


def test_words_with_diacritics_and_ordinary_words_are_left_alone():
    assert expansion(token("đk")) == ()
    assert expansion(token("khai")) == ()


def test_every_key_is_folded_lowercase_without_spaces():
    assert all(key == vietnamese.fold(key).lower() and " " not in key for key in EXPANSIONS)
