"""The index terms of every text field are exactly what the Vietnamese analyzer gives."""

from __future__ import annotations

import unicodedata

import pytest
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
