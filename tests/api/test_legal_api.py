"""The legal register, legal bases and review items through the JSON API."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest
from support.factories import FIXTURES, fixture_file, make_effective

from qms.legal import csv_import

ONE_STOP = "/api/v1/legal-documents/" + quote("61/2018/NĐ-CP", safe="")


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def register(session, admin, today):
    return csv_import.import_csv(session, admin, (FIXTURES / "legal_documents.csv").read_bytes(), today=today)


@pytest.fixture
def current(session, files, document, secretary, reviewer, approver, today, register):
    """QT-HT-04 issue 1 in force, its legal basis extracted at upload; 118/2025 replaced the 61/2018 it cites."""
    return make_effective(
        session, files, document, secretary, reviewer, approver, today, fixture_file("QT-HT-04_trich-luc_lan-01.docx")
    )


# --- the register ------------------------------------------------------------------------------


def test_everyone_with_a_token_reads_the_register_with_derived_status(client, bearer, staff, register):
    assert client.get("/api/v1/legal-documents").status_code == 401
    listed = client.get("/api/v1/legal-documents?status=replaced", headers=bearer(staff))
    assert listed.status_code == 200
    numbers = [d["number"] for d in listed.get_json()]
    assert "61/2018/NĐ-CP" in numbers and "118/2025/NĐ-CP" not in numbers

    one = client.get(ONE_STOP, headers=bearer(staff)).get_json()
    assert one["number"] == "61/2018/NĐ-CP" and one["type"] == "Nghị định" and one["status"] == "replaced"
    assert (one["amended_by"], one["replaced_by"], one["is_stub"]) == (["107/2021/NĐ-CP"], ["118/2025/NĐ-CP"], False)
    assert (one["issued_on"], one["effective_from"]) == ("2018-04-23", "2018-06-21")
    ascii_form = client.get("/api/v1/legal-documents/61%2F2018%2FND-CP", headers=bearer(staff))
    assert ascii_form.get_json()["number"] == "61/2018/NĐ-CP"
    searched = client.get("/api/v1/legal-documents?q=luat%20dat%20dai", headers=bearer(staff)).get_json()
    assert [d["number"] for d in searched] == ["31/2024/QH15"]

    missing = client.get("/api/v1/legal-documents/" + quote("1/2099/NĐ-CP", safe=""), headers=bearer(staff))
    assert missing.status_code == 404 and error_code(missing) == "not_found"
    bad_status = client.get("/api/v1/legal-documents?status=old", headers=bearer(staff))
    assert bad_status.status_code == 422 and "status" in bad_status.get_json()["error"]["fields"]


def test_register_editors_create_documents_with_relations(client, bearer, secretary, registrar, register):
    body = {
        "number": "367/2025/ND-CP",
        "type": "Nghị định",
        "title": "Sửa đổi, bổ sung Nghị định số 118/2025/NĐ-CP",
        "issuer": "Chính phủ",
        "issued_on": "2025-12-31",
        "effective_from": "2026-01-01",
        "amends": ["118/2025/ND-CP"],
    }
    created = client.post("/api/v1/legal-documents", json=body, headers=bearer(registrar))
    assert created.status_code == 201, created.get_json()
    document = created.get_json()
    assert document["number"] == "367/2025/NĐ-CP" and document["amends"] == ["118/2025/NĐ-CP"]
    assert created.headers["Location"].endswith("/api/v1/legal-documents/367/2025/N%C4%90-CP")
    target = client.get("/api/v1/legal-documents/118%2F2025%2FN%C4%90-CP", headers=bearer(secretary)).get_json()
    assert target["amended_by"] == ["367/2025/NĐ-CP"]

    again = client.post("/api/v1/legal-documents", json=body, headers=bearer(secretary))
    assert again.status_code == 409 and error_code(again) == "duplicate_number"
    wrong = client.post("/api/v1/legal-documents", json={**body, "number": "23/4/2018"}, headers=bearer(secretary))
    assert wrong.status_code == 422 and error_code(wrong) == "invalid_number"
    untitled = client.post("/api/v1/legal-documents", json={"number": "1/2026/NĐ-CP"}, headers=bearer(secretary))
    assert untitled.status_code == 422 and "title" in untitled.get_json()["error"]["fields"]


def test_staff_and_inspectors_cannot_change_the_register(client, bearer, staff, inspector, register):
    for user in (staff, inspector):
        body = {"number": "1/2026/NĐ-CP", "title": "x"}
        created = client.post("/api/v1/legal-documents", json=body, headers=bearer(user))
        assert created.status_code == 403 and error_code(created) == "role_required"
        patched = client.patch(ONE_STOP, json={"title": "x"}, headers=bearer(user))
        assert patched.status_code == 403


def test_patch_changes_only_what_is_sent_and_completes_a_stub(client, bearer, registrar, register):
    approver = registrar
    url = "/api/v1/legal-documents/" + quote("45/2013/QH13", safe="")
    patched = client.patch(
        url, json={"type": "Luật", "title": "Luật Đất đai", "effective_from": "2014-07-01"}, headers=bearer(approver)
    )
    assert patched.status_code == 200, patched.get_json()
    document = patched.get_json()
    assert (document["type"], document["is_stub"], document["status"]) == ("Luật", False, "replaced")
    assert document["replaced_by"] == ["31/2024/QH15"] and document["issued_on"] is None

    replaced = client.patch(ONE_STOP, json={"replaces": ["ND 1/2017"]}, headers=bearer(approver))
    assert replaced.status_code == 422 and error_code(replaced) == "invalid_number"
    unknown = client.patch(ONE_STOP, json={"number": "62/2018/NĐ-CP"}, headers=bearer(approver))
    assert unknown.status_code == 422 and "number" in unknown.get_json()["error"]["fields"]
    missing = client.patch("/api/v1/legal-documents/1%2F2099%2FQH15", json={"title": "x"}, headers=bearer(approver))
    assert missing.status_code == 404


# --- a revision's legal basis --------------------------------------------------------------------


def test_the_legal_basis_of_a_revision_with_status(client, bearer, staff, outsider, current):
    url = f"/api/v1/revisions/{current.id}/legal-basis"
    basis = client.get(url, headers=bearer(staff))
    assert basis.status_code == 200
    body = basis.get_json()
    assert body["revision_id"] == current.id
    citations = {c["number"]: c for c in body["citations"]}
    assert list(citations) == ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "61/2018/NĐ-CP"]
    old = citations["61/2018/NĐ-CP"]
    assert (old["status"], old["replaced_by"], old["source"], old["under_review"]) == (
        "replaced", ["118/2025/NĐ-CP"], "extracted", True
    )
    assert client.get(url, headers=bearer(outsider)).status_code == 404
    assert client.get("/api/v1/revisions/999999/legal-basis", headers=bearer(staff)).status_code == 404


def test_the_secretary_replaces_the_legal_basis(client, bearer, secretary, approver, current):
    url = f"/api/v1/revisions/{current.id}/legal-basis"
    numbers = ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP", "118/2025/ND-CP", "9/2026/TT-BTP"]
    put = client.put(url, json={"numbers": numbers}, headers=bearer(secretary))
    assert put.status_code == 200, put.get_json()
    citations = put.get_json()["citations"]
    assert [c["number"] for c in citations][-2:] == ["118/2025/NĐ-CP", "9/2026/TT-BTP"]
    assert citations[-1]["is_stub"] and citations[-1]["source"] == "manual"

    assert client.put(url, json={"numbers": ["61/2018/NĐ-CP"]}, headers=bearer(approver)).status_code == 403
    wrong = client.put(url, json={"numbers": ["không rõ"]}, headers=bearer(secretary))
    assert wrong.status_code == 422 and error_code(wrong) == "invalid_number"
    assert client.put(url, json={}, headers=bearer(secretary)).status_code == 422


# --- review items ----------------------------------------------------------------------------------


def test_review_items_are_listed_and_resolved_by_the_approver(
    client, bearer, session, secretary, approver, staff, current, today
):
    url = "/api/v1/organizations/XA-LOCBINH/legal-reviews"
    listed = client.get(url, headers=bearer(secretary))
    assert listed.status_code == 200
    (item,) = listed.get_json()
    assert (item["cited"], item["trigger"], item["change"], item["state"]) == (
        "61/2018/NĐ-CP", "118/2025/NĐ-CP", "replaces", "open"
    )
    assert item["document"]["code"] == "QT-HT-04" and item["revision_id"] == current.id and item["issue_number"] == 1
    assert item["since"] == "2025-07-01" and item["age_days"] == (today - date(2025, 7, 1)).days
    assert item["organization"]["code"] == "XA-LOCBINH" and item["closed_by"] is None
    basis = client.get(f"/api/v1/revisions/{current.id}/legal-basis", headers=bearer(secretary)).get_json()
    assert [c["under_review"] for c in basis["citations"]] == [False, False, False, True]

    resolve_url = f"/api/v1/legal-reviews/{item['id']}/resolve"
    assert client.post(resolve_url, json={"reason": "x"}, headers=bearer(secretary)).status_code == 403
    assert client.post(resolve_url, json={}, headers=bearer(approver)).status_code == 422
    blank = client.post(resolve_url, json={"reason": "   "}, headers=bearer(approver))
    assert blank.status_code == 422 and error_code(blank) == "reason_required"
    resolved = client.post(resolve_url, json={"reason": "Đã đối chiếu, không thay đổi"}, headers=bearer(approver))
    assert resolved.status_code == 200, resolved.get_json()
    closed = resolved.get_json()
    assert (closed["state"], closed["resolution"]) == ("closed", "no_change")
    assert closed["reason"] == "Đã đối chiếu, không thay đổi"
    assert closed["closed_by"] == {"name": approver.full_name, "title": approver.title}
    twice = client.post(resolve_url, json={"reason": "Lần nữa"}, headers=bearer(approver))
    assert twice.status_code == 409 and error_code(twice) == "review_closed"

    assert client.get(url, headers=bearer(secretary)).get_json() == []
    assert len(client.get(url + "?state=all", headers=bearer(secretary)).get_json()) == 1
    assert client.get(url + "?state=later", headers=bearer(secretary)).status_code == 422
    assert client.get(url, headers=bearer(staff)).status_code == 404
    assert client.get("/api/v1/organizations/KHONG-CO/legal-reviews", headers=bearer(secretary)).status_code == 404


def test_other_organisations_items_are_not_found(client, bearer, session, outsider, inspector, current, today):
    from qms.legal.reviews import refresh_reviews

    refresh_reviews(session, today)
    url = "/api/v1/organizations/XA-LOCBINH/legal-reviews"
    assert client.get(url, headers=bearer(outsider)).status_code == 404
    (item,) = client.get(url, headers=bearer(inspector)).get_json()
    resolve_url = f"/api/v1/legal-reviews/{item['id']}/resolve"
    resolved = client.post(resolve_url, json={"reason": "x"}, headers=bearer(outsider))
    assert resolved.status_code == 404
    inspected = client.post(resolve_url, json={"reason": "x"}, headers=bearer(inspector))
    assert inspected.status_code == 403
