"""A record's file that needs a converter or character recognition (a Word 97 minutes, a scanned decision) goes the
way a revision's does: a worker reads it (Huey's immediate mode here) and search finds the words inside it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from support.page_image import draw_page

from qms.models import FileReading
from qms.records import management_reviews
from qms.records import publications as publishing
from qms.records.evidence import Upload
from qms.search import search_index
from qms.search.query import SearchParams, search

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

pytestmark = pytest.mark.slow


def found(app, session, viewer, q):
    results = search(session, search_index(app), viewer, SearchParams(q=q, category="record"))
    return [(hit.record_kind, hit.record_id) for hit in results.hits]


def test_a_scanned_publication_decision_is_recognised_and_found(app, session, files, secretary, staff, today):
    page = io.BytesIO()
    draw_page(["QUYẾT ĐỊNH CÔNG BỐ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG",
               "Niêm yết tại nhà văn hoá thôn Khòn Quan."]).save(page, "PNG", dpi=(300, 300))
    publication = publishing.create(
        session, files, secretary, "XA-LOCBINH", number="12/QĐ-UBND", signed_on=today, signer="Lý Văn Đức",
        upload=Upload(io.BytesIO(page.getvalue()), "quyet-dinh-quet.png"), today=today,
    )
    reading = session.get(FileReading, publication.file_sha256)
    assert reading.state == "done" and reading.text_source == "ocr" and reading.file_type == "png"
    assert found(app, session, staff, "nha van hoa thon") == [("publication", publication.id)]


def test_word_97_minutes_are_converted_and_found(app, session, files, secretary, staff, today):
    review = management_reviews.create(
        session, files, secretary, "XA-LOCBINH", held_on=today, chair="Hoàng Văn Thụ",
        inputs={"risks": "Không phát sinh"}, decisions="Duy trì hệ thống", today=today,
        minutes=Upload(io.BytesIO((FORMATS / "process.doc").read_bytes()), "bien-ban.doc"),
    )
    reading = session.get(FileReading, review.minutes_sha256)
    assert reading.state == "done" and reading.text_source == "conversion"
    assert found(app, session, staff, "khai thac du lieu ho tich") == [("management_review", review.id)]


def test_a_docx_is_read_at_once_without_a_worker(app, session, files, secretary, staff, today):
    review = management_reviews.create(
        session, files, secretary, "XA-LOCBINH", held_on=today, chair="Hoàng Văn Thụ",
        inputs={"risks": "Không phát sinh"}, decisions="Duy trì hệ thống", today=today,
        minutes=Upload(io.BytesIO((FORMATS / "process.docx").read_bytes()), "bien-ban.docx"),
    )
    assert session.get(FileReading, review.minutes_sha256) is None
    assert found(app, session, staff, "khai thac du lieu ho tich") == [("management_review", review.id)]
