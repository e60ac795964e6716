"""The document page while a file is processed: the state, a script that polls it, then the result."""

from __future__ import annotations

import io
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
