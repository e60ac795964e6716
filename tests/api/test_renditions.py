"""The API's view of processing: a revision's state, its rendition and text source, 409 `processing` before."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

pytestmark = pytest.mark.slow


def _post(client, headers, document, data: bytes, filename: str):
    return client.post(f"/api/v1/documents/{document.id}/revisions", headers=headers,
                       data={"file": (io.BytesIO(data), filename), "change_summary": "Ban hành lần đầu"})


def test_a_converted_revision_carries_its_state_rendition_and_text_source(client, bearer, secretary, document):
    headers = bearer(secretary)
    original = (FORMATS / "process.odt").read_bytes()
    created = _post(client, headers, document, original, "quy-trinh.odt")
    assert created.status_code == 201
    body = created.get_json()
    assert body["processing"] == {"state": "done", "detail": None} and body["text_source"] == "conversion"
    assert body["rendition"]["kind"] == "docx" and body["rendition"]["producer"].startswith("LibreOffice ")
    assert body["content_type"] == "application/vnd.oasis.opendocument.text"
    assert body["actions"] == ["submit", "discard"]

    as_uploaded = client.get(f"/api/v1/revisions/{body['id']}/file", headers=headers)
    assert as_uploaded.data == original
    rendition = client.get(f"/api/v1/revisions/{body['id']}/rendition", headers=headers)
    assert rendition.status_code == 200 and rendition.data[:2] == b"PK"
    assert rendition.headers["ETag"].strip('"') == body["rendition"]["sha256"]
    basis = client.get(f"/api/v1/revisions/{body['id']}/legal-basis", headers=headers).get_json()
    assert "123/2015/NĐ-CP" in str(basis)


def test_before_processing_ends_findings_basis_rendition_and_submit_answer_409_processing(
    app, client, bearer, secretary, document
):
    headers = bearer(secretary)
    app.extensions["qms.tasks"].huey.immediate = False  # no worker: the job waits in the queue
    try:
        body = _post(client, headers, document, (FORMATS / "process.doc").read_bytes(), "quy-trinh.doc").get_json()
    finally:
        app.extensions["qms.tasks"].huey.immediate = True
    assert body["processing"] == {"state": "queued", "detail": None}
    # A draft whose file is still processing can only be discarded.
    assert body["rendition"] is None and body["text_source"] is None and body["actions"] == ["discard"]
    revision = f"/api/v1/revisions/{body['id']}"
    for answer in (client.get(f"{revision}/findings", headers=headers),
                   client.get(f"{revision}/legal-basis", headers=headers),
                   client.get(f"{revision}/rendition", headers=headers),
                   client.post(f"{revision}/actions", headers=headers, json={"action": "submit"})):
        assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "processing", answer.get_data()
    assert client.get(f"{revision}/file", headers=headers).status_code == 200


def test_a_docx_has_no_rendition(client, bearer, secretary, document):
    from support.factories import make_docx

    headers = bearer(secretary)
    body = _post(client, headers, document, make_docx("Quy trình"), "quy-trinh.docx").get_json()
    assert body["processing"]["state"] == "done" and body["text_source"] == "file" and body["rendition"] is None
    assert client.get(f"/api/v1/revisions/{body['id']}/rendition", headers=headers).status_code == 404
