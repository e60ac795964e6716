"""Word 97-2003, OpenDocument and scanned uploads: stored as uploaded, converted or recognised (Huey's immediate
mode here; tests/tasks/ runs a real worker), their rendition's text searched, cited and checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from support.factories import make_docx, upload
from support.page_image import SCAN_LINES, draw_page
from support.pages import login

from qms.documents import lifecycle
from qms.errors import Conflict
from qms.legal import basis
from qms.models import AuditEntry, Rendition, RevisionStatus

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

pytestmark = pytest.mark.slow


def _upload(session, files, secretary, document, name: str, content: bytes | None = None):
    data = content if content is not None else (FORMATS / name).read_bytes()
    return upload(session, files, secretary, document, data, "Ban hành lần đầu", filename=name), data


def _cited(session, viewer, revision) -> list[str]:
    return [entry.citation.legal_document.number for entry in basis.basis(session, viewer, revision.id)]


@pytest.mark.parametrize("name", ["process.doc", "process.odt"])
def test_a_word_97_or_opendocument_file_is_converted_read_and_kept_as_uploaded(
    session, files, document, secretary, today, name
):
    revision, data = _upload(session, files, secretary, document, name)

    assert revision.processing.state == "done" and revision.processing.text_source == "conversion"
    rendition = revision.rendition
    assert rendition.kind == "docx" and rendition.producer == "LibreOffice" and rendition.producer_version[0].isdigit()
    assert rendition.sha256 != revision.file_sha256
    # The original is the record: stored by its own hash, byte for byte; the rendition beside it.
    with files.open(revision.file_sha256) as stream:
        assert stream.read() == data
    with files.open(rendition.sha256) as stream:
        assert stream.read(4) == b"PK\x03\x04"
    assert revision.filename == name
    assert revision.content_type in ("application/msword", "application/vnd.oasis.opendocument.text")
    assert "cấp bản sao trích lục hộ tịch" in revision.text.lower()
    numbers = _cited(session, secretary, revision)
    assert "123/2015/NĐ-CP" in numbers and "60/2014/QH13" in numbers
    actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.revision_id == revision.id)))
    assert actions == ["upload", "processed"]
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    assert revision.status is RevisionStatus.IN_REVIEW


def test_a_scanned_page_is_recognised_and_found_by_a_search_without_diacritics(
    app, session, files, document, secretary
):
    buffer = io.BytesIO()
    draw_page(SCAN_LINES).save(buffer, "PNG", dpi=(300, 300))
    revision, _ = _upload(session, files, secretary, document, "ban-quet.png", buffer.getvalue())

    assert revision.processing.state == "done" and revision.processing.text_source == "ocr"
    assert revision.rendition.kind == "pdf" and revision.rendition.producer == "OCRmyPDF"
    assert revision.processing.ocr_confidence > 70
    assert "23/2015/NĐ-CP" in _cited(session, secretary, revision)
    client = app.test_client()
    login(client, secretary)
    found = client.get("/search?q=%22chung+thuc+ban+sao+tu+ban+chinh%22&status=all").get_data(as_text=True)
    assert "QT-HT-04" in found and "1 kết quả" in found
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "nhận dạng chữ (OCR)" in page


def test_a_pdf_with_a_text_layer_is_read_as_it_is_and_not_recognised(session, files, document, secretary):
    from support.factories import minimal_pdf

    revision, _ = _upload(session, files, secretary, document, "quy-trinh.pdf",
                          minimal_pdf("Quy trinh cap ban sao trich luc ho tich tai UBND xa"))
    assert revision.processing.state == "done" and revision.processing.text_source == "file"
    assert revision.rendition is None
    assert session.scalar(select(Rendition).where(Rendition.revision_id == revision.id)) is None


def test_a_docx_is_read_during_the_upload_as_before(session, files, document, secretary):
    revision = upload(session, files, secretary, document, make_docx("Căn cứ Nghị định số 123/2015/NĐ-CP"))
    assert revision.processing.state == "done" and revision.processing.text_source == "file"
    assert revision.rendition is None and revision.has_text


def test_a_revision_still_processing_cannot_be_submitted(app, session, files, document, secretary, today):
    app.extensions["qms.tasks"].huey.immediate = False  # nobody runs the queue: the job waits
    try:
        revision, _ = _upload(session, files, secretary, document, "process.doc")
    finally:
        app.extensions["qms.tasks"].huey.immediate = True
    assert revision.processing.state == "queued" and not revision.has_text and revision.rendition is None
    with pytest.raises(Conflict) as refused:
        lifecycle.act(session, secretary, revision.id, "submit", today=today)
    assert refused.value.code == "processing"
