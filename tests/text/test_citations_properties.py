"""Properties of legal-number extraction, checked with hypothesis: any well-formed number in any
surrounding Vietnamese text is found, in its one canonical form, however it was typed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qms.text.citations import canonical_number, find_citations
from qms.text.vietnamese import normalize

# (type, issuer) pairs as agencies write them, canonical spelling.
_KINDS = [
    ("NĐ", "CP"), ("QĐ", "TTg"), ("QĐ", "UBND"), ("TT", "BTP"), ("TT", "BKHCN"), ("NQ", "HĐND"), ("TTLT", "BTC-BTP"),
    ("QĐ", "BKHCN"), ("CT", "TTg"), ("TT", "BLĐTBXH"),
]
_CONTEXT_WORDS = [
    "Căn cứ", "theo", "Nghị định", "Thông tư", "Quyết định", "ngày", "tháng", "năm", "của", "Chính phủ", "quy định",
    "về", "thủ tục", "hộ tịch", "sửa đổi", "bổ sung", "một số điều", "Bộ Tư pháp", "UBND xã", "hướng dẫn",
]


@st.composite
def legal_numbers(draw) -> tuple[str, str]:
    """(canonical number, the same number as someone typed it): ASCII D, other case, spaces, en dash."""
    number = draw(st.integers(min_value=1, max_value=99_999))
    year = draw(st.integers(min_value=1990, max_value=2030))
    kind, issuer = draw(st.sampled_from(_KINDS))
    canonical = f"{number}/{year}/{kind}-{issuer}"
    typed_kind = kind.replace("Đ", "D") if draw(st.booleans()) else kind
    typed_issuer = issuer.replace("Đ", "D") if issuer in ("HĐND", "BLĐTBXH") and draw(st.booleans()) else issuer
    if draw(st.booleans()):
        typed_kind, typed_issuer = typed_kind.lower(), typed_issuer.lower()
    dash = draw(st.sampled_from(["-", " - ", "\u2013", "\u2011"]))
    slash = draw(st.sampled_from(["/", " / "]))
    return canonical, f"{number}{slash}{year}{slash}{typed_kind}{dash}{typed_issuer}"


context = st.lists(st.sampled_from(_CONTEXT_WORDS), max_size=8).map(" ".join)


@given(legal_numbers(), context, context, st.sampled_from(["", ",", ".", ";", ")"]))
def test_a_number_in_any_vietnamese_text_is_found_in_canonical_form(number, before, after, punctuation):
    canonical, typed = number
    text = normalize(f"{before} {typed}{punctuation} {after}")
    assert canonical in [citation.number for citation in find_citations(text)]


@given(legal_numbers())
def test_typing_variants_have_one_canonical_form(number):
    canonical, typed = number
    assert canonical_number(typed) == canonical
    assert canonical_number(canonical) == canonical
    assert canonical_number(canonical.replace("Đ", "D")) == canonical  # ASCII ND is NĐ


@given(st.text(max_size=300))
def test_found_numbers_are_canonical_and_lie_where_they_were_found(text):
    text = normalize(text)
    for citation in find_citations(text):
        assert canonical_number(citation.number) == citation.number
        assert text[citation.start : citation.end] == citation.raw
