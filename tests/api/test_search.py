"""GET /api/v1/search: the same search service as the page, as JSON."""

from __future__ import annotations

import pytest
from support.factories import make_docx, make_effective, upload

from qms.documents import lifecycle


@pytest.fixture
def indexed(session, files, secretary, reviewer, approver, document, today):
    current = make_effective(session, files, document, secretary, reviewer, approver, today,
                             make_docx("Cấp bản sao trích lục theo Nghị định 61/2018/NĐ-CP"), "Ban hành")
    draft = upload(session, files, secretary, document, make_docx("Bản dự thảo trích lục mới"), "Sửa")
    return current, draft


def test_search_answers_with_hits_highlights_and_facets(client, bearer, staff, indexed):
    current, _draft = indexed
    response = client.get("/api/v1/search?q=cap ban sao trich luc", headers=bearer(staff))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1
    hit = body["hits"][0]
    assert (hit["revision_id"], hit["code"], hit["status"], hit["organization"]) == (
        current.id, "QT-HT-04", "effective", "UBND xã Lộc Bình")
    assert "<mark>" in hit["highlights"]
    assert body["facets"] == {"kind": {"process": 1}, "organization": {"XA-LOCBINH": 1}, "category": {"document": 1}}


def test_status_all_is_for_control_roles_only(client, bearer, staff, secretary, indexed):
    assert client.get("/api/v1/search?q=trich luc&status=all", headers=bearer(secretary)).get_json()["total"] == 2
    assert (
        client.get("/api/v1/search?q=trich luc&status=draft,effective", headers=bearer(secretary)).get_json()["total"]
        == 2
    )
    assert client.get("/api/v1/search?q=trich luc&status=all", headers=bearer(staff)).get_json()["total"] == 1


def test_bad_parameters_are_json_errors(client, bearer, secretary, inspector, indexed):
    assert client.get("/api/v1/search?q=x&status=bogus", headers=bearer(secretary)).status_code == 422
    assert client.get("/api/v1/search?q=x&per_page=1000", headers=bearer(secretary)).status_code == 422
    response = client.get("/api/v1/search?q=x&organization=XA-DONGDANG", headers=bearer(secretary))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/search?q=x&organization=KHONG-CO", headers=bearer(secretary)).status_code == 404
    assert client.get("/api/v1/search?q=x&organization=XA-DONGDANG", headers=bearer(inspector)).status_code == 200


def test_malformed_queries_never_fail(client, bearer, staff, indexed):
    for typed in ['"trich', "AND", "*", "NOT", "x" * 200]:
        assert client.get("/api/v1/search", query_string={"q": typed}, headers=bearer(staff)).status_code == 200


def test_withdrawn_document_leaves_the_default_results(client, bearer, session, approver, staff, indexed, today):
    current, _ = indexed
    lifecycle.act(session, approver, current.id, "withdraw", today=today, comment="Bãi bỏ")
    assert client.get("/api/v1/search?q=QT-HT-04", headers=bearer(staff)).get_json()["total"] == 0


def test_search_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "organization", "kind", "field", "status", "procedure", "page", "per_page"} <= parameters
