"""Text extraction from .docx and .pdf uploads, including hostile and broken files."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from pypdf import PdfWriter
from support.factories import FIXTURES, minimal_pdf

from qms.text import extract
from qms.text.extract import Extracted, extract_text

DOCUMENTS = FIXTURES / "documents"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def fixture(name: str) -> Extracted:
    """A fixture document extracted."""
    path = DOCUMENTS / name
    return extract_text(path.read_bytes(), path.name)


def docx_bytes(document: docx.document.Document) -> bytes:
    """A python-docx document saved to bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of a zip archive with one member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item.filename))
    return buffer.getvalue()


# --- fixtures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(DOCUMENTS.glob("*.docx")), ids=lambda path: path.name)
def test_every_fixture_document_has_text(path: Path) -> None:
    result = extract_text(path.read_bytes(), path.name)
    assert result.kind == "docx"
    assert result.has_text
    assert result.error is None


def test_fixture_qt_ht_04_issue_2_in_reading_order() -> None:
    result = fixture("QT-HT-04_trich-luc_lan-02.docx")
    text = result.text
    assert "QUY TRÌNH CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH" in text
    assert "Mã hiệu: QT-HT-04 Lần ban hành: 02 Ngày ban hành: 20/07/2025" in text
    assert "118/2025/NĐ-CP" in text
    assert "Thông tư số 03/2025/TT-VPCP" in text
    assert (
        "Bước 2 | Tra cứu Sổ hộ tịch/Cơ sở dữ liệu hộ tịch, in trích lục | Công chức Tư pháp - Hộ tịch"
        " | 04 giờ | Dự thảo trích lục"
    ) in text.splitlines()
    assert "Bước 5 | Trả kết quả | Công chức BPTN&TKQ | 0,5 giờ | Mẫu 07" in text.splitlines()
    # body order: control block, amendment table, sections, steps table, forms
    positions = [
        text.index(marker)
        for marker in (
            "Mã hiệu: QT-HT-04", "SỬA ĐỔI TÀI LIỆU", "1. MỤC ĐÍCH", "5.7. Quy trình", "Bước 1", "6. BIỂU MẪU"
        )
    ]
    assert positions == sorted(positions)


def test_fixture_text_is_normalized() -> None:
    # The fixtures spell "Ủy ban" and "tùy thân" with the old tone placement.
    text = fixture("QT-HT-04_trich-luc_lan-01.docx").text
    assert "Uỷ Ban Nhân Dân Xã Lộc Bình" in text
    assert "tuỳ thân" in text
    assert "Ủy" not in text
    assert "61/2018/NĐ-CP" in text


def test_empty_cells_keep_their_column() -> None:
    text = fixture("QT-CT-02_chung-thuc-chu-ky_lan-01.docx").text
    assert "Bước 2 | Kiểm tra, chứng thực | Công chức Tư pháp - Hộ tịch |  | Giấy tờ đã chứng thực" in text


# --- built .docx ---------------------------------------------------------------------------------


def test_body_order_nested_tables_and_merged_cells() -> None:
    document = docx.Document()
    document.add_paragraph("Đoạn mở đầu")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Gộp ngang"
    table.cell(0, 2).text = "C"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Gộp dọc"
    table.cell(1, 1).text = "B1"
    table.cell(1, 2).text = "B2"
    table.cell(2, 1).text = "C1"
    inner = table.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Trong 1"
    inner.cell(0, 1).text = "Trong 2"
    document.add_paragraph("Đoạn kết")
    result = extract_text(docx_bytes(document), "x.docx")
    assert result.has_text
    lines = result.text.splitlines()
    assert lines == [
        "Đoạn mở đầu",
        "Gộp ngang | C",
        "Gộp dọc | B1 | B2",
        "Gộp dọc | C1 |",
        "Trong 1 | Trong 2",
        "Đoạn kết",
    ]


