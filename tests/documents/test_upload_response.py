"""What an upload of a file that a worker converts does before it answers: no index commit in the response (the
worker applies the revision's entry with its converted text), while a .docx read at upload is searchable at once."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import pytest

from qms import create_app
from qms.extensions import db
from qms.search import search_index
from qms.tasks import task_queue

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"

pytestmark = pytest.mark.slow


@pytest.fixture
def queued_app(app):
    """The test's installation with a real queue: jobs wait for a worker instead of running in the request."""
    other = create_app({**{key: app.config[key] for key in (
        "TESTING", "DATABASE_URL", "STORAGE_DIR", "FILES_DIR", "INDEX_DIR", "SECRET_KEY", "WTF_CSRF_ENABLED",
        "RATELIMIT_ENABLED", "SESSION_COOKIE_SECURE")}, "TASKS_IMMEDIATE": "0"})
    yield other
    other.extensions["qms.search"].close()
    other.extensions["qms.engine"].dispose()


def pending(app) -> int:
    with app.app_context():
        return search_index(app).pending(db.engine)


def found(client, headers, query: str, revision_id: int) -> bool:
    answer = client.get(f"/api/v1/search?q={quote(query)}&status=all", headers=headers).get_json()
    return any(hit["revision_id"] == revision_id for hit in answer)


def test_a_doc_upload_answers_before_indexing_and_is_found_once_its_job_has_run(
    queued_app, bearer, secretary, document
):
    headers = bearer(secretary)
    client = queued_app.test_client()
    response = client.post(
        f"/api/v1/documents/{document.id}/revisions", headers=headers,
        data={"file": (io.BytesIO((FORMATS / "process.doc").read_bytes()), "quy-trinh.doc"),
              "change_summary": "Ban hành lần đầu"},
    )
    assert response.status_code == 201 and response.get_json()["processing"]["state"] == "queued"
    revision_id = response.get_json()["id"]
    assert pending(queued_app) == 1  # logged with the upload, left to the worker

    task_queue(queued_app).process_revision.call_local(revision_id)  # the worker's job, in this process
    assert pending(queued_app) == 0
    assert client.get(f"/api/v1/revisions/{revision_id}", headers=headers).get_json()["processing"]["state"] == "done"
    assert found(client, headers, "cap ban sao trich luc ho tich", revision_id)


def test_a_docx_upload_is_searchable_when_the_response_comes(queued_app, bearer, secretary, document):
    headers = bearer(secretary)
    client = queued_app.test_client()
    response = client.post(
        f"/api/v1/documents/{document.id}/revisions", headers=headers,
        data={"file": (io.BytesIO((FORMATS / "process.docx").read_bytes()), "quy-trinh.docx"),
              "change_summary": "Ban hành lần đầu"},
    )
    assert response.status_code == 201 and response.get_json()["processing"]["state"] == "done"
    assert pending(queued_app) == 0
