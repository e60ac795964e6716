"""Control characters in form fields: a 400 page in Vietnamese on both databases, not a 500, and nothing written."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from support.factories import PASSWORD, make_docx, upload
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.models import AuditEntry, Document, Organization, Revision, RevisionStatus, User

REFUSED = "Dữ liệu gửi lên chứa ký tự điều khiển hoặc ký tự không hợp lệ"


def _refused(response) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert REFUSED in text_of(response)


@pytest.mark.parametrize("username", ["thuky\x00", "thu\x00ky", "thuky\x08"])
def test_sign_in_with_a_control_character_in_the_name_is_refused_without_signing_in(
    client, session, secretary, username
):
    _refused(client.post("/login", data={"username": username, "password": PASSWORD}))

    assert client.get("/documents/new").status_code == 302  # still signed out: sent to the sign-in page
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "login")) == 0


def test_a_document_title_with_nul_is_refused(app, session, secretary):
    client = signed_in(app, secretary)
    form = {"code": "QT-HT-09", "title": "Quy trình\x00 mới", "kind": "process", "procedure_code": ""}

    _refused(client.post("/documents/new", data=form))
    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_change_summary_with_nul_is_refused_and_one_of_several_lines_is_kept(app, session, secretary, document):
    client = signed_in(app, secretary)
    url = f"/documents/{document.id}/upload"

    def send(summary: str):
        content = io.BytesIO(make_docx("Quy trình"))
        return client.post(url, data={"file": (content, "qt.docx"), "change_summary": summary})

    _refused(send("Sửa\x00 mục 3"))
    assert session.scalar(select(func.count()).select_from(Revision)) == 0
    assert send("Sửa mục 3\r\n\tvì quy định mới").status_code == 302
    assert session.scalar(select(Revision.change_summary)) == "Sửa mục 3\r\n\tvì quy định mới"


def test_a_return_comment_with_nul_is_refused(app, session, files, secretary, reviewer, document, today):
    revision = upload(session, files, secretary, document)
    lifecycle.act(session, secretary, revision.id, "submit", today=today)
    client = signed_in(app, reviewer)

    _refused(client.post(f"/revisions/{revision.id}/actions", data={"action": "return", "comment": "Sai\x00 chỗ"}))
    session.refresh(revision)
    assert revision.status is RevisionStatus.IN_REVIEW


def test_organisation_and_user_names_with_nul_are_refused(app, session, admin):
    client = signed_in(app, admin)
    organisations = session.scalar(select(func.count()).select_from(Organization))
    people = session.scalar(select(func.count()).select_from(User))

    _refused(client.post("/admin/organizations", data={"code": "XA-MOI", "name": "UBND xã\x00 Mới", "parent": ""}))
    _refused(client.post("/admin/users/new", data={
        "username": "moi", "full_name": "Nguyễn\x00 Văn Mới", "title": "", "organization": "XA-LOCBINH",
        "roles": ["staff"], "password": PASSWORD,
    }))
    assert session.scalar(select(func.count()).select_from(Organization)) == organisations
    assert session.scalar(select(func.count()).select_from(User)) == people


def test_a_control_character_in_a_page_query_is_refused(app, staff):
    _refused(signed_in(app, staff).get("/documents?kind=process%00"))


def test_the_refusals_read_in_english_on_an_english_page(app, client, bearer, staff):
    english = signed_in(app, staff)
    english.post("/language", data={"language": "en", "next": "/"})
    refused = english.get("/documents?kind=process%00")
    assert refused.status_code == 400
    assert "The submitted data contains control or invalid characters" in text_of(refused)
    assert REFUSED not in text_of(refused)
    nowhere = english.get("/organizations/XA%01/legal-reviews")
    assert nowhere.status_code == 404 and "Not found: the address contains control characters." in text_of(nowhere)
    # The API answers in Vietnamese, with a code for programs.
    api = client.get("/api/v1/documents?q=ho%00", headers=bearer(staff))
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "control_character"
    assert api.get_json()["error"]["message"].startswith(REFUSED)
