"""One convention for every list of the API: flask-smorest's pagination (``page``, ``page_size``, the list as the
body, the X-Pagination header), ``sort`` and ``q`` where a list has them, all of it in the OpenAPI document."""

from __future__ import annotations

import json

from support.factories import make_docx, make_effective, upload

from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.legal import register

#: Every list the API has, as the OpenAPI document names it.
LISTS = [
    "/api/v1/documents", "/api/v1/users", "/api/v1/revisions/awaiting", "/api/v1/organizations/{code}/procedures",
    "/api/v1/legal-documents", "/api/v1/organizations/{code}/legal-reviews", "/api/v1/overview/rows",
    "/api/v1/documents/{document_id}/history", "/api/v1/legal-proposals",
]


def _pages(response) -> dict:
    return json.loads(response.headers["X-Pagination"])


def test_every_list_states_the_convention_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in LISTS:
        operation = spec["paths"][path]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"page", "page_size", "sort", "q"} <= names, path
        ok = operation["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["type"] == "array", path
        header = ok["headers"]["X-Pagination"]["content"]["application/json"]["schema"]
        assert {"total", "total_pages", "page", "next_page"} <= set(header["properties"]), path
        size = next(p for p in operation["parameters"] if p["name"] == "page_size")["schema"]
        assert (size["default"], size["maximum"]) == (50, 200), path


def test_documents_page_by_page_sorted_and_filtered(client, bearer, session, secretary, inspector, document):
    for n in range(4):
        lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code=f"QT-CT-{n}",
                                  title=f"Chứng thực số {n}", kind="process")
    headers = bearer(secretary)
    first = client.get("/api/v1/documents?page_size=2", headers=headers)
    assert [d["code"] for d in first.get_json()] == ["QT-CT-0", "QT-CT-1"]
    assert _pages(first) == {"total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 1,
                             "next_page": 2}
    last = client.get("/api/v1/documents?page_size=2&page=3&sort=-code", headers=headers)
    assert [d["code"] for d in last.get_json()] == ["QT-CT-0"]
    assert "next_page" not in _pages(last) and _pages(last)["previous_page"] == 2
    found = client.get("/api/v1/documents?q=trich+luc+ho+tich", headers=headers)
    assert [d["code"] for d in found.get_json()] == ["QT-HT-04"] and _pages(found)["total"] == 1
    everywhere = client.get("/api/v1/documents?organization=TINH-LS", headers=bearer(inspector))
    assert _pages(everywhere)["total"] == 5  # the province includes its communes

    for refused in ("page_size=201", "page=0", "sort=password", "q=" + "x" * 201):
        response = client.get(f"/api/v1/documents?{refused}", headers=headers)
        assert response.status_code == 422 and "error" in response.get_json(), refused


def test_the_other_lists(client, bearer, session, files, secretary, reviewer, approver, registrar, admin,
                         inspector, document, today):
    csv = ("code,name,field,level,time_value,time_unit,fee\n"
           "2.000635,Cấp bản sao trích lục hộ tịch,Hộ tịch,xã,1,trong ngày,8.000 đồng\n"
           "1.001193,Đăng ký khai sinh,Hộ tịch,xã,1,trong ngày,Miễn\n").encode()
    procedures.import_procedures(session, secretary, "XA-LOCBINH", "tthc.csv", csv)
    register.create_legal_document(session, registrar, number="61/2018/NĐ-CP", title="Về cơ chế một cửa",
                                   today=today)
    make_effective(session, files, document, secretary, reviewer, approver, today,
                   make_docx("Căn cứ Nghị định 61/2018/NĐ-CP về cơ chế một cửa."))
    register.create_legal_document(session, registrar, number="118/2025/NĐ-CP", title="Thay thế",
                                   replaces=["61/2018/NĐ-CP"], effective_from=today, today=today)
    upload(session, files, secretary, document, summary="Sửa theo Nghị định 118")

    catalogue = client.get("/api/v1/organizations/XA-LOCBINH/procedures?sort=name", headers=bearer(secretary))
    rows = {row["code"]: row for row in catalogue.get_json()}
    assert rows["2.000635"]["process"] == {"id": document.id, "code": "QT-HT-04",
                                           "title": "Cấp bản sao trích lục hộ tịch"}
    assert rows["1.001193"]["process"] is None and _pages(catalogue)["total"] == 2

    legal = client.get("/api/v1/legal-documents?q=mot+cua", headers=bearer(inspector)).get_json()
    assert [(d["number"], d["citing_count"], [c["code"] for c in d["citing"]]) for d in legal] == [
        ("61/2018/NĐ-CP", 1, ["QT-HT-04"])]

    reviews = client.get("/api/v1/organizations/XA-LOCBINH/legal-reviews?q=61/2018", headers=bearer(secretary))
    assert [item["cited"] for item in reviews.get_json()] == ["61/2018/NĐ-CP"]

    awaiting = client.get("/api/v1/revisions/awaiting", headers=bearer(secretary))
    assert [(r["document"]["code"], r["status"]) for r in awaiting.get_json()] == [("QT-HT-04", "draft")]

    history = client.get(f"/api/v1/documents/{document.id}/history?page_size=2&sort=-seq", headers=bearer(inspector))
    assert len(history.get_json()) == 2 and _pages(history)["total"] > 2
    seqs = [entry["seq"] for entry in history.get_json()]
    assert seqs == sorted(seqs, reverse=True)

    assert client.get("/api/v1/users", headers=bearer(secretary)).status_code == 403
    approvers = client.get("/api/v1/users?role=approver", headers=bearer(admin)).get_json()
    assert [user["username"] for user in approvers] == ["pheduyet"]

    overview = client.get("/api/v1/overview/rows?q=dong+dang&sort=-documents", headers=bearer(inspector))
    assert [row["organization"]["code"] for row in overview.get_json()] == ["XA-DONGDANG"]
    assert client.get("/api/v1/overview/rows", headers=bearer(secretary)).status_code == 403
