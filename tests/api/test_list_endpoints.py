"""One convention for every list of the API: flask-smorest's pagination (``page``, ``page_size``, the list as the
body, the X-Pagination header), ``sort`` and ``q`` where a list has them, all of it in the OpenAPI document."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from support.communes import MERGER, RESOLVED, RESOLVED_BODY, days_ago, records_before_merger, two_communes
from support.factories import make_docx, make_effective, upload

from qms.accounts import restructure
from qms.catalogue import procedures
from qms.documents import lifecycle
from qms.legal import register
from qms.periodic_review import outcomes

#: Lists the OpenAPI document must hold, as it names them: what shows that the lists are found, not a list to keep.
LISTS = [
    "/api/v1/documents", "/api/v1/users", "/api/v1/revisions/awaiting", "/api/v1/organizations/{code}/procedures",
    "/api/v1/legal-documents", "/api/v1/organizations/{code}/legal-reviews", "/api/v1/overview/rows",
    "/api/v1/documents/{document_id}/history", "/api/v1/legal-proposals",
    "/api/v1/organizations/restructure/scheduled", "/api/v1/organizations/{code}/publications",
    "/api/v1/organizations/{code}/internal-audits", "/api/v1/organizations/{code}/management-reviews",
    "/api/v1/organizations/{code}/objectives", "/api/v1/organizations/{code}/effectiveness-confirmations",
    "/api/v1/documents/{document_id}/periodic-reviews", "/api/v1/organizations/{code}/review-intervals",
    "/api/v1/notifications", "/api/v1/search",
]
#: Lists whose pages are smaller than the convention's (50, at most 200): the search, whose every hit is highlighted.
OWN_PAGE_SIZES = {"/api/v1/search": (20, 100)}
#: The records lists, which also read ``as_of`` as the records page does.
RECORDS = ["publications", "internal-audits", "management-reviews", "objectives", "effectiveness-confirmations"]


def _lists(spec: dict) -> dict[str, dict]:
    """Every GET operation whose 200 body is an array: a list, whichever module added it."""
    found = {}
    for path, operations in spec["paths"].items():
        ok = operations.get("get", {}).get("responses", {}).get("200", {})
        if ok.get("content", {}).get("application/json", {}).get("schema", {}).get("type") == "array":
            found[path] = operations["get"]
    return found


def _pages(response) -> dict:
    return json.loads(response.headers["X-Pagination"])


def test_every_list_states_the_convention_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    found = _lists(spec)
    assert set(LISTS) <= set(found)
    for path, operation in found.items():
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"page", "page_size", "sort", "q"} <= names, path
        ok = operation["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["type"] == "array", path
        header = ok["headers"]["X-Pagination"]["content"]["application/json"]["schema"]
        assert {"total", "total_pages", "page", "next_page"} <= set(header["properties"]), path
        size = next(p for p in operation["parameters"] if p["name"] == "page_size")["schema"]
        assert (size["default"], size["maximum"]) == OWN_PAGE_SIZES.get(path, (50, 200)), path
    for kind in RECORDS:
        operation = found[f"/api/v1/organizations/{{code}}/{kind}"]
        as_of = next(p for p in operation["parameters"] if p["name"] == "as_of")
        assert as_of["schema"]["format"] == "date" and "merged" in as_of["description"], kind


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


@pytest.fixture
def communes(session, files, secretary, reviewer, approver, today):
    made = two_communes(session, files, (secretary, reviewer, approver), today)
    return made | records_before_merger(session, files, (secretary, reviewer, approver), today)


def test_a_records_list_pages_sorts_filters_and_reads_as_of_a_day_across_a_merger(
        client, bearer, session, admin, inspector, communes, today):
    merged_on = today - timedelta(days=10)
    restructure.carry_out(session, admin, **MERGER, effective_on=merged_on, today=today, resolutions=RESOLVED)
    headers = bearer(inspector)
    merged = "/api/v1/organizations/XA-LOCBINH-MOI/publications"
    former = "/api/v1/organizations/XA-LOCBINH/publications"

    def numbers(url):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
        return [p["number"] for p in response.get_json()]

    # Both communes' decisions were carried to the merged one; the former holds none now.
    first = client.get(f"{merged}?page_size=1&sort=number", headers=headers)
    assert [p["number"] for p in first.get_json()] == ["07/QĐ-UBND"]
    assert (_pages(first)["total"], _pages(first)["next_page"]) == (2, 2)
    assert numbers(f"{merged}?page_size=1&page=2&sort=number") == ["12/QĐ-UBND"]
    assert numbers(f"{merged}?sort=-number") == ["12/QĐ-UBND", "07/QĐ-UBND"]
    assert numbers(f"{merged}?q=12/QD") == ["12/QĐ-UBND"]
    assert sorted(numbers(f"{merged}?q=chu+tich+ubnd")) == ["07/QĐ-UBND", "12/QĐ-UBND"]  # the signer
    assert numbers(f"{merged}?q=khong+co") == []
    assert numbers(former) == []
    # The day before the merger: the former commune held its own, the merged one did not exist yet.
    day_before = (merged_on - timedelta(days=1)).isoformat()
    assert numbers(f"{former}?as_of={day_before}") == ["12/QĐ-UBND"]
    assert numbers(f"{merged}?as_of={day_before}") == []
    assert numbers(f"{merged}?as_of={merged_on.isoformat()}&sort=number") == ["07/QĐ-UBND", "12/QĐ-UBND"]
    # Before anything was signed, nothing.
    assert numbers(f"{former}?as_of={(today - timedelta(days=30)).isoformat()}") == []

    # The other records lists read the same day the same way.
    base = "/api/v1/organizations/XA-LOCBINH"
    audits = client.get(f"{base}/internal-audits?as_of={day_before}", headers=headers).get_json()
    assert [a["auditors"] for a in audits] == [["Nguyễn Văn An"]]
    assert client.get(f"{base}/internal-audits?as_of={day_before}&q=nguyen+van+an",
                      headers=headers).get_json() == audits
    assert client.get(f"{base}/internal-audits?as_of={day_before}&q=tran", headers=headers).get_json() == []
    assert client.get(f"{base}/internal-audits", headers=headers).get_json() == []
    reviews = client.get(f"{base}/management-reviews?as_of={day_before}&q=mau+phieu", headers=headers)
    assert [r["chair"] for r in reviews.get_json()] == ["Chủ tịch UBND xã"] and _pages(reviews)["total"] == 1
    objectives = client.get(f"{base}/objectives?as_of={day_before}&q=dung+han", headers=headers).get_json()
    assert [o["title"] for o in objectives] == ["100% hồ sơ trả đúng hạn"]
    assert len(client.get(f"{base}-MOI/effectiveness-confirmations", headers=headers).get_json()) == 2
    confirmed = client.get(f"{base}/effectiveness-confirmations?as_of={day_before}", headers=headers).get_json()
    assert len(confirmed) == 1

    # A day to come, or not a day, is refused as on the records page; so are unknown sorts and oversized pages.
    tomorrow = (today + timedelta(days=1)).isoformat()
    for kind in RECORDS:
        for refused in (f"as_of={tomorrow}", "as_of=2025-13-01", "sort=password", "page_size=201"):
            response = client.get(f"{base}/{kind}?{refused}", headers=headers)
            assert response.status_code == 422 and "error" in response.get_json(), (kind, refused)
    assert client.get(f"{base}/publications?as_of={tomorrow}",
                      headers=headers).get_json()["error"]["code"] == "invalid_date"


def test_periodic_reviews_intervals_and_scheduled_restructures_page(
        client, bearer, session, files, secretary, reviewer, approver, admin, staff, document, today):
    with days_ago(400) as then:
        make_effective(session, files, document, secretary, reviewer, approver, then)
    for days, reason in ((200, "Quy trình vẫn đúng quy định."), (100, "Vẫn phù hợp với Nghị định mới.")):
        with days_ago(days) as reviewed:
            outcomes.record(session, approver, document.id, outcome="no_change", reason=reason, today=reviewed)
    url = f"/api/v1/documents/{document.id}/periodic-reviews"
    newest = client.get(f"{url}?page_size=1", headers=bearer(staff))
    assert [r["reason"] for r in newest.get_json()] == ["Vẫn phù hợp với Nghị định mới."]
    assert _pages(newest)["total"] == 2 and _pages(newest)["next_page"] == 2
    oldest = client.get(f"{url}?sort=reviewed_on", headers=bearer(staff)).get_json()
    assert [r["reason"] for r in oldest] == ["Quy trình vẫn đúng quy định.", "Vẫn phù hợp với Nghị định mới."]
    assert [r["reason"] for r in client.get(f"{url}?q=nghi+dinh", headers=bearer(staff)).get_json()] == [
        "Vẫn phù hợp với Nghị định mới."]
    assert client.get(f"{url}?sort=reason", headers=bearer(staff)).status_code == 422

    intervals = "/api/v1/organizations/XA-LOCBINH/review-intervals"
    assert client.put(intervals, json={"kind": "process", "months": 6}, headers=bearer(secretary)).status_code == 200
    shortest = client.get(f"{intervals}?sort=months&page_size=1", headers=bearer(staff))
    assert shortest.get_json() == [{"kind": "process", "months": 6, "own": True}]
    assert _pages(shortest)["total"] == len(client.get(intervals, headers=bearer(staff)).get_json()) > 1
    assert [row["kind"] for row in client.get(f"{intervals}?q=policy", headers=bearer(staff)).get_json()] == [
        "policy"]

    scheduled = "/api/v1/organizations/restructure/scheduled"
    two_communes(session, files, (secretary, reviewer, approver), today)
    day = (today + timedelta(days=3)).isoformat()
    kept = client.post("/api/v1/organizations/restructure", headers=bearer(admin),
                       json={**MERGER, "effective_on": day, "resolutions": RESOLVED_BODY})
    assert kept.status_code == 200, kept.get_json()
    listed = client.get(f"{scheduled}?q=loc+binh+moi", headers=bearer(admin))
    assert [row["effective_on"] for row in listed.get_json()] == [day] and _pages(listed)["total"] == 1
    assert client.get(f"{scheduled}?q=cao+loc", headers=bearer(admin)).get_json() == []
    assert client.get(f"{scheduled}?sort=kind", headers=bearer(admin)).status_code == 422
    assert client.get(scheduled, headers=bearer(staff)).status_code == 403
