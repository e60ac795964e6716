"""Legal document numbers: canonical form, recognition, and no false positives."""

from __future__ import annotations

import pytest
from support.factories import FIXTURES

from qms.text.citations import DOCUMENT_TYPES, Citation, canonical_number, find_all, find_citations
from qms.text.extract import extract_text
from qms.text.vietnamese import normalize


def numbers(text: str) -> list[str]:
    """Canonical numbers of the distinct citations in text."""
    return [citation.number for citation in find_citations(text)]


def fixture_numbers(name: str) -> list[str]:
    """Canonical numbers cited by a fixture document."""
    path = FIXTURES / "documents" / name
    return numbers(extract_text(path.read_bytes(), path.name).text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("61/2018/ND-CP", "61/2018/NĐ-CP"),
        ("61/2018/NĐ-CP", "61/2018/NĐ-CP"),
        ("61/2018/NÐ-CP", "61/2018/NĐ-CP"),
        ("61 /2018/ NĐ - CP", "61/2018/NĐ-CP"),
        ("61/2018/nđ-cp", "61/2018/NĐ-CP"),
        ("19/2014/QD - TTg", "19/2014/QĐ-TTg"),
        ("19/2014/QĐ-TTG", "19/2014/QĐ-TTg"),
        ("05/2013/CT-TTg", "05/2013/CT-TTg"),
        ("101/qđ-bkhcn", "101/QĐ-BKHCN"),
        ("3694/QD-UBND", "3694/QĐ-UBND"),
        ("66.7/2025/NQ-CP", "66.7/2025/NQ-CP"),
        ("15/2014/QH13", "15/2014/QH13"),
        ("15/2014/qh13", "15/2014/QH13"),
        ("26/2014/TT-BKHCN", "26/2014/TT-BKHCN"),
        ("12/2015/TTLT-BTP-BNV", "12/2015/TTLT-BTP-BNV"),
        ("12/2020/NQ-HDND", "12/2020/NQ-HĐND"),
        ("61/2018/NĐ\u2013CP", "61/2018/NĐ-CP"),
        ("61/2018/N\u0110-CP;", "61/2018/NĐ-CP"),
        ("61/2018", "61/2018"),
    ],
)
def test_canonical_number(raw: str, expected: str) -> None:
    assert canonical_number(raw) == expected


def test_canonical_number_is_idempotent_and_nfc() -> None:
    for raw in ("19/2014/QD - TTg", "101/qđ-bkhcn", "66.7/2025/NQ-CP"):
        once = canonical_number(raw)
        assert canonical_number(once) == once
    assert canonical_number("101/Q\u0110-BKHCN") == "101/QĐ-BKHCN"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Luật Hộ tịch số 15/2014/QH13 ngày", "15/2014/QH13"),
        ("Nghị định 61/2018/NĐ-CP;", "61/2018/NĐ-CP"),
        ("Nghị định 61/2018/ND-CP", "61/2018/NĐ-CP"),
        ("Nghị định số 61/2018/NĐ - CP ngày 23/4/2018", "61/2018/NĐ-CP"),
        ("Nghị định số 61 /2018/ NĐ-CP", "61/2018/NĐ-CP"),
        ("Quyết định 19/2014/QĐ-TTg", "19/2014/QĐ-TTg"),
        ("Quyết định 19/2014/QĐ - TTg", "19/2014/QĐ-TTg"),
        ("Quyết định 19/2014/QD-TTg", "19/2014/QĐ-TTg"),
        ("Thông tư 26/2014/TT-BKHCN.", "26/2014/TT-BKHCN"),
        ("Thông tư 01/2018/TT-VPCP", "01/2018/TT-VPCP"),
        ("Thông tư liên tịch 12/2015/TTLT-BTP-BNV", "12/2015/TTLT-BTP-BNV"),
        ("Nghị quyết 66.7/2025/NQ-CP", "66.7/2025/NQ-CP"),
        ("Nghị quyết 15/2020/NQ-HĐND của HĐND tỉnh", "15/2020/NQ-HĐND"),
        ("Chỉ thị 05/2013/CT-TTg", "05/2013/CT-TTg"),
        ("Pháp lệnh 02/2022/PL-UBTVQH15", "02/2022/PL-UBTVQH15"),
        ("Nghị quyết 35/2023/UBTVQH15", "35/2023/UBTVQH15"),
        ("Quyết định 101/QĐ-BKHCN ngày 21/01/2019", "101/QĐ-BKHCN"),
        ("Quyết định số 3694/QĐ-UBND", "3694/QĐ-UBND"),
        ("Quyết định 2968/QĐ-BKHCN năm 2012", "2968/QĐ-BKHCN"),
        ("Quyết định 2968/QD-BKHCN", "2968/QĐ-BKHCN"),
        ("(61/2018/NĐ-CP)", "61/2018/NĐ-CP"),
        ("61/2018/NĐ\u2013CP", "61/2018/NĐ-CP"),
        ("ND 61/2018/nd-cp", "61/2018/NĐ-CP"),
    ],
)
def test_recognised_forms(text: str, expected: str) -> None:
    assert numbers(text) == [expected]


def test_raw_and_offsets() -> None:
    text = "Căn cứ Nghị định số 61/2018/ND - CP ngày 23/4/2018."
    [citation] = find_citations(text)
    assert citation == Citation("61/2018/NĐ-CP", "61/2018/ND - CP", 20, 35)
    assert text[citation.start : citation.end] == citation.raw
    assert citation.partial is False


