"""The passage under a hit reads as text and marks whole words, words typed together where they stand together."""

from __future__ import annotations

from qms.search import passages

PROCESS = (
    "Thủ tục đăng ký hộ tịch tại UBND xã.\n"
    "Bước | Nội dung công việc | Trách nhiệm | Thời gian\n"
    "1 | Tiếp nhận hồ sơ |  | 1 giờ\n"
    "| x | 2 |\n"
    "Hồ sơ gồm: Tờ khai đăng ký Hộ tịch theo mẫu; hồ sơ lưu tại bộ phận một cửa."
)


def test_a_table_row_reads_as_its_cells_without_pipes():
    text = passages.readable(PROCESS)
    assert "|" not in text
    assert "1 · Tiếp nhận hồ sơ · 1 giờ" in text and "\nx · 2\n" in text
    shown = passages.passage(None, PROCESS, {"tiep", "nhan"}, {("tiep", "nhan")})
    assert "|" not in shown and "<mark>Tiếp nhận</mark> hồ sơ · 1 giờ" in shown


def test_a_folded_query_marks_the_words_where_they_stand_together_never_a_syllable_of_another_word():
    shown = passages.passage(None, PROCESS, {"ho", "tich"}, {("ho", "tich")})
    assert "<mark>hộ tịch</mark>" in shown and "<mark>Hộ tịch</mark>" in shown
    assert "<mark>hồ</mark>" not in shown and "<mark>Hồ</mark>" not in shown and shown.count("<mark>") == 2


def test_words_are_marked_whole_never_inside_a_longer_word():
    shown = passages.passage(None, "Hoà giải ở cơ sở; hoạt động hoà giải", {"hoa"}, set())
    assert shown.count("<mark>") == 2 and "<mark>Hoà</mark>" in shown and "<mark>hoạ" not in shown


def test_without_the_pair_in_the_text_the_words_show_why_it_matched():
    shown = passages.passage(None, "Sổ hộ khẩu và hồ sơ; lý lịch tư pháp", {"ho", "tich"}, {("ho", "tich")})
    assert "<mark>hộ</mark>" in shown and "<mark>hồ</mark>" in shown


def test_a_compound_is_split_only_when_the_query_does_not_hold_it_whole():
    text = "Căn cứ Nghị định 61/2018/NĐ-CP. Lệ phí: 8.000 đồng/bản sao."
    assert "<mark>61/2018/NĐ-CP</mark>" in passages.passage(None, text, {"61/2018"}, set())
    assert "đồng/<mark>bản sao</mark>" in passages.passage(None, text, {"ban", "sao"}, {("ban", "sao")})


def test_markup_in_the_text_stays_text():
    shown = passages.passage(None, "<script>alert(1)</script> hộ tịch", {"ho", "tich"}, {("ho", "tich")})
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "<mark>hộ tịch</mark>" in shown
