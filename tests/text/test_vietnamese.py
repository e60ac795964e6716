"""The Vietnamese text pipeline: normalisation, folding, tokens, code variants, bigrams, slugs."""

from __future__ import annotations

import unicodedata

import pytest

from qms.text.vietnamese import Token, bigrams, code_variants, fold, normalize, slug, tokens

SAMPLES = [
    "Thủ tục hành chính",
    "Uỷ ban nhân dân xã Lộc Bình",
    "Ủy ban nhân dân\nquận Hoà Bình\tthuỷ lợi",
    "Nghị định 61/2018/NĐ-CP, mã 2.000815.000.00.00.H55; phí 8.000 đ.",
    "QUÝ KHÁCH, Quỳnh, Thuyết, KHỎE, hòa, qúy",
    "Ðà Nẵng\u200b và \ufeffđường",
    "",
]

# (old placement, new placement)
TONE_PAIRS = [
    ("hòa", "hoà"),
    ("hóa", "hoá"),
    ("hỏa", "hoả"),
    ("hõa", "hoã"),
    ("họa", "hoạ"),
    ("lòa", "loà"),
    ("thủy", "thuỷ"),
    ("thúy", "thuý"),
    ("thùy", "thuỳ"),
    ("thũy", "thuỹ"),
    ("thụy", "thuỵ"),
    ("khỏe", "khoẻ"),
    ("khóe", "khoé"),
    ("xòe", "xoè"),
    ("ọe", "oẹ"),
    ("qúy", "quý"),
    ("qủa", "quả"),
    ("Ủy ban", "Uỷ ban"),
    ("tùy thân", "tuỳ thân"),
    ("HÒA", "HOÀ"),
    ("Hòa", "Hoà"),
    ("THỦY", "THUỶ"),
    ("QÚY", "QUÝ"),
]


def nfd(text: str) -> str:
    """The same text decomposed."""
    return unicodedata.normalize("NFD", text)


def test_nfd_input_equals_nfc_result() -> None:
    text = "Cấp bản sao trích lục hộ tịch – Đăng ký khai sinh"
    assert normalize(nfd(text)) == unicodedata.normalize("NFC", text)
    assert unicodedata.is_normalized("NFC", normalize(nfd(text)))


def test_eth_look_alike_becomes_d_stroke() -> None:
    assert normalize("ÐẠI HỌC ðường") == "ĐẠI HỌC đường"
    assert normalize("61/2018/NÐ-CP") == "61/2018/NĐ-CP"


@pytest.mark.parametrize(("old", "new"), TONE_PAIRS)
def test_old_tone_placement_becomes_new(old: str, new: str) -> None:
    assert normalize(old) == new
    assert normalize(new) == new
    assert normalize(nfd(old)) == new


@pytest.mark.parametrize(
    "word",
    ["hoàn", "toán", "thuyết", "quý", "quỳnh", "Quỳnh", "hoàng", "ngoại", "khuỷu", "huỳnh", "quyết", "quả", "hoà"],
)
def test_unambiguous_placements_untouched(word: str) -> None:
    assert normalize(word) == word


def test_misplaced_tone_before_final_consonant_is_moved_to_the_only_valid_vowel() -> None:
    assert normalize("hòan") == "hoàn"


def test_tone_placement_stays_within_the_syllable() -> None:
    # "ò" ends one syllable and "a" starts the next: not an "oa" cluster.
    assert normalize("cò a") == "cò a"
    assert normalize("lò-an") == "lò-an"


def test_foreign_words_untouched() -> None:
    for word in ("Québec", "où", "café", "résumé"):
        assert normalize(word) == word


def test_zero_width_removed_but_layout_kept() -> None:
    text = "Dòng\u200b một\n\nDòng\u200d hai\tcột\u00a0ba\ufeff"
    assert normalize(text) == "Dòng một\n\nDòng hai\tcột\u00a0ba"


@pytest.mark.parametrize("text", SAMPLES)
def test_normalize_and_fold_are_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    folded = fold(text)
    assert fold(folded) == folded


