"""The scorecard through the API and its page: gaps phrased as inspection reports phrase them, closed by records."""

from __future__ import annotations

import io
from datetime import timedelta

from support.factories import FIXTURES, make_effective, minimal_pdf
from support.pages import signed_in, text_of

from qms.documents import lifecycle
from qms.inspection.scorecard import CODES


def items_of(client, headers, code="XA-LOCBINH", **query):
    response = client.get(f"/api/v1/organizations/{code}/scorecard", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return {item["code"]: item for item in response.get_json()["items"]}


def test_an_agency_without_records_has_every_gap_and_records_close_them(
        client, bearer, session, files, secretary, reviewer, approver, inspector, today):
    items = items_of(client, bearer(inspector))
    assert list(items) == CODES
    assert items["policy_missing"] == {"code": "policy_missing", "ok": False,
                                       "detail": "Chưa ban hành chính sách chất lượng.", "links": []}
    assert items["internal_audit_missing"]["detail"] == "Chưa thực hiện đánh giá nội bộ trong 12 tháng qua."
    assert items["publication_missing"]["ok"] is False and items["management_review_missing"]["ok"] is False
    assert items["objectives_missing"]["detail"] == f"Chưa xây dựng, phê duyệt mục tiêu chất lượng năm {today.year}."
    assert items["periodic_review_overdue"]["ok"] is True  # nothing in force, nothing overdue
    assert items["acknowledgement_incomplete"]["ok"] is None  # nobody was asked to read anything

    headers = bearer(secretary)
    catalogue = {"file": (io.BytesIO((FIXTURES / "procedures.xlsx").read_bytes()), "procedures.xlsx"),
                 "organization": "XA-LOCBINH"}
    assert client.post("/api/v1/procedures/import", data=catalogue, headers=headers).status_code == 200
    policy = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="CSCL",
                                       title="Chính sách chất lượng", kind="policy")
    make_effective(session, files, policy, secretary, reviewer, approver, today)
    base = "/api/v1/organizations/XA-LOCBINH"
    client.post(f"{base}/publications", headers=headers, data={
        "number": "45/QĐ-UBND", "signed_on": today.isoformat(), "signer": "Lý Văn Đức",
        "file": (io.BytesIO(minimal_pdf("QD")), "qd.pdf"), "posted_office_on": today.isoformat(),
        "notified_on": today.isoformat()})
    client.post(f"{base}/internal-audits", headers=headers, data={
        "starts_on": (today - timedelta(days=30)).isoformat(), "auditors": "A", "processes": "CSCL"})
    client.post(f"{base}/management-reviews", headers=headers, data={
        "held_on": today.isoformat(), "chair": "B", "risks": "Không", "decisions": "Duy trì"})
    objective = client.post(f"{base}/objectives", headers=headers, json={"year": today.year, "title": "T",
                                                                         "target": "100%"}).get_json()
    items = items_of(client, bearer(inspector))
    assert items["objectives_missing"]["ok"] is False  # not approved yet
    assert items["publication_missing"] == {
        "code": "publication_missing", "ok": False,
        "detail": f"Đã công bố HTQLCL (Quyết định số 45/QĐ-UBND ngày {today:%d/%m/%Y}) nhưng chưa đăng trên trang "
                  "thông tin điện tử.",
        "links": [{"label": "Hồ sơ HTQLCL", "href": "/organizations/XA-LOCBINH/records#publication-1"}]}
    client.post(f"{base}/publications", headers=headers, data={
        "number": "46/QĐ-UBND", "signed_on": today.isoformat(), "signer": "Lý Văn Đức",
        "file": (io.BytesIO(minimal_pdf("QD 46")), "qd.pdf"), "posted_office_on": today.isoformat(),
        "posted_website_on": today.isoformat(), "notified_on": today.isoformat()})
    client.post(f"/api/v1/objectives/{objective['id']}/approve", headers=bearer(approver))

    items = items_of(client, bearer(inspector))
    for code in ("policy_missing", "objectives_missing", "internal_audit_missing", "management_review_missing",
                 "publication_missing", "republication_needed", "corrective_action_overdue", "legal_review_overdue"):
        assert items[code]["ok"] is True, items[code]
    assert items["publication_missing"]["links"][0]["href"].endswith("/organizations/XA-LOCBINH/records#publication-2")
    assert items["coverage_incomplete"]["ok"] is False
    assert items["coverage_incomplete"]["detail"].startswith("Chưa xây dựng quy trình cho 14/14 TTHC")

    # The catalogue changes: the publication no longer covers the scope.
    update = (FIXTURES / "procedures.csv").read_text(encoding="utf-8").replace("2.001263,", "2.001264,")
    client.post("/api/v1/procedures/import", headers=headers,
                data={"file": (io.BytesIO(update.encode()), "moi.csv"), "organization": "XA-LOCBINH"})
    item = items_of(client, bearer(inspector))["republication_needed"]
    assert item["ok"] is False
    assert item["detail"] == ("Phạm vi áp dụng thay đổi (bổ sung 1 TTHC (2.001264); bãi bỏ 1 TTHC (2.001263)) "
                              "nhưng chưa công bố lại HTQLCL.")
    page = text_of(signed_in(client.application, secretary).get("/organizations/XA-LOCBINH/records"))
    assert "Phạm vi thay đổi — cần công bố lại" in page and "Bổ sung: 2.001264" in page

    # As of the day before, nothing had been recorded yet (records are read by their dates).
    before = items_of(client, bearer(inspector), as_of=(today - timedelta(days=31)).isoformat())
    assert before["internal_audit_missing"]["ok"] is False and before["policy_missing"]["ok"] is False


def test_scorecard_page_and_refusals(client, bearer, secretary, outsider, inspector, today):
    assert client.get("/api/v1/organizations/XA-LOCBINH/scorecard", headers=bearer(outsider)).status_code == 404
    bad = client.get("/api/v1/organizations/XA-LOCBINH/scorecard?year=1800", headers=bearer(inspector))
    assert bad.status_code == 422
    past = client.get(f"/api/v1/organizations/XA-LOCBINH/scorecard?year={today.year - 1}",
                      headers=bearer(inspector)).get_json()
    assert past["as_of"] == f"{today.year - 1}-12-31" and past["year"] == today.year - 1
    page = signed_in(client.application, inspector).get("/organizations/XA-LOCBINH/scorecard")
    assert page.status_code == 200
    text = text_of(page)
    assert "Chưa công bố HTQLCL phù hợp TCVN ISO 9001:2015." in text and "Chưa theo dõi" in text


def test_objectives_issued_as_a_document_of_the_year_count(client, bearer, session, files, secretary, reviewer,
                                                            approver, inspector, today):
    objectives = lifecycle.create_document(session, secretary, organization_code="XA-LOCBINH", code="MTCL",
                                           title="Mục tiêu chất lượng", kind="objectives")
    make_effective(session, files, objectives, secretary, reviewer, approver, today)
    item = items_of(client, bearer(inspector))["objectives_missing"]
    assert item["ok"] is True and item["detail"] == f"Mục tiêu chất lượng năm {today.year} được ban hành bằng tài liệu."
    last_year = items_of(client, bearer(inspector), year=today.year - 1)["objectives_missing"]
    assert last_year["ok"] is False
