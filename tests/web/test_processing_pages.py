"""The document page while a file is processed: the state, a script that polls it, then the result."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from support.pages import login, text_of

from qms.documents import processing
from qms.models import Revision

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

pytestmark = pytest.mark.slow


def test_the_page_shows_the_processing_state_polls_it_and_then_shows_where_the_text_comes_from(
    app, session, files, document, secretary, staff
):
    client = app.test_client()
    login(client, secretary)
    app.extensions["qms.tasks"].huey.immediate = False  # no worker yet: the upload waits in the queue
    try:
        response = client.post(
            f"/documents/{document.id}/upload", content_type="multipart/form-data",
            data={"file": (io.BytesIO((FORMATS / "process.odt").read_bytes()), "quy-trinh.odt"),
                  "change_summary": "Ban hành lần đầu"},
        )
    finally:
        app.extensions["qms.tasks"].huey.immediate = True
    assert response.status_code == 302
    assert "tệp đang được chuyển đổi hoặc nhận dạng chữ" in text_of(client.get(response.location))
    revision = session.query(Revision).one()
    html = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert f'data-processing-url="/revisions/{revision.id}/processing"' in html and "processing.js" in html
    assert "Đang chờ xử lý" in text_of(client.get(f"/documents/{document.id}"))
    assert 'value="submit"' not in html  # nothing to submit until it is read
    assert client.get(f"/revisions/{revision.id}/processing").get_json()["state"] == "queued"

    outcome = processing.run(session, files, revision.id, processing.limits_from(app.config), worker="test:1")
    assert outcome == processing.DONE
    state = client.get(f"/revisions/{revision.id}/processing").get_json()
    assert state["state"] == "done" and state["text_source"] == "conversion" and state["label"] == "Đã xử lý xong"
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "Nội dung đọc từ bản chuyển đổi .docx (LibreOffice)" in page and "Tải bản chuyển đổi (.docx)" in page
    converted = client.get(f"/revisions/{revision.id}/rendition")
    assert converted.status_code == 200 and converted.data[:2] == b"PK"
    assert 'value="submit"' in client.get(f"/documents/{document.id}").get_data(as_text=True)
    # Staff see current revisions only: a draft's state is not theirs to poll.
    other = app.test_client()
    login(other, staff)
    assert other.get(f"/revisions/{revision.id}/processing").status_code == 404


def test_a_failure_reason_reads_in_the_readers_language_and_an_old_one_as_written(
    app, session, files, document, secretary
):
    client = app.test_client()
    login(client, secretary)
    app.extensions["qms.tasks"].huey.immediate = False
    try:
        client.post(
            f"/documents/{document.id}/upload", content_type="multipart/form-data",
            data={"file": (io.BytesIO((FORMATS / "scan.png").read_bytes()), "ban-quet.png"), "change_summary": "Quét"},
        )
    finally:
        app.extensions["qms.tasks"].huey.immediate = True
    revision = session.query(Revision).one()
    limits = replace(processing.limits_from(app.config), max_pages=0)  # refused before recognition starts
    assert processing.run(session, files, revision.id, limits, worker="test:1") == processing.FAILED
    vietnamese = "Tệp có 1 trang, vượt quá giới hạn 0 trang cho nhận dạng chữ."
    assert vietnamese in text_of(client.get(f"/documents/{document.id}"))

    client.post("/language", data={"language": "en", "next": "/"})
    english = "The file has 1 pages, more than the limit of 0 pages for text recognition."
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert english in page and vietnamese not in page
    assert client.get(f"/revisions/{revision.id}/processing").get_json()["detail"] == english
    assert english in text_of(client.get(f"/documents/{document.id}/history"))

    session.refresh(revision.processing)
    revision.processing.detail, revision.processing.detail_data = "Lý do cũ", None
    session.commit()
    assert '<span lang="vi">Lý do cũ</span>' in client.get(f"/documents/{document.id}").get_data(as_text=True)
