"""Reading through the API: who sees which documents and revisions, and who they are."""

from __future__ import annotations

import pytest
from support.factories import make_docx, make_effective, upload

from qms.documents import lifecycle


@pytest.fixture
def history(session, files, secretary, reviewer, approver, document, today):
    """The document with a superseded, a current and a draft revision."""
    first = make_effective(session, files, document, secretary, reviewer, approver, today)
    second = make_effective(
        session, files, document, secretary, reviewer, approver, today, make_docx("v2"), "Sửa bước 3"
    )
    draft = upload(session, files, secretary, document, make_docx("v3"), "Dự thảo 3")
    return first, second, draft


def test_me_tells_the_caller_who_they_are(client, bearer, approver):
    response = client.get("/api/v1/me", headers=bearer(approver))
    assert response.get_json() == {
        "username": "pheduyet",
        "full_name": "Nguyễn Văn Pheduyet",
        "title": "Chủ tịch UBND xã",
        "organization": {"code": "XA-LOCBINH", "name": "UBND xã Lộc Bình"},
        "roles": ["approver"],
        "email": None,
        "notice_preference": "each",
        "language": None,
    }


def test_secretaries_see_every_revision_and_staff_only_the_current_one(
    client, bearer, secretary, staff, document, history
):
    first, second, draft = history
    url = f"/api/v1/documents/{document.id}"

    seen_by_secretary = client.get(url, headers=bearer(secretary)).get_json()
    assert [r["id"] for r in seen_by_secretary["revisions"]] == [first.id, second.id, draft.id]
    seen_by_staff = client.get(url, headers=bearer(staff)).get_json()
    assert seen_by_staff["current_revision"]["id"] == second.id
    assert [r["id"] for r in seen_by_staff["revisions"]] == [second.id]

    assert client.get(f"/api/v1/revisions/{second.id}", headers=bearer(staff)).status_code == 200
    for hidden in (first, draft):
        response = client.get(f"/api/v1/revisions/{hidden.id}", headers=bearer(staff))
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_staff_do_not_see_a_document_before_it_is_in_force(client, bearer, session, files, secretary, staff, document):
    upload(session, files, secretary, document)
    assert client.get(f"/api/v1/documents/{document.id}", headers=bearer(staff)).status_code == 404
    assert client.get("/api/v1/documents", headers=bearer(staff)).get_json() == []
    assert [d["id"] for d in client.get("/api/v1/documents", headers=bearer(secretary)).get_json()] == [document.id]


def test_the_list_filters_by_organisation_kind_and_status(
    client, bearer, session, secretary, inspector, document, history
):
    policy = lifecycle.create_document(
        session, secretary, organization_code="XA-LOCBINH", code="CS-01", title="Chính sách chất lượng", kind="policy"
    )
    as_inspector = bearer(inspector)

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/v1/documents{query}", headers=as_inspector)
        assert response.status_code == 200, response.get_json()
        return [d["code"] for d in response.get_json()]

    assert codes("") == ["CS-01", "QT-HT-04"]
    assert codes("?organization=XA-LOCBINH&kind=process") == ["QT-HT-04"]
    assert codes("?kind=policy") == [policy.code]
    assert codes("?status=draft") == ["QT-HT-04"]
    assert codes("?organization=XA-DONGDANG") == []

    unknown = client.get("/api/v1/documents?organization=KHONG-CO", headers=as_inspector)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"
    bad_kind = client.get("/api/v1/documents?kind=novel", headers=as_inspector)
    assert bad_kind.status_code == 422 and "kind" in bad_kind.get_json()["error"]["fields"]


def test_other_organisations_get_404_not_403(client, bearer, outsider, document, history):
    first, second, draft = history
    as_outsider = bearer(outsider)
    for method, url, body in [
        ("get", f"/api/v1/documents/{document.id}", None),
        ("get", f"/api/v1/revisions/{second.id}", None),
        ("get", f"/api/v1/revisions/{first.id}/file", None),
        ("get", f"/api/v1/documents/{document.id}/history", None),
        ("post", f"/api/v1/revisions/{draft.id}/actions", {"action": "submit"}),
        ("post", f"/api/v1/revisions/{second.id}/actions", {"action": "withdraw", "comment": "x"}),
        ("get", "/api/v1/documents?organization=XA-LOCBINH", None),
    ]:
        response = getattr(client, method)(url, json=body, headers=as_outsider)
        assert response.status_code == 404, (url, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/documents", headers=as_outsider).get_json() == []


def test_ids_that_cannot_exist_are_404(client, bearer, secretary):
    for url in ("/api/v1/documents/99999", "/api/v1/documents/99999999999999999999", "/api/v1/revisions/-1"):
        response = client.get(url, headers=bearer(secretary))
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"] == "not_found"