def test_fold_strips_marks_and_maps_d_stroke() -> None:
    assert fold("Đường") == "Duong"
    assert fold("đường") == "duong"
    assert fold("Thủ tục hành chính") == "Thu tuc hanh chinh"
    assert fold("ĐĂNG KÝ KHAI SINH") == "DANG KY KHAI SINH"
    assert fold("Ðà") == "Da"


def test_fold_merges_both_tone_placements() -> None:
    assert fold("hòa") == fold("hoà") == "hoa"
    assert fold(nfd("thủy")) == "thuy"


def test_tokens_are_lowercase_with_folded_form() -> None:
    result = tokens("Thủ tục HÀNH CHÍNH")
    assert [t.text for t in result] == ["thủ", "tục", "hành", "chính"]
    assert [t.folded for t in result] == ["thu", "tuc", "hanh", "chinh"]
    assert isinstance(result[0], Token)


def test_one_letter_tokens_kept() -> None:
    assert [t.text for t in tokens("Y tế, An ninh, ô tô")] == ["y", "tế", "an", "ninh", "ô", "tô"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TTHC 1.001193.", ["tthc", "1.001193"]),
        ("mã 2.000815.000.00.00.H55;", ["mã", "2.000815.000.00.00.h55"]),
        ("Nghị định 61/2018/NĐ-CP.", ["nghị", "định", "61/2018/nđ-cp"]),
        ("Mã hiệu QT-HT-04", ["mã", "hiệu", "qt-ht-04"]),
        ("TCVN ISO 9001:2015", ["tcvn", "iso", "9001:2015"]),
        ("phí 8.000 đ", ["phí", "8.000", "đ"]),
        ("ma_tai_lieu", ["ma_tai_lieu"]),
        ("5.1. Cơ sở", ["5.1", "cơ", "sở"]),
        ("Tư pháp - Hộ tịch", ["tư", "pháp", "hộ", "tịch"]),
        ("trang 1/4.", ["trang", "1/4"]),
        ("-QT-05-", ["qt-05"]),
    ],
)
def test_code_tokens_stay_whole(text: str, expected: list[str]) -> None:
    assert [t.text for t in tokens(text)] == expected


@pytest.mark.parametrize("text", [*SAMPLES, nfd("Ủy ban nhân dân tỉnh Hòa Bình, 61/2018/NÐ-CP")])
def test_token_offsets_point_into_normalized_text(text: str) -> None:
    norm = normalize(text)
    for token in tokens(text):
        assert norm[token.start : token.end].lower() == token.text


def test_token_offsets_after_removed_zero_width() -> None:
    text = "a\u200bb cd"
    norm = normalize(text)
    assert [(t.text, norm[t.start : t.end]) for t in tokens(text)] == [("ab", "ab"), ("cd", "cd")]


def test_code_variants() -> None:
    assert code_variants("qt-ht-04") == ["qt", "ht", "04"]
    assert code_variants("61/2018/nđ-cp") == ["61/2018", "61", "2018", "nđ", "cp", "61/2018/nd-cp"]
    assert code_variants("1.001193") == []
    assert code_variants("8.000") == []
    assert code_variants("thủ") == []
    assert code_variants("2.000815.000.00.00.h55") == ["2.000815"]
    assert code_variants("9001:2015") == ["9001", "2015"]
    assert code_variants("101/qđ-bkhcn") == ["101", "qđ", "bkhcn", "101/qd-bkhcn"]


def test_bigrams_are_folded_pairs() -> None:
    assert bigrams(tokens("thủ tục hành chính")) == ["thu_tuc", "tuc_hanh", "hanh_chinh"]
    assert bigrams(tokens("Thu tuc hanh chinh")) == ["thu_tuc", "tuc_hanh", "hanh_chinh"]
    assert bigrams(tokens("một")) == []
    assert bigrams([]) == []


def test_slug() -> None:
    assert slug("Quy trình Đăng ký khai sinh (lần 02)") == "quy-trinh-dang-ky-khai-sinh-lan-02"
    assert slug("QT-HT-04 / Trích lục") == "qt-ht-04-trich-luc"
    assert slug("  ") == ""