def test_unique_in_order_of_first_appearance() -> None:
    text = (
        "Nghị định 118/2025/NĐ-CP thay thế Nghị định 61/2018/NĐ-CP; "
        "xem 61/2018/ND-CP và 118/2025/NĐ-CP, Luật 60/2014/QH13."
    )
    assert numbers(text) == ["118/2025/NĐ-CP", "61/2018/NĐ-CP", "60/2014/QH13"]
    assert [c.number for c in find_all(text)] == [
        "118/2025/NĐ-CP",
        "61/2018/NĐ-CP",
        "61/2018/NĐ-CP",
        "118/2025/NĐ-CP",
        "60/2014/QH13",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("theo Nghị định 61/2018 của Chính phủ", "61/2018"),
        ("Thông tư 26/2014", "26/2014"),
        ("Luật 60/2014 về hộ tịch", "60/2014"),
        ("Quyết định 19/2014.", "19/2014"),
        ("Nghị quyết 66.7/2025", "66.7/2025"),
        ("văn bản số 118/2025", "118/2025"),
        ("nghi dinh 61/2018", "61/2018"),
        ("NĐ 118/2025", "118/2025"),
    ],
)
def test_partial_numbers_after_a_type_word(text: str, expected: str) -> None:
    [citation] = find_citations(text)
    assert (citation.number, citation.partial) == (expected, True)
    assert text[citation.start : citation.end] == expected


def test_partial_dropped_when_the_full_number_is_cited() -> None:
    text = "Nghị định 61/2018/NĐ-CP ... theo Nghị định 61/2018 nói trên; Thông tư 26/2014"
    result = find_citations(text)
    assert [(c.number, c.partial) for c in result] == [("61/2018/NĐ-CP", False), ("26/2014", True)]


@pytest.mark.parametrize(
    "text",
    [
        "ngày 23/4/2018",
        "ngày 09/6/2025, hiệu lực 01/7/2025",
        "đạt 115/245 thủ tục",
        "TCVN ISO 9001:2015",
        "mã TTHC 1.001193 và 2.000815.000.00.00.H55, 1.012753.H19",
        "lệ phí 8.000 đ/bản; 8.000 đồng/bản sao",
        "Trang: 1/3",
        "trong 1/2 ngày",
        "số 23/4/2018",
        "Nghị định 61/2018/ABC",
        "Quyết định 12/2020/XYZ-UBND",
        "Mẫu 01/TT-BTP",
        "Mẫu số 02/TT-BTP",
        "Chủ tịch/Phó Chủ tịch UBND",
        "QT-HT-04/2020",
        "Tra cứu Sổ hộ tịch/Cơ sở dữ liệu",
        "1.001193/2018/NĐ-CP",
        "10/03/2020",
        "Lần ban hành/Lần sửa đổi 02/2025",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert find_all(text) == []


def test_text_full_of_dates_ratios_and_codes_gives_nothing() -> None:
    text = normalize(
        "Ngày ban hành: 10/03/2020. Trang: 1/4. Hiệu lực từ 01/7/2025 (ban hành 09/6/2025, 23/4/2018).\n"
        "Kết quả: 115/245 thủ tục (46,9%); mục tiêu 245/245.\n"
        "Áp dụng TCVN ISO 9001:2015 (thay ISO 9001:2008).\n"
        "TTHC 1.001193, 2.000635, 2.000815.000.00.00.H55, 1.012753.H19.\n"
        "Lệ phí: 8.000 đồng/bản sao; 75.000 đồng/giấy phép; thời gian 1/2 ngày, 0,5 giờ, 15:00.\n"
        "Mã hiệu: QT-HT-04; QT.TP.05; QT 01/CX-HCTP.\n"
    )
    assert find_all(text) == []


def test_document_types_tuple() -> None:
    assert {"QH", "NĐ", "QĐ", "TT", "TTLT", "NQ", "CT", "PL"} <= set(DOCUMENT_TYPES)


# --- fixtures ------------------------------------------------------------------------------------


def test_fixture_qt_ht_04_issue_1_cites_the_replaced_decree() -> None:
    assert fixture_numbers("QT-HT-04_trich-luc_lan-01.docx") == [
        "60/2014/QH13",
        "123/2015/NĐ-CP",
        "04/2020/TT-BTP",
        "61/2018/NĐ-CP",
    ]


def test_fixture_qt_ht_04_issue_2() -> None:
    # 61/2018 appears in issue 2 only in the amendment table ("Thay Nghị định 61/2018/NĐ-CP bằng …").
    assert fixture_numbers("QT-HT-04_trich-luc_lan-02.docx") == [
        "61/2018/NĐ-CP",
        "118/2025/NĐ-CP",
        "03/2025/TT-VPCP",
        "60/2014/QH13",
        "123/2015/NĐ-CP",
        "04/2020/TT-BTP",
    ]


def test_fixture_other_documents() -> None:
    assert fixture_numbers("QT-CT-02_chung-thuc-chu-ky_lan-01.docx") == ["23/2015/NĐ-CP", "61/2018/NĐ-CP"]
    assert fixture_numbers("QT-XD-01_giay-phep-xay-dung_lan-01.docx") == ["50/2014/QH13", "118/2025/NĐ-CP"]
    assert fixture_numbers("CSCL_chinh-sach-chat-luong_lan-01.docx") == []
    assert fixture_numbers("QT-HT-KS_kiem-soat-tai-lieu_lan-01.docx") == []


def test_every_number_in_the_legal_register_is_recognised() -> None:
    import csv

    with (FIXTURES / "legal_documents.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for field in ("number", "amends", "replaces"):
            for number in filter(None, row[field].split(";")):
                assert canonical_number(number) == number
                assert numbers(f"{row['type']} số {number} ngày 01/01/2020") == [number]
