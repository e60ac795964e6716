"""The index terms of every text field are exactly what the Vietnamese analyzer gives."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.fields import TEXT

from qms.search.schema import build_schema

TEXTS = [
    "",
    "Cấp bản sao trích lục hộ tịch; cấp bản sao từ sổ gốc. Lệ phí 8.000 đồng.",
    "Căn cứ Nghị định số 61/2018/NĐ-CP và 61/2018/ND-CP; mã TTHC 2.000815.000.00.00.H55, QT-HT-04.",
    unicodedata.normalize("NFD", "Hòa giải ở cơ sở, thủy lợi, khỏe; Y tế xã. Đổi, đối, đội."),
]


@pytest.mark.parametrize("text", TEXTS)
def test_counted_terms_equal_the_analyzers_terms(text):
    schema = build_schema()
    for name in schema.names():
        field = schema[name]
        if not isinstance(field, TEXT):
            continue
        counted = sorted(field.index(text))
        # The analyzer's way: one token at a time through Whoosh's own counting.
        analysed = sorted(
            (term.encode("utf-8"), frequency, weight, value)
            for term, frequency, weight, value in field.format.word_values(text, field.analyzer, mode="index")
        )
        assert counted == analysed, name
        if text:
            assert counted, name


_WORDS = ["Cấp", "bản", "sao", "hộ", "tịch", "ho", "tich", "Hòa", "hoà", "giải", "QT-HT-04", "qt-ht-04",
          "61/2018/NĐ-CP", "61/2018/ND-CP", "2.000815.000.00.00.H55", "8.000", "1.001193", "5.1", "Đồng", "ĐỒNG",
          "a.b", "x_y", "thuỷ", "khỏe", "NĐ-CP/2018"]


@given(st.one_of(
    st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", ", ", ". ", "/", "-", "\n", ""])), max_size=30)
    .map(lambda parts: "".join(word + separator for word, separator in parts)),
    st.text(max_size=60),
))
def test_counted_terms_equal_the_analyzers_terms_for_any_text(text):
    schema = build_schema()
    for name in ("code", "title_folded", "title_shingles", "body"):  # exact, folded, shingles, marked
        field = schema[name]
        analysed = Counter(token.text for token in field.analyzer(text, mode="index"))
        assert field.term_counts(text) == analysed, name
