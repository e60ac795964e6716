"""A withdrawn document takes no new revision: no upload form, and a posted file is refused before it is stored."""

from __future__ import annotations

import io
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.factories import make_docx, make_effective
from support.pages import login

from qms.documents import lifecycle
from qms.models import Revision, StoredFile


@pytest.fixture
def withdrawn(session, files, secretary, reviewer, approver, document, today):
    revision = make_effective(session, files, document, secretary, reviewer, approver, today)
    lifecycle.act(session, approver, revision.id, "withdraw", today=today, comment="TTHC đã bị bãi bỏ")
    return document


def stored(app, session) -> tuple[int, int, list[str]]:
    on_disk = sorted(str(p) for p in Path(app.config["FILES_DIR"]).rglob("*") if p.is_file())
    return (session.scalar(select(func.count()).select_from(Revision)),
            session.scalar(select(func.count()).select_from(StoredFile)), on_disk)


def test_the_upload_form_is_not_offered_for_a_withdrawn_document(client, secretary, withdrawn):
    login(client, secretary)
    page = unescape(client.get(f"/documents/{withdrawn.id}").get_data(as_text=True))
    assert f"/documents/{withdrawn.id}/upload" not in page
    response = client.get(f"/documents/{withdrawn.id}/upload")
    assert response.status_code == 409
    page = unescape(response.get_data(as_text=True))
    assert "đã bị thu hồi" in page and 'type="file"' not in page


def test_a_file_posted_to_a_withdrawn_document_is_refused_and_not_stored(app, client, session, secretary, withdrawn):
    login(client, secretary)
    before = stored(app, session)
    data = {"file": (io.BytesIO(make_docx("Bản mới sau thu hồi")), "moi.docx"), "change_summary": "Sửa"}
    response = client.post(f"/documents/{withdrawn.id}/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 409
    page = unescape(response.get_data(as_text=True))
    assert "đã bị thu hồi" in page and 'type="file"' not in page
    assert stored(app, session) == before


def test_the_api_refuses_a_revision_of_a_withdrawn_document_before_storing_it(
    app, client, session, bearer, secretary, withdrawn
):
    headers = bearer(secretary)
    before = stored(app, session)
    data = {"file": (io.BytesIO(make_docx("Bản mới sau thu hồi")), "moi.docx"), "change_summary": "Sửa"}
    response = client.post(f"/api/v1/documents/{withdrawn.id}/revisions", data=data, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "document_obsolete"
    assert stored(app, session) == before