def test_headers_and_footers_of_every_section() -> None:
    document = docx.Document()
    first = document.sections[0]
    first.header.paragraphs[0].text = "Đầu trang chung"
    first.footer.paragraphs[0].text = "Chân trang chung"
    first.different_first_page_header_footer = True
    first.first_page_header.paragraphs[0].text = "Đầu trang đầu tiên"
    document.add_paragraph("Nội dung phần một")
    second = document.add_section()
    document.add_paragraph("Nội dung phần hai")
    assert second.header.is_linked_to_previous
    third = document.add_section()
    third.header.is_linked_to_previous = False
    third.header.paragraphs[0].text = "Đầu trang phần ba"
    text = extract_text(docx_bytes(document), "x.docx").text
    lines = [line for line in text.splitlines() if line]
    assert lines == [
        "Đầu trang đầu tiên",
        "Đầu trang chung",
        "Đầu trang phần ba",
        "Nội dung phần một",
        "Nội dung phần hai",
        "Chân trang chung",
    ]


def test_text_box_once_and_tracked_deletions_left_out() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Trước hộp")
    box_paragraph = f'<w:p xmlns:w="{W_NS}"><w:r><w:t>Hộp văn bản</w:t></w:r></w:p>'
    run_xml = (
        f'<w:r xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>"
        f"{box_paragraph}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><w:txbxContent>{box_paragraph}</w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    paragraph._p.append(parse_xml(run_xml))
    changed = document.add_paragraph("Giữ")
    changed._p.append(parse_xml(f'<w:del xmlns:w="{W_NS}"><w:r><w:delText>Đã xoá</w:delText></w:r></w:del>'))
    changed._p.append(parse_xml(f'<w:ins xmlns:w="{W_NS}"><w:r><w:t> thêm</w:t></w:r></w:ins>'))
    lines = extract_text(docx_bytes(document), "x.docx").text.splitlines()
    assert lines == ["Trước hộp", "Hộp văn bản", "Giữ thêm"]


def test_nfd_and_eth_in_docx_are_normalized() -> None:
    document = docx.Document()
    document.add_paragraph("Ðăng ký ho\u0300a gia\u0309i")
    assert extract_text(docx_bytes(document), "x.docx").text == "Đăng ký hoà giải"


def test_empty_docx_has_no_text() -> None:
    result = extract_text(docx_bytes(docx.Document()), "x.docx")
    assert (result.kind, result.has_text) == ("docx", False)
    assert result.error


def test_detected_by_content_not_name() -> None:
    data = (DOCUMENTS / "CSCL_chinh-sach-chat-luong_lan-01.docx").read_bytes()
    result = extract_text(data, "tai-lieu.pdf")
    assert (result.kind, result.has_text) == ("docx", True)
    pdf = extract_text(minimal_pdf("Quy trinh cap ban sao trich luc ho tich"), "tai-lieu.docx")
    assert (pdf.kind, pdf.has_text) == ("pdf", True)


# --- broken and hostile files --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"", "x.docx", "unknown"),
        (os.urandom(4096), "x.docx", "unknown"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "x.doc", "unknown"),
        (b"plain text, not a document", "x.txt", "unknown"),
        (b"%PDF-1.7\n garbage garbage", "x.pdf", "pdf"),
    ],
    ids=["empty", "random", "ole-doc", "text", "pdf-garbage"],
)
def test_bad_input_never_raises(data: bytes, name: str, kind: str) -> None:
    result = extract_text(data, name)
    assert (result.kind, result.has_text) == (kind, False)
    assert result.error


