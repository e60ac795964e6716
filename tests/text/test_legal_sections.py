"""Reading the legal-basis sections of a process document's text, and leaving out its amendment table."""

from __future__ import annotations

import pytest
from support.factories import fixture_file

from qms.text.citations import find_citations
from qms.text.extract import extract_text
from qms.text.legal_sections import basis_text, legal_basis_sections, without_amendment_table


def numbers(text: str) -> list[str]:
    return [citation.number for citation in find_citations(basis_text(text))]


def fixture_text(name: str) -> str:
    return extract_text(fixture_file(name), name).text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("QT-HT-04_trich-luc_lan-01.docx", ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "61/2018/NĐ-CP"]),
        (
            "QT-HT-04_trich-luc_lan-02.docx",
            ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "118/2025/NĐ-CP", "03/2025/TT-VPCP"],
        ),
        (
            "QT-HT-01_dang-ky-khai-sinh_lan-02.docx",
            ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "118/2025/NĐ-CP"],
        ),
        ("QT-CT-02_chung-thuc-chu-ky_lan-01.docx", ["23/2015/NĐ-CP", "61/2018/NĐ-CP"]),
        ("QT-XD-01_giay-phep-xay-dung_lan-01.docx", ["50/2014/QH13", "118/2025/NĐ-CP"]),
        ("CSCL_chinh-sach-chat-luong_lan-01.docx", []),
    ],
)
def test_the_fixture_documents_cite_their_legal_basis_sections_only(name, expected):
    assert numbers(fixture_text(name)) == expected


def test_the_amendment_table_of_issue_2_is_not_a_legal_basis():
    text = fixture_text("QT-HT-04_trich-luc_lan-02.docx")
    assert "Thay Nghị định 61/2018/NĐ-CP bằng" in text
    assert "61/2018" not in legal_basis_sections(text)
    assert "61/2018" not in without_amendment_table(text)
    assert "1. MỤC ĐÍCH" in without_amendment_table(text)


def test_without_headings_the_whole_text_counts_except_the_amendment_table():
    text = "\n".join(
        [
            "QUY TRÌNH CẤP BẢN SAO",
            "SỬA ĐỔI TÀI LIỆU",
            "Yêu cầu sửa đổi | Mô tả nội dung sửa đổi | Lần ban hành",
            "Cập nhật | Thay Nghị định 61/2018/NĐ-CP bằng Nghị định 118/2025/NĐ-CP | 02",
            "",
            "Thực hiện theo Nghị định 118/2025/ND-CP và Luật 60/2014/QH13.",
        ]
    )
    assert legal_basis_sections(text) is None
    assert numbers(text) == ["118/2025/NĐ-CP", "60/2014/QH13"]


def test_an_amendment_table_is_known_by_its_header_row_too():
    text = "Lần sửa đổi | Nội dung sửa đổi | Ngày\n2 | Bỏ Nghị định 61/2018/NĐ-CP | 01/7/2025\nTheo 23/2015/NĐ-CP"
    assert numbers(text) == ["23/2015/NĐ-CP"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Inline after the heading, roman numbering, capitals.
        ("I. MỤC ĐÍCH\nTheo 99/2020/NĐ-CP\nII. CĂN CỨ PHÁP LÝ: Nghị định 61/2018/ND-CP; Luật 60/2014/QH13\n"
         "III. NỘI DUNG\nTheo Nghị định 23/2015/NĐ-CP", ["61/2018/NĐ-CP", "60/2014/QH13"]),
        # A table row "5.1 | Cơ sở pháp lý | …" ends at the row of 5.2, even when that row cites something.
        ("5.1 | Cơ sở pháp lý | Nghị định số 61/2018/NĐ-CP; Thông tư 01/2018/TT-VPCP\n"
         "5.2 | Thành phần hồ sơ | theo Nghị định 23/2015/NĐ-CP", ["61/2018/NĐ-CP", "01/2018/TT-VPCP"]),
        # Under an unnumbered "Căn cứ:", numbered lines are the list, up to the next section name.
        ("Căn cứ:\n1. Luật Hộ tịch năm 2014\n2. Nghị định 123/2015/NĐ-CP\n3. Thông tư 04/2020/TT-BTP\n"
         "Thành phần hồ sơ\nMẫu theo 99/2019/TT-BTP", ["123/2015/NĐ-CP", "04/2020/TT-BTP"]),
        # Sub-headings inside the section belong to it; the next number at its level ends it.
        ("3. Căn cứ pháp lý\n3.1. Luật\n- 60/2014/QH13\n3.2. Nghị định\n- 61/2018/NĐ-CP\n4. Nội dung\n- 23/2015/NĐ-CP",
         ["60/2014/QH13", "61/2018/NĐ-CP"]),
        # Lettered headings; and an unnumbered section ended by a heading in capitals.
        ("a) Căn cứ pháp lý\n- 61/2018/NĐ-CP\nb) Thành phần\n- 23/2015/NĐ-CP", ["61/2018/NĐ-CP"]),
        ("Căn cứ pháp lý\n- Nghị định 61/2018/NĐ-CP;\n- Các văn bản khác có liên quan\nTHÀNH PHẦN HỒ SƠ\n23/2015/NĐ-CP",
         ["61/2018/NĐ-CP"]),
        # Headings typed without diacritics; several legal-basis sections add up.
        ("Tai lieu vien dan\n- 60/2014/QH13\n2. Pham vi\nabc\n"
         "5.1. Co so phap ly\n- 61/2018/ND-CP\n5.2. Ho so\n- 1/2019/TT-BTP",
         ["60/2014/QH13", "61/2018/NĐ-CP"]),
    ],
)
def test_headings_in_any_numbering(text, expected):
    assert numbers(text) == expected


def test_a_decision_preamble_is_not_a_heading():
    text = "Căn cứ Luật Tổ chức chính quyền địa phương 77/2015/QH13;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành 101/QĐ-BKHCN"
    assert legal_basis_sections(text) is None
    assert numbers(text) == ["77/2015/QH13", "101/QĐ-BKHCN"]


def test_a_heading_with_nothing_under_it_gives_an_empty_basis():
    assert numbers("5.1. Cơ sở pháp lý\nTheo quy định hiện hành.\n5.2. Hồ sơ\nNghị định 23/2015/NĐ-CP") == []
