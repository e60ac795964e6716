"""Files through the API: uploads are checked, downloads are the stored bytes with their hash as ETag."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import pytest
from sqlalchemy import select
from support.factories import make_docx, make_effective, upload

from qms.models import AuditEntry


def post_file(client, headers, document_id, content, filename="quy-trinh.docx", summary="Ban hành lần đầu"):
    data = {"file": (io.BytesIO(content), filename), "change_summary": summary}
    return client.post(f"/api/v1/documents/{document_id}/revisions", data=data, headers=headers)


def fetch(client, url, headers):
    """GET a file and close the response, as a WSGI server does once the body is sent."""
    with client.get(url, headers=headers) as response:
        response.get_data()
    return response


def test_download_gives_the_bytes_type_name_and_hash(client, bearer, session, files, secretary, document):
    content = make_docx("Thành phần hồ sơ", "Thời gian xử lý: 8 giờ làm việc")
    revision = upload(session, files, secretary, document, content, filename="Quy trình cấp bản sao.docx")

    response = fetch(client, f"/api/v1/revisions/{revision.id}/file", bearer(secretary))
    assert response.status_code == 200
    assert response.data == content
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Quy trình cấp bản sao.docx')}" in disposition


def test_a_matching_if_none_match_is_304_without_the_body(client, bearer, session, files, secretary, document):
    revision = upload(session, files, secretary, document)
    url, headers = f"/api/v1/revisions/{revision.id}/file", bearer(secretary)
    etag = fetch(client, url, headers).headers["ETag"]

    unchanged = fetch(client, url, {**headers, "If-None-Match": etag})
    assert (unchanged.status_code, unchanged.data) == (304, b"")
    changed = fetch(client, url, {**headers, "If-None-Match": '"' + "0" * 64 + '"'})
    assert changed.status_code == 200 and changed.data[:2] == b"PK"


def test_downloading_a_superseded_revision_is_audited_and_hidden_from_staff(
    client, bearer, session, files, secretary, reviewer, approver, inspector, staff, document, today
):
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = make_effective(session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa")

    assert fetch(client, f"/api/v1/revisions/{second.id}/file", bearer(staff)).status_code == 200
    assert fetch(client, f"/api/v1/revisions/{first.id}/file", bearer(staff)).status_code == 404
    assert fetch(client, f"/api/v1/revisions/{first.id}/file", bearer(inspector)).status_code == 200
    downloads = session.scalars(select(AuditEntry).where(AuditEntry.action == "download")).all()
    assert [(e.revision_id, e.actor_id) for e in downloads] == [(first.id, inspector.id)]


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"%PDF-1.4 not really", "quy-trinh.docx", "content_mismatch"),
        (b"hello", "ghi-chu.txt", "unsupported_type"),
        (b"", "rong.docx", "empty_file"),
    ],
)
def test_uploads_that_are_not_what_they_say_are_refused(client, bearer, secretary, document, content, filename, code):
    response = post_file(client, bearer(secretary), document.id, content, filename)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == code
    assert client.get(f"/api/v1/documents/{document.id}", headers=bearer(secretary)).get_json()["revisions"] == []


def test_an_upload_needs_a_file_part_and_a_summary(client, bearer, secretary, document):
    url, headers = f"/api/v1/documents/{document.id}/revisions", bearer(secretary)
    missing = client.post(url, data={}, headers=headers, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["fields"]) == {"file", "change_summary"}
    not_a_file = client.post(url, data={"file": "quy-trinh.docx", "change_summary": "x"}, headers=headers)
    assert not_a_file.status_code == 422 and "file" in not_a_file.get_json()["error"]["fields"]


def test_a_pdf_is_accepted_and_keeps_its_type(client, bearer, secretary, document):
    response = post_file(
        client, bearer(secretary), document.id, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "quy-trinh.pdf"
    )
    assert response.status_code == 201
    assert (response.get_json()["content_type"], response.get_json()["filename"]) == (
        "application/pdf",
        "quy-trinh.pdf",
    )


def test_an_upload_over_the_limit_is_413_json(app, client, bearer, secretary, document):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = post_file(client, bearer(secretary), document.id, make_docx("x" * 5000))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
