"""Differences between revisions: lines then words (whole Vietnamese syllables), table rows, escaping, visibility."""

from __future__ import annotations

import re
from html import unescape

import pytest
from support.factories import fixture_file, make_docx, make_effective, upload

from qms.documents import diff, lifecycle
from qms.errors import NotFound

ONLY_MARKS = re.compile(r"</?(?:del|ins)>")


def tags(html: str) -> list[str]:
    return re.findall(r"<[^>]*>", html)


def test_a_changed_word_is_marked_whole_and_the_rest_is_not():
    old, new = diff.words_diff("Thời gian giải quyết: 05 ngày làm việc.", "Thời gian giải quyết: 03 ngày làm việc.")
    assert str(old) == "Thời gian giải quyết: <del>05</del> ngày làm việc."
    assert str(new) == "Thời gian giải quyết: <ins>03</ins> ngày làm việc."


def test_syllables_differing_only_by_a_tone_mark_are_whole_words_apart():
    old, new = diff.words_diff("Nộp hồ sơ tại bộ phận một cửa", "Nộp hồ sở tại bộ phận một cửa")
    assert str(old) == "Nộp hồ <del>sơ</del> tại bộ phận một cửa"
    assert str(new) == "Nộp hồ <ins>sở</ins> tại bộ phận một cửa"


def test_codes_and_numbers_stay_whole_and_punctuation_stands_apart():
    old, new = diff.words_diff("Căn cứ Nghị định số 61/2018/NĐ-CP; lệ phí 8.000 đồng.",
                               "Căn cứ Nghị định số 118/2025/NĐ-CP; lệ phí 10.000 đồng.")
    assert "<del>61/2018/NĐ-CP</del>;" in old and "<ins>118/2025/NĐ-CP</ins>;" in new
    assert "<del>8.000</del>" in old and "<ins>10.000</ins>" in new


def test_everything_is_escaped_and_only_the_marks_are_markup():
    old, new = "Bước 1 <b>tiếp nhận</b> & kiểm tra", 'Bước 1 <script>alert("x")</script> & kiểm tra'
    (line,) = diff.diff_lines(old, new)
    assert line.kind == diff.CHANGED
    for html, text in ((str(line.old), old), (str(line.new), new)):
        assert all(ONLY_MARKS.fullmatch(tag) for tag in tags(html)), html
        assert unescape(ONLY_MARKS.sub("", html)) == text


def test_unchanged_runs_are_folded_around_the_changes():
    old = "\n".join(f"Đoạn {n}" for n in range(1, 21))
    new = old.replace("Đoạn 10", "Đoạn mười")
    lines = diff.diff_lines(old, new)
    kinds = [line.kind for line in lines]
    assert kinds == [diff.FOLDED, diff.SAME, diff.SAME, diff.CHANGED, diff.SAME, diff.SAME, diff.FOLDED]
    assert (lines[0].folded, lines[-1].folded) == (7, 8)
    assert (lines[3].old_number, lines[3].new_number) == (10, 10)
    assert [line.kind for line in diff.diff_lines(old, old)] == [diff.FOLDED]


def test_added_and_removed_lines_stand_alone():
    lines = diff.diff_lines("Mục đích\nPhạm vi\nĐịnh nghĩa", "Mục đích\nĐịnh nghĩa\nBiểu mẫu kèm theo")
    changes = [(line.kind, str(line.old or ""), str(line.new or "")) for line in lines if line.kind != diff.SAME]
    assert changes == [
        (diff.REMOVED, "<del>Phạm vi</del>", ""),
        (diff.ADDED, "", "<ins>Biểu mẫu kèm theo</ins>"),
    ]


def test_two_revisions_compared_with_table_rows_and_the_change_descriptions(
    session, files, secretary, reviewer, approver, inspector, document, today
):
    table = [["Bước", "Nội dung công việc", "Trách nhiệm", "Thời gian"],
             ["B1", "Tiếp nhận hồ sơ", "Công chức một cửa", "01 giờ"],
             ["B2", "Tra cứu, in bản sao", "Công chức Tư pháp - Hộ tịch", "04 giờ"]]
    first = make_effective(session, files, document, secretary, reviewer, approver, today,
                           make_docx("1. MỤC ĐÍCH", "Quy định trình tự cấp bản sao.", table=table), "Ban hành lần đầu")
    table[2][3] = "03 giờ"
    second = upload(session, files, secretary, document,
                    make_docx("1. MỤC ĐÍCH", "Quy định trình tự cấp bản sao trích lục.", table=table),
                    "Mục 5.7: rút thời gian bước 2 xuống 03 giờ")
    result = diff.compare(session, inspector, document.id, first.id, second.id)
    assert result.has_text and result.changes == 2
    changed = [line for line in result.lines if line.kind == diff.CHANGED]
    paragraph, row = changed
    assert not paragraph.table_row and str(paragraph.new).endswith("bản sao <ins>trích lục</ins>.")
    assert row.table_row
    assert str(row.old) == "B2 | Tra cứu, in bản sao | Công chức Tư pháp - Hộ tịch | <del>04</del> giờ"
    assert str(row.new) == "B2 | Tra cứu, in bản sao | Công chức Tư pháp - Hộ tịch | <ins>03</ins> giờ"
    assert [r.change_summary for r in result.described_by] == ["Mục 5.7: rút thời gian bước 2 xuống 03 giờ"]
    backwards = diff.compare(session, secretary, document.id, second.id, first.id)
    assert [r.id for r in backwards.described_by] == [second.id]


def test_the_fixture_revisions_show_the_replaced_decree(
    session, files, secretary, reviewer, approver, inspector, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today,
                           fixture_file("QT-HT-04_trich-luc_lan-01.docx"))
    second = upload(session, files, secretary, document, fixture_file("QT-HT-04_trich-luc_lan-02.docx"),
                    "Cập nhật căn cứ pháp lý")
    result = diff.compare(session, inspector, document.id, first.id, second.id)
    decree = [line for line in result.lines if line.kind == diff.CHANGED and "61/2018/NĐ-CP" in str(line.old)]
    assert decree and all("<ins>118/2025/NĐ-CP</ins>" in str(line.new) for line in decree)
    assert any(line.kind == diff.FOLDED for line in result.lines)


def test_staff_and_other_organisations_get_not_found(
    session, files, secretary, reviewer, approver, staff, outsider, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa")
    for user in (staff, outsider):
        with pytest.raises(NotFound):
            diff.compare(session, user, document.id, first.id, second.id)
    other = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-2",
                                      title="Khác", kind="process")
    foreign = upload(session, files, secretary, other)
    with pytest.raises(NotFound):
        diff.compare(session, secretary, document.id, first.id, foreign.id)
    assert diff.compare(session, secretary, document.id, second.id, second.id).changes == 0
