"""GET /api/v1/search: the same search service as the page, as JSON: the hits a page at a time (the list convention),
the facets, suggestion and ``relaxed`` at /search/facets."""

from __future__ import annotations

import json

import pytest
from support.factories import make_docx, make_effective, upload

from qms.documents import lifecycle


@pytest.fixture
def indexed(session, files, secretary, reviewer, approver, document, today):
    current = make_effective(session, files, document, secretary, reviewer, approver, today,
                             make_docx("Cấp bản sao trích lục theo Nghị định 61/2018/NĐ-CP"), "Ban hành")
    draft = upload(session, files, secretary, document, make_docx("Bản dự thảo trích lục mới"), "Sửa")
    return current, draft


def total(response) -> int:
    assert response.status_code == 200, response.get_json()
    return json.loads(response.headers["X-Pagination"])["total"]


def test_search_answers_with_hits_highlights_and_facets(client, bearer, staff, indexed):
    current, _draft = indexed
    response = client.get("/api/v1/search?q=cap ban sao trich luc", headers=bearer(staff))
    assert response.status_code == 200
    hits = response.get_json()
    assert json.loads(response.headers["X-Pagination"]) == {"total": 1, "total_pages": 1, "first_page": 1,
                                                           "last_page": 1, "page": 1}
    hit = hits[0]
    assert (hit["revision_id"], hit["code"], hit["status"], hit["organization"]) == (
        current.id, "QT-HT-04", "effective", "UBND xã Lộc Bình")
    assert "<mark>" in hit["highlights"]
    facets = client.get("/api/v1/search/facets?q=cap ban sao trich luc", headers=bearer(staff)).get_json()
    assert facets == {"total": 1, "facets": {"kind": {"process": 1}, "organization": {"XA-LOCBINH": 1},
                                             "category": {"document": 1}}, "suggestion": None, "relaxed": False}


def test_status_all_is_for_control_roles_only(client, bearer, staff, secretary, indexed):
    assert total(client.get("/api/v1/search?q=trich luc&status=all", headers=bearer(secretary))) == 2
    assert total(client.get("/api/v1/search?q=trich luc&status=draft,effective", headers=bearer(secretary))) == 2
    assert total(client.get("/api/v1/search?q=trich luc&status=all", headers=bearer(staff))) == 1
    assert client.get("/api/v1/search/facets?q=trich luc&status=all", headers=bearer(staff)).get_json()["total"] == 1


def test_pages_of_hits_and_the_facets_total_agree(client, bearer, session, files, secretary, indexed):
    for n in range(4):
        made = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=f"QT-TL-{n}",
                                         title=f"Trích lục số {n}", kind="process")
        upload(session, files, secretary, made, make_docx(f"Trích lục bản sao số {n}"), "Dự thảo")
    headers = bearer(secretary)
    query = "/api/v1/search?q=trich luc&status=all"
    first = client.get(f"{query}&page_size=2", headers=headers)
    pages = json.loads(first.headers["X-Pagination"])
    assert len(first.get_json()) == 2 and (pages["total"], pages["total_pages"], pages["next_page"]) == (6, 3, 2)
    facets = client.get("/api/v1/search/facets?q=trich luc&status=all", headers=headers).get_json()
    assert facets["total"] == pages["total"] == total(client.get(query, headers=headers))
    assert sum(facets["facets"]["kind"].values()) == 6
    last = client.get(f"{query}&page_size=2&page=3", headers=headers).get_json()
    seen = {hit["revision_id"] for hit in first.get_json()} | {hit["revision_id"] for hit in last}
    assert len(last) == 2 and len(seen) == 4
    # Past the last page, and past the furthest page read: an empty list, the total still counted.
    assert client.get(f"{query}&page_size=2&page=4", headers=headers).get_json() == []
    beyond = client.get(f"{query}&page=10001", headers=headers)
    assert beyond.get_json() == [] and total(beyond) == 6
    assert client.get(f"{query}&page=100000000000", headers=headers).get_json() == []


def test_the_facets_answer_the_suggestion_and_a_relaxed_search(client, bearer, staff, indexed):
    headers = bearer(staff)
    misspelt = client.get("/api/v1/search/facets?q=trichh lucc", headers=headers).get_json()
    assert misspelt == {"total": 0, "facets": {"kind": {}, "organization": {}, "category": {}},
                        "suggestion": "trich luc", "relaxed": False}
    some = client.get("/api/v1/search/facets?q=trich luc khongcochu", headers=headers).get_json()
    assert some["relaxed"] is True and some["total"] == 1
    assert total(client.get("/api/v1/search?q=trich luc khongcochu", headers=headers)) == 1


def test_bad_parameters_are_json_errors(client, bearer, secretary, inspector, indexed):
    assert client.get("/api/v1/search?q=x&status=bogus", headers=bearer(secretary)).status_code == 422
    assert client.get("/api/v1/search/facets?q=x&status=bogus", headers=bearer(secretary)).status_code == 422
    assert client.get("/api/v1/search?q=x&page_size=101", headers=bearer(secretary)).status_code == 422
    assert client.get("/api/v1/search?q=x&page=0", headers=bearer(secretary)).status_code == 422
    assert client.get("/api/v1/search?q=x&sort=title", headers=bearer(secretary)).status_code == 422
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
    response = client.get("/api/v1/search?q=QT-HT-04", headers=bearer(staff))
    assert response.get_json() == [] and total(response) == 0


def test_search_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "organization", "kind", "field", "status", "procedure", "sort", "page", "page_size"} <= parameters
    assert "per_page" not in parameters
    facets = spec["paths"]["/api/v1/search/facets"]["get"]
    assert {p["name"] for p in facets["parameters"]} == parameters - {"sort", "page", "page_size"}
    body = facets["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]) == {
        "total", "facets", "suggestion", "relaxed"}