def test_truncated_docx() -> None:
    data = (DOCUMENTS / "QT-HT-01_dang-ky-khai-sinh_lan-02.docx").read_bytes()
    result = extract_text(data[: len(data) // 2], "x.docx")
    assert (result.kind, result.has_text) == ("docx", False)
    assert "corrupt" in (result.error or "")


def test_zip_without_document_part_is_not_docx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    result = extract_text(buffer.getvalue(), "x.docx")
    assert (result.kind, result.has_text) == ("unknown", False)
    assert result.error


def test_docx_with_broken_part_is_an_error() -> None:
    data = docx_bytes(docx.Document())
    broken = replace_member(data, "word/document.xml", b"<w:document><w:body>")
    result = extract_text(broken, "x.docx")
    assert (result.kind, result.has_text) == ("docx", False)
    assert result.error


def test_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    assert len(buffer.getvalue()) < 5 * 1024 * 1024
    result = extract_text(buffer.getvalue(), "bomb.docx")
    assert (result.kind, result.has_text) == ("docx", False)
    assert "zip bomb" in (result.error or "")


def test_compression_ratio_rule() -> None:
    data = docx_bytes(docx.Document())
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/media/zeros.bin", bytes(8 * 1024 * 1024))
    result = extract_text(buffer.getvalue(), "x.docx")
    assert result.has_text is False
    assert "compression ratio" in (result.error or "")


def test_total_size_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "MAX_UNCOMPRESSED_TOTAL", 100 * 1024)
    result = fixture("QT-HT-04_trich-luc_lan-02.docx")
    assert result.has_text is False
    assert "200 MB" in (result.error or "") or "zip bomb" in (result.error or "")


def test_entity_expansion_is_refused() -> None:
    document = docx.Document()
    document.add_paragraph("&lol9;")
    data = docx_bytes(document)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    declaration, _, rest = xml.partition("?>")
    dtd = '<!DOCTYPE w:document [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    )
    bomb = f"{declaration}?>{dtd}]>{rest}".replace("&amp;lol9;", "&lol9;")
    result = extract_text(replace_member(data, "word/document.xml", bomb.encode("utf-8")), "x.docx")
    assert (result.kind, result.has_text) == ("docx", False)
    assert "DOCTYPE" in (result.error or "")


def test_utf16_doctype_is_refused() -> None:
    data = docx_bytes(docx.Document())
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
    result = extract_text(replace_member(data, "word/settings.xml", xml.encode("utf-16")), "x.docx")
    assert result.has_text is False
    assert "DOCTYPE" in (result.error or "")


# --- .pdf ----------------------------------------------------------------------------------------


def test_pdf_with_text_layer() -> None:
    result = extract_text(minimal_pdf("Quy trinh cap ban sao trich luc ho tich 2.000635"), "x.pdf")
    assert (result.kind, result.has_text, result.error) == ("pdf", True, None)
    assert "Quy trinh cap ban sao trich luc ho tich 2.000635" in result.text


def test_blank_pdf_has_no_text_layer() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_text(buffer.getvalue(), "scan.pdf")
    assert (result.kind, result.has_text) == ("pdf", False)
    assert "no text layer" in (result.error or "")


def test_short_pdf_text_counts_as_no_text_layer() -> None:
    result = extract_text(minimal_pdf("Trang 1"), "x.pdf")
    assert result.has_text is False


def _encrypted_pdf(user_password: str) -> bytes:
    """The minimal PDF encrypted with RC4 (pure Python in pypdf, no crypto library needed)."""
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf("Noi dung bi mat cua co quan nha nuoc"))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_needing_a_password_is_an_error() -> None:
    result = extract_text(_encrypted_pdf("secret"), "x.pdf")
    assert (result.kind, result.has_text) == ("pdf", False)
    assert "encrypted" in (result.error or "")


def test_encrypted_pdf_with_empty_user_password_is_read() -> None:
    result = extract_text(_encrypted_pdf(""), "x.pdf")
    assert result.has_text
    assert "Noi dung bi mat" in result.text


def test_truncated_pdf_never_raises() -> None:
    data = minimal_pdf("Quy trinh cap ban sao trich luc ho tich")
    result = extract_text(data[:60], "x.pdf")
    assert (result.kind, result.has_text) == ("pdf", False)
    assert result.error
