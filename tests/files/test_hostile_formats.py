"""Hostile .doc, .odt, pictures and scans: a clear 4xx at upload where the file says enough, else a failed
processing state with a Vietnamese reason; never a macro run, never anything half-stored."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import func, select
from support.format_files import (
    broken_doc,
    doc_with_macros,
    encrypted_doc,
    fixture,
    odt_of_thousands_of_pages,
    odt_with_macros,
    png_bomb,
    scan_pdf,
)
from support.pages import login, text_of

from qms.models import AuditEntry, Rendition, Revision, StoredFile

pytestmark = pytest.mark.slow


def traces(session, files) -> tuple:
    session.rollback()
    counts = tuple(session.scalar(select(func.count()).select_from(model))
                   for model in (Revision, StoredFile, AuditEntry, Rendition))
    return counts, sorted(files.iter_hashes())


@pytest.mark.parametrize(
    ("make", "filename", "code"),
    [
        (encrypted_doc, "quy-trinh.doc", "encrypted"),
        (doc_with_macros, "quy-trinh.doc", "macros"),
        (broken_doc, "quy-trinh.doc", "corrupt"),
        (lambda: fixture("process.doc"), "quy-trinh.docx", "legacy_doc"),
        (odt_of_thousands_of_pages, "quy-trinh.odt", "too_many_pages"),
        (odt_with_macros, "quy-trinh.odt", "macros"),
        (png_bomb, "ban-quet.png", "image_too_large"),
        (lambda: scan_pdf(3), "ban-quet.pdf", "too_many_pages"),
        (lambda: b"{\\rtf1 " + b"x" * 10, "quy-trinh.odt", "content_mismatch"),
    ],
    ids=["encrypted .doc", ".doc with macros", "broken .doc", ".doc named .docx", ".odt of 5000 pages",
         ".odt with macros", "PNG bomb", "scan over the page limit", "RTF named .odt"],
)
def test_a_hostile_file_is_refused_at_upload_with_a_reason_and_leaves_no_trace(
    app, client, session, files, bearer, secretary, document, caplog, make, filename, code
):
    app.config["CONVERSION_MAX_PAGES"] = 2
    headers = bearer(secretary)
    before = traces(session, files)
    caplog.set_level(logging.WARNING, logger="qms.files.filetypes")
    response = client.post(
        f"/api/v1/documents/{document.id}/revisions", headers=headers,
        data={"file": (io.BytesIO(make()), filename), "change_summary": "Thử tệp"},
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == code
    assert traces(session, files) == before
    assert f"upload refused ({code}): {filename!r}" in [record.getMessage() for record in caplog.records]


def test_a_conversion_that_keeps_timing_out_fails_with_a_reason_and_the_original_stays(
    app, session, files, secretary, document
):
    app.config["CONVERSION_TIMEOUT"] = 0.3  # LibreOffice cannot even start: as a hung converter, killed each time
    app.config["CONVERTER"] = "per-file"  # the persistent one's time-out: tests/files/test_office_converter.py
    client = app.test_client()
    login(client, secretary)
    data = fixture("process.doc")
    response = client.post(f"/documents/{document.id}/upload", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "quy-trinh.doc"), "change_summary": "Thử"})
    assert response.status_code == 302
    revision = session.scalar(select(Revision).where(Revision.document_id == document.id))
    processing = revision.processing
    assert processing.state == "failed" and processing.attempts == app.config["PROCESSING_ATTEMPTS"]
    assert "Quá thời gian xử lý" in processing.detail and revision.rendition is None
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "Xử lý không thành công" in page and "Quá thời gian xử lý" in page
    failed = session.scalars(select(AuditEntry.action).where(AuditEntry.revision_id == revision.id)).all()
    assert failed == ["upload", "processing_failed"]
    assert client.get(f"/revisions/{revision.id}/download").data == data  # the record is intact
    refused = client.post(f"/revisions/{revision.id}/actions", data={"action": "submit"})
    assert refused.status_code == 409
