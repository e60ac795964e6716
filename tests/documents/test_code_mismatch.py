"""A file whose control block names another document's code is refused unless the secretary confirms it with a
reason, which the audit log keeps."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from support.factories import fixture_file
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.errors import Conflict
from qms.models import AuditEntry, Revision

FILE = "QT-HT-04_trich-luc_lan-01.docx"


def _other(session, secretary):
    return lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="QT-HT-05",
                                     title="Trích lục khác", kind="process", procedure_code="2.000635")


def test_a_file_naming_another_code_needs_a_confirmed_reason(session, files, secretary):
    other = _other(session, secretary)

    def send(reason):
        return lifecycle.add_revision(session, files, secretary, other.id, stream=io.BytesIO(fixture_file(FILE)),
                                      filename=FILE, change_summary="Bản đầu", code_mismatch_reason=reason)

    with pytest.raises(Conflict) as refused:
        send(None)
    assert refused.value.code == "code_mismatch" and "QT-HT-04" in refused.value.message
    assert session.scalar(select(Revision.id)) is None  # nothing half-written
    revision = send("Quy trình tách từ QT-HT-04, chưa kịp sửa khối kiểm soát")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "upload")).one()
    assert entry.revision_id == revision.id and "chưa kịp sửa khối kiểm soát" in entry.details


def test_the_api_and_the_page_say_so(app, client, session, files, secretary, bearer):
    other = _other(session, secretary)
    answer = client.post(f"/api/v1/documents/{other.id}/revisions", headers=bearer(secretary),
                         data={"file": (io.BytesIO(fixture_file(FILE)), FILE), "change_summary": "Bản đầu"})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "code_mismatch"
    page = signed_in(app, secretary).post(
        f"/documents/{other.id}/upload",
        data={"file": (io.BytesIO(fixture_file(FILE)), FILE), "change_summary": "Bản đầu",
              "code_mismatch_reason": "Đúng là tệp của tài liệu này"},
        content_type="multipart/form-data",
    )
    assert page.status_code == 302, text_of(page)[:300]
