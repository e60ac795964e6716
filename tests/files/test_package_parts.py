"""A .docx is checked part by part whatever the parts are called, and the reading view shows only what was checked.

The relationships decide which part is the document or a header: ``word/main.dat`` or ``header9.dat``
are parsed by python-docx and mammoth as readily as ``word/document.xml``.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select
from support.factories import make_docx
from support.hostile_files import repacked

from qms.files.docx_html import to_html
from qms.models import Revision, StoredFile
from qms.text.extract import extract_text

SECRET = "BÍ MẬT CHÈN VÀO"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
HEADER_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def _parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _with_entity(xml: bytes) -> bytes:
    """The part with an internal DTD whose entity the body uses (python-docx does not expand it; mammoth does)."""
    declaration, body = xml.split(b"?>", 1)
    dtd = f'<!DOCTYPE w:document [<!ENTITY secret "{SECRET}">]>'.encode()
    return declaration + b"?>" + dtd + body.replace("Nội dung công khai".encode(), b"&secret;")


def main_part_named_dat() -> bytes:
    """word/document.xml stays harmless; _rels/.rels makes word/main.dat (with entities) the document."""
    docx = make_docx("Quy trình công khai", "Nội dung công khai")
    parts = _parts(docx)
    types = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/word/main.dat" ContentType="{MAIN}"/></Types>'.encode()
    )
    return repacked(docx, {
        "word/main.dat": _with_entity(parts["word/document.xml"]),
        "word/_rels/main.dat.rels": parts["word/_rels/document.xml.rels"],
        "_rels/.rels": parts["_rels/.rels"].replace(b'Target="word/document.xml"', b'Target="word/main.dat"'),
        "[Content_Types].xml": types,
    })


def header_part_named_dat() -> bytes:
    """A header part header9.dat, pointed at by the document's relationships, declares entities."""
    docx = make_docx("Quy trình công khai")
    parts = _parts(docx)
    header = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<!DOCTYPE w:hdr [<!ENTITY secret "x">]>'
        b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r>'
        b"<w:t>&secret;</w:t></w:r></w:p></w:hdr>"
    )
    relationship = f'<Relationship Id="rId90" Type="{HEADER_TYPE}" Target="header9.dat"/>'
    rels = parts["word/_rels/document.xml.rels"]
    rels = rels.replace(b"</Relationships>", f"{relationship}</Relationships>".encode())
    return repacked(docx, {"word/header9.dat": header, "word/_rels/document.xml.rels": rels})


def part_in_utf7() -> bytes:
    """An XML part declared in UTF-7, in which a DOCTYPE is not spelt with the bytes ``<!DOCTYPE``."""
    docx = make_docx("Quy trình công khai")
    settings = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-w:settings xmlns:w="x"/+AD4-'
    return repacked(docx, {"word/settings.xml": settings})


def with_links(*targets: str) -> bytes:
    """A document whose first paragraph links to each target (external relationships)."""
    docx = make_docx("Quy trình có liên kết")
    parts = _parts(docx)
    rels = parts["word/_rels/document.xml.rels"]
    runs = b""
    for number, target in enumerate(targets):
        rels = rels.replace(b"</Relationships>", (
            f'<Relationship Id="rIdL{number}" Type="{HYPERLINK_TYPE}" Target="{target}" TargetMode="External"/>'
            "</Relationships>"
        ).encode())
        runs += f'<w:hyperlink r:id="rIdL{number}"><w:r><w:t>liên kết {number}</w:t></w:r></w:hyperlink>'.encode()
    document = parts["word/document.xml"].replace("Quy trình có liên kết</w:t></w:r>".encode(),
                                                   "Quy trình có liên kết</w:t></w:r>".encode() + runs, 1)
    return repacked(docx, {"word/_rels/document.xml.rels": rels, "word/document.xml": document})


HOSTILE = [main_part_named_dat, header_part_named_dat, part_in_utf7]


@pytest.mark.parametrize("make", HOSTILE, ids=lambda make: make.__name__)
def test_entities_in_a_part_of_any_name_are_refused_by_the_reader(make):
    assert extract_text(make(), "quy-trinh.docx").refused == "xml_entities"


@pytest.mark.parametrize("make", HOSTILE, ids=lambda make: make.__name__)
def test_an_upload_with_entities_in_a_part_of_any_name_is_refused_and_leaves_nothing(
    client, session, bearer, secretary, document, make
):
    response = client.post(
        f"/api/v1/documents/{document.id}/revisions",
        data={"file": (io.BytesIO(make()), "quy-trinh.docx"), "change_summary": "Thử"},
        headers=bearer(secretary),
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "xml_entities"
    assert [session.scalar(select(func.count()).select_from(model)) for model in (Revision, StoredFile)] == [0, 0]


def test_the_reading_view_never_shows_what_the_check_did_not_pass():
    hostile = main_part_named_dat()
    html = to_html(io.BytesIO(hostile))
    assert SECRET not in html
    # A sound file is still shown.
    assert "Nội dung công khai" in to_html(io.BytesIO(make_docx("Quy trình công khai", "Nội dung công khai")))


def test_links_in_the_reading_view_go_only_to_the_web_mail_or_the_page():
    html = to_html(io.BytesIO(with_links(
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "https://thuvienphapluat.vn/van-ban",
        "mailto:vanthu@locbinh.gov.vn", "javascript:alert(1)", "file:///etc/passwd",
    )))
    assert "liên kết 0" in html
    assert "data:" not in html and "javascript:" not in html and "file:" not in html
    assert 'href="https://thuvienphapluat.vn/van-ban"' in html and 'href="mailto:vanthu@locbinh.gov.vn"' in html
